import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CausalLM } from '../../../src/engine/causalLM';
import { endsInLoop } from '../../../src/core/completion';
import { COMPLETION_DEFAULTS } from '../../../src/defaults';
import { completeCode } from '../../../src/engine/codeCompletion';
import type { CompleteParams } from '../../../src/protocol';
import { CODE_MODEL, REPO_ROOT } from '../support/builders';
import { withCodeModel } from './harness';

const SOURCE = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'workspace', 'src', 'math.ts'), 'utf8');

function at(text: string, marker: string): Pick<CompleteParams, 'prefix' | 'suffix'> {
  const offset = text.indexOf(marker) + marker.length;
  assert.ok(offset >= marker.length, `marker ${JSON.stringify(marker)} is in the fixture`);
  return { prefix: text.slice(0, offset), suffix: text.slice(offset) };
}

describe('code completion on the shipped model', () => {
  const loaded = withCodeModel();
  let model: CausalLM;
  before(() => {
    model = loaded();
  });
  const never = new AbortController().signal;

  it('detects the shipped model\'s FIM format and returns a post-processed suggestion', async () => {
    const params: CompleteParams = { model: CODE_MODEL, filePath: 'src/math.ts', languageId: 'typescript', prefix: 'export function add(a: number, b: number): number {\n  return ', suffix: '\n}\n' };
    const result = await completeCode(model, params, never);
    assert.equal(result.fimFormat, 'genai-code-tiny');
    assert.equal(result.shape, 'single');
    assert.ok(result.generatedTokens > 0);
    assert.ok(result.text.trim().length > 0, 'a suggestion after "return " (the space before the cursor is left out of the prompt)');
    assert.ok(!result.text.includes('\n'), 'a single-line suggestion');
    assert.ok(!result.raw.includes('<|'), 'no special tokens leak into the text');
  });

  it('stops as soon as the model loops within the line, and suggests nothing', async () => {
    // The shipped model answers this comment with "-Coder-Coder-Coder-...".
    const params: CompleteParams = { model: CODE_MODEL, filePath: 'src/a.ts', languageId: 'typescript', prefix: 'export function scale(values: number[]): number[] {\n  // Qwen2.5-Coder', suffix: '\n}\n', timeBudgetMs: 600_000 };
    const result = await completeCode(model, params, never);
    assert.ok(endsInLoop(result.raw), `the model looped: ${JSON.stringify(result.raw)}`);
    assert.equal(result.finishReason, 'stop');
    assert.ok(result.generatedTokens < COMPLETION_DEFAULTS.maxTokens, `stopped after ${result.generatedTokens} tokens`);
    assert.equal(result.text, '');
  });

  it('reuses the KV cache when one more character is typed', async () => {
    const base = { model: CODE_MODEL, filePath: 'src/math.ts', languageId: 'typescript' };
    const first = at(SOURCE, 'return n < 2 ? n : ');
    await completeCode(model, { ...base, ...first }, never);
    const typed = { prefix: `${first.prefix} `, suffix: first.suffix };
    const next = await completeCode(model, { ...base, ...typed }, never);
    assert.ok(next.reusedPromptTokens / next.promptTokens > 0.5, `reused ${next.reusedPromptTokens} of ${next.promptTokens} prompt tokens`);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await completeCode(model, { model: CODE_MODEL, filePath: 'a.py', languageId: 'python', prefix: 'def main():\n', suffix: '' }, controller.signal);
    assert.equal(result.finishReason, 'cancelled');
    assert.equal(result.generatedTokens, 0);
  });
});
