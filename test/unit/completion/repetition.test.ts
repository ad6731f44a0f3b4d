import assert from 'node:assert/strict';
import { endsInLoop, loopStart } from '../../../src/core/completion/repetition';

describe('loops within a line', () => {
  // Outputs of the shipped code model that filled the 64-token limit in the completion benchmark.
  const loops: [string, number][] = [
    ['-sembly-sembly-sembly-sembly-sembly', 0],
    [' = Math.min(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0', 12],
    ['.5.5.5.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0', 8],
    ['   Qw.  Qw. Qw. Qw. Qw. Qw. Qw. Qw.', 7],
    ['oder poder poder poder poder pod', 0],
    // Shown before the rule asked for 3 repeats over 20 characters instead of 4 over 24.
    ['`s` and `s` and `s` and `s` and', 0],
    ['ighlights, highlights, highlights, highlights,', 0],
    // Punctuation loops and a period over 32 characters (issue 18).
    ['x = a + + + + + + + + + + + + + + +', 5],
    ['time 12:12:12:12:12:12:12:12:12:12', 5],
    ['); ); ); ); ); ); ); ); ); ); );', 0],
    [`f(${'first_argument_name, second_argument_name, '.repeat(3)}`, 2],
  ];
  for (const [text, start] of loops) {
    it(`finds where ${JSON.stringify(text.slice(0, 24))} starts looping`, () => {
      assert.equal(loopStart(text), start);
      assert.ok(endsInLoop(text));
    });
  }

  it('a loop cut mid-unit still counts', () => {
    assert.equal(loopStart('x = foo_bar_foo_bar_foo_bar_foo_bar_fo'), 4);
  });

  it('leaves code with a few repeats, separators and indentation alone', () => {
    for (const text of ['[0, 0, 0, 0, 0, 0, 0]', '// ------------------------------------', '#'.repeat(40), ' '.repeat(40), ' \t'.repeat(20), '/* * * */', 'const x = a + b;', 'abcabcabc', '']) {
      assert.equal(loopStart(text), undefined, JSON.stringify(text));
    }
  });

  it('leaves a short literal run alone at every point of its generation', () => {
    const line = 'const zeros = [0, 0, 0, 0, 0, 0, 0];';
    for (let end = 1; end <= line.length; end++) assert.equal(loopStart(line.slice(0, end)), undefined, JSON.stringify(line.slice(0, end)));
  });

  it('leaves repeated lines to the line checks, which keep the first copy', () => {
    assert.equal(loopStart('  a();\n'.repeat(6)), undefined);
  });

  it('only a loop at the end counts', () => {
    assert.equal(loopStart('-sembly-sembly-sembly-sembly-sembly done();'), undefined);
  });
});
