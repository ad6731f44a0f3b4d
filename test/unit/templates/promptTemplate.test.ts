import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinTemplates, builtinTemplate, fillTemplate, parseTemplate, TemplateError } from '../../../src/core/templates';
import { REPO_ROOT } from '../support/builders';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'templates');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('prompt templates: filling (golden files)', () => {
  for (const strategy of ['zero-shot', 'few-shot', 'chain-of-thought']) {
    it(`fills the built-in ${strategy} template exactly`, () => {
      const template = builtinTemplate(strategy)!;
      assert.equal(template.strategy, strategy);
      assert.equal(fillTemplate(template, fixture('builtin.input.txt')), fixture(`${strategy}.expected.txt`));
    });
  }

  it('fills a workspace few-shot template with multi-line examples exactly', () => {
    const template = parseTemplate(fixture('docstring.md'), '.genai/prompts/docstring.md', 'docstring');
    assert.equal(template.name, 'Python docstring');
    assert.equal(template.description, "One-line docstrings in the team's style");
    assert.equal(template.examples.length, 2);
    assert.equal(fillTemplate(template, fixture('docstring.input.txt')), fixture('docstring.expected.txt'));
  });

  it('takes CRLF files and a template without front matter (zero-shot, named after the file)', () => {
    const template = parseTemplate('Summarize:\r\n{{ input }}\r\n', 'summary.md', 'summary');
    assert.deepEqual([template.name, template.strategy], ['summary', 'zero-shot']);
    assert.equal(fillTemplate(template, 'abc'), 'Summarize:\nabc');
  });

  it('offers exactly one built-in template per strategy', () => {
    assert.deepEqual(builtinTemplates().map((t) => t.strategy), ['zero-shot', 'few-shot', 'chain-of-thought']);
  });

  it('refuses an empty input with what to do', () => {
    assert.throws(() => fillTemplate(builtinTemplate('zero-shot')!, ' \n'), /The input for "Zero-shot" is empty: select text or type/);
  });
});

describe('prompt templates: syntax errors say where and how to fix them', () => {
  const cases: [string, string, RegExp][] = [
    ['an unclosed front matter', '---\nname: x\n{{input}}', /^t\.md:1: the front matter opened with --- is never closed/],
    ['an unknown front matter key', '---\nstrategey: few-shot\n---\n{{input}}', /^t\.md:2: unknown front matter key "strategey"; use name, description, strategy/],
    ['an unknown strategy', '---\nstrategy: many-shot\n---\n{{input}}', /^t\.md:2: strategy must be one of zero-shot, few-shot, chain-of-thought; got "many-shot"/],
    ['an unknown placeholder', '---\nname: x\n---\nHello\n{{inptu}}', /^t\.md:5: unknown placeholder \{\{inptu\}\}/],
    ['a lone brace pair', 'Hello {{input}\nworld', /^t\.md:1: "\{\{" without its pair/],
    ['no {{input}}', 'Just text', /^t\.md:1: the template never uses \{\{input\}\}/],
    ['an unclosed examples block', '{{#examples}}\n{{input}}\n{{input}}', /^t\.md:1: \{\{#examples\}\} is never closed/],
    ['a stray block end', '{{input}}\n{{/examples}}', /^t\.md:2: \{\{\/examples\}\} without an opening/],
    ['{{output}} outside the block', '{{input}} {{output}}', /^t\.md:1: \{\{output\}\} is only known inside/],
    ['few-shot without examples', '---\nstrategy: few-shot\n---\n{{#examples}}{{input}}{{/examples}}{{input}}', /^t\.md:4: a few-shot template needs .* at least one "--- example"/],
    ['an example without output', '{{#examples}}{{input}}{{/examples}}{{input}}\n--- example\nx', /^t\.md:2: this example has no "--- output" line/],
    ['examples but no block', '{{input}}\n--- example\nx\n--- output\ny', /^t\.md:2: the file has examples but the template has no \{\{#examples\}\}/],
    ['text between examples', '{{#examples}}{{input}}{{/examples}}{{input}}\n--- output\ny', /^t\.md:2: expected "--- example" here/],
  ];
  for (const [what, text, message] of cases) {
    it(`rejects ${what}`, () => {
      assert.throws(() => parseTemplate(text, 't.md', 't'), (error: unknown) => error instanceof TemplateError && message.test(error.message));
    });
  }
});
