import assert from 'node:assert/strict';
import { healPrefix, planCompletion, unhealCompletion } from '../../../src/core/completion';

describe('whitespace healing', () => {
  it('leaves the spaces and tabs before the cursor out of the prompt', () => {
    assert.deepEqual(healPrefix('  return '), { prefix: '  return', healed: ' ' });
    assert.deepEqual(healPrefix('if (x) {\n\t  '), { prefix: 'if (x) {\n', healed: '\t  ' });
    assert.deepEqual(healPrefix('x = 1;\n'), { prefix: 'x = 1;\n', healed: '' });
    assert.deepEqual(healPrefix('   '), { prefix: '', healed: '   ' });
  });

  it('takes the left-out whitespace off the answer, and drops an answer that does not start with it', () => {
    assert.equal(unhealCompletion(' a + b;', ' '), 'a + b;');
    assert.equal(unhealCompletion('    return x;', '  '), '  return x;');
    assert.equal(unhealCompletion('a + b;', ''), 'a + b;');
    assert.equal(unhealCompletion('\n}', ' '), '');
    assert.equal(unhealCompletion(' x', '  '), '');
  });

  it('plans the prompt from the healed prefix, so typing a space keeps the same prompt', () => {
    const facts = { fimTokens: new Set<string>(), maxPositions: 512, countTokens: (text: string) => Math.ceil(text.length / 3) };
    const input = { filePath: 'a.ts', languageId: 'typescript', suffix: '\n}\n', maxTokens: 32, promptTokens: 256 };
    const typed = planCompletion({ ...input, prefix: 'function f() {\n  return' }, facts);
    const spaced = planCompletion({ ...input, prefix: 'function f() {\n  return ' }, facts);
    assert.equal(spaced.prompt, typed.prompt);
    assert.equal(spaced.healed, ' ');
    assert.equal(typed.healed, '');
  });
});
