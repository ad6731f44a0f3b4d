import assert from 'node:assert/strict';
import { decideMultiline, type CompletionShape } from '../../../src/core/completion/multiline';

const CASES: readonly [why: string, languageId: string, prefix: string, suffix: string, expected: CompletionShape][] = [
  ['after an opening brace', 'typescript', 'function f() {', '\n', 'multi'],
  ['after an opening brace the editor auto-closed', 'typescript', 'if (ok) {', '}\n', 'multi'],
  ['after an opening parenthesis', 'go', 'import (', '\n)', 'multi'],
  ['after an opening bracket', 'json', '{\n  "items": [', '\n}', 'multi'],
  ['after a Python colon', 'python', 'def area(r):', '\n', 'multi'],
  ['below a Python colon followed by a comment', 'python', 'for x in xs:  # all of them\n    ', '\n', 'multi'],
  ['on an empty line below a block opening', 'python', 'class A:\n    ', '\n', 'multi'],
  ['on an empty line below a block opening and blank lines', 'rust', 'fn main() {\n\n    ', '\n}', 'multi'],
  ['inside a Markdown code fence just opened', 'markdown', '# Usage\n\n```ts\n', '\n```', 'multi'],
  ['text after the cursor', 'typescript', 'const x = ', 'compute();', 'single'],
  ['inside a line comment', 'typescript', 'function f() { // returns {', '\n', 'single'],
  ['inside a Python comment', 'python', '# loop over items:', '\n', 'single'],
  ['at the end of an ordinary statement', 'go', 'x := compute()', '\n', 'single'],
  ['a colon outside Python', 'typescript', 'const o = { a:', ' }', 'single'],
  ['an empty line below a statement', 'typescript', 'let a = 1;\n', '\n', 'single'],
  ['a closing Markdown fence', 'markdown', '```ts\nlet a;\n```\n', '', 'single'],
  ['Markdown prose', 'markdown', 'The function {', '\n', 'single'],
  ['a brace inside a string', 'typescript', 'const s = "{', '";', 'single'],
];

describe('decideMultiline', () => {
  for (const [why, languageId, prefix, suffix, expected] of CASES) {
    it(`${expected}: ${why}`, () => {
      assert.equal(decideMultiline(prefix, suffix, languageId), expected);
    });
  }
});
