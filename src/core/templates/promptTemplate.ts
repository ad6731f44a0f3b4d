// Prompt-engineering templates: the file format teams share in `.genai/prompts/*.md`, and filling.
//
//   ---
//   name: Commit message            (optional; defaults to the file name)
//   description: One line, our style (optional)
//   strategy: few-shot               (zero-shot | few-shot | chain-of-thought; default zero-shot)
//   ---
//   Write a one-line commit message.
//   {{#examples}}
//   Change: {{input}}
//   Message: {{output}}
//   {{/examples}}
//   Change: {{input}}
//   Message:
//   --- example
//   Fixed the typo in the README
//   --- output
//   docs: fix README typo
//
// `{{input}}` is the user's text (the prompt or the selection). The `{{#examples}}` block repeats once
// per example with that example's `{{input}}` and `{{output}}`. Examples follow the template, each a
// `--- example` line, its input, a `--- output` line and its output. Anything else in `{{ }}` is an
// error, so a typo never reaches the model silently.

export const STRATEGIES = ['zero-shot', 'few-shot', 'chain-of-thought'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface Example {
  input: string;
  output: string;
}

type Part = { kind: 'text'; text: string } | { kind: 'input' } | { kind: 'examples'; body: Part[] } | { kind: 'output' };

export interface PromptTemplate {
  name: string;
  description: string;
  strategy: Strategy;
  examples: Example[];
  /** Where it came from (a path, or `built-in`), for messages. */
  source: string;
  parts: Part[];
}

/** A template that cannot be used: says where (`file:line`) and how to fix it. */
export class TemplateError extends Error {
  constructor(source: string, line: number, message: string) {
    super(`${source}:${line}: ${message}`);
    this.name = 'TemplateError';
  }
}

const FRONT_MATTER_KEYS = ['name', 'description', 'strategy'];
const EXAMPLE_LINE = /^---\s*example\s*$/;
const OUTPUT_LINE = /^---\s*output\s*$/;

export function parseTemplate(text: string, source: string, defaultName: string): PromptTemplate {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const meta: Record<string, string> = {};
  let first = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.indexOf('---', 1);
    if (end < 0) throw new TemplateError(source, 1, 'the front matter opened with --- is never closed: add a line with only --- after it.');
    for (let i = 1; i < end; i++) {
      if (!lines[i].trim()) continue;
      const match = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(lines[i]);
      if (!match) throw new TemplateError(source, i + 1, `expected "key: value" in the front matter; got "${lines[i]}".`);
      const key = match[1].toLowerCase();
      if (!FRONT_MATTER_KEYS.includes(key)) throw new TemplateError(source, i + 1, `unknown front matter key "${match[1]}"; use ${FRONT_MATTER_KEYS.join(', ')}.`);
      meta[key] = match[2].trim();
    }
    first = end + 1;
  }
  const strategy = (meta.strategy || 'zero-shot') as Strategy;
  if (!STRATEGIES.includes(strategy)) throw new TemplateError(source, lineOf(lines, /^strategy\s*:/i), `strategy must be one of ${STRATEGIES.join(', ')}; got "${meta.strategy}".`);

  const exampleStart = lines.findIndex((line, i) => i >= first && (EXAMPLE_LINE.test(line) || OUTPUT_LINE.test(line)));
  const bodyEnd = exampleStart < 0 ? lines.length : exampleStart;
  const body = trimBlankEnds(lines.slice(first, bodyEnd));
  const parts = parseBody(body.join('\n'), source, first + 1 + leadingBlankLines(lines.slice(first, bodyEnd)));
  const examples = exampleStart < 0 ? [] : parseExamples(lines, exampleStart, source);

  const usesExamples = parts.some((p) => p.kind === 'examples');
  if (!parts.some((p) => p.kind === 'input')) throw new TemplateError(source, first + 1, 'the template never uses {{input}}: put {{input}} where the user\'s text goes.');
  if (strategy === 'few-shot' && (!usesExamples || examples.length === 0)) {
    throw new TemplateError(source, first + 1, 'a few-shot template needs a {{#examples}}...{{/examples}} block and at least one "--- example" / "--- output" pair after the template.');
  }
  if (examples.length > 0 && !usesExamples) throw new TemplateError(source, exampleStart + 1, 'the file has examples but the template has no {{#examples}}...{{/examples}} block to show them.');
  return { name: meta.name || defaultName, description: meta.description ?? '', strategy, examples, source, parts };
}

/** The prompt: the template with the user's text and the examples in place. */
export function fillTemplate(template: PromptTemplate, input: string): string {
  if (!input.trim()) throw new Error(`The input for "${template.name}" is empty: select text or type what the template should work on.`);
  const render = (parts: Part[], values: { input: string; output?: string }): string =>
    parts
      .map((part) => {
        switch (part.kind) {
          case 'text':
            return part.text;
          case 'input':
            return values.input;
          case 'output':
            return values.output ?? '';
          case 'examples':
            return template.examples.map((example) => render(part.body, example)).join('');
        }
      })
      .join('');
  return render(template.parts, { input });
}

function parseBody(text: string, source: string, firstLine: number): Part[] {
  const root: Part[] = [];
  let current = root;
  let open: { line: number } | undefined;
  let last = 0;
  const lineAt = (offset: number) => firstLine + (text.slice(0, offset).match(/\n/g)?.length ?? 0);
  const placeholder = /\{\{([^{}]*)\}\}/g;
  for (let match = placeholder.exec(text); match; match = placeholder.exec(text)) {
    pushText(current, text.slice(last, match.index), source, lineAt(last));
    last = match.index + match[0].length;
    const name = match[1].trim();
    const line = lineAt(match.index);
    // A block tag alone on its line takes the line with it, as in Mustache: no blank line per example.
    if ((name === '#examples' || name === '/examples') && (match.index === 0 || text[match.index - 1] === '\n') && text[last] === '\n') last++;
    if (name === '#examples') {
      if (open) throw new TemplateError(source, line, '{{#examples}} inside another {{#examples}} block: close the first one with {{/examples}}.');
      const block: Part = { kind: 'examples', body: [] };
      current.push(block);
      current = block.body;
      open = { line };
    } else if (name === '/examples') {
      if (!open) throw new TemplateError(source, line, '{{/examples}} without an opening {{#examples}}.');
      current = root;
      open = undefined;
    } else if (name === 'input') {
      current.push({ kind: 'input' });
    } else if (name === 'output' && open) {
      current.push({ kind: 'output' });
    } else if (name === 'output') {
      throw new TemplateError(source, line, '{{output}} is only known inside {{#examples}}...{{/examples}}.');
    } else {
      throw new TemplateError(source, line, `unknown placeholder {{${match[1]}}}: use {{input}}, or {{input}} and {{output}} inside {{#examples}}...{{/examples}}.`);
    }
  }
  pushText(current, text.slice(last), source, lineAt(last));
  if (open) throw new TemplateError(source, open.line, '{{#examples}} is never closed: add {{/examples}} after the example\'s lines.');
  return root;
}

/** Literal text; a lone `{{` or `}}` here is a placeholder typed wrong. */
function pushText(parts: Part[], text: string, source: string, line: number): void {
  const stray = /\{\{|\}\}/.exec(text);
  if (stray) throw new TemplateError(source, line + (text.slice(0, stray.index).match(/\n/g)?.length ?? 0), `"${stray[0]}" without its pair: write placeholders as {{input}}.`);
  if (text) parts.push({ kind: 'text', text });
}

function parseExamples(lines: string[], start: number, source: string): Example[] {
  const examples: Example[] = [];
  let i = start;
  while (i < lines.length) {
    if (!EXAMPLE_LINE.test(lines[i])) {
      if (!lines[i].trim()) {
        i++;
        continue;
      }
      throw new TemplateError(source, i + 1, `expected "--- example" here; got "${lines[i]}".`);
    }
    const outputAt = lines.findIndex((line, j) => j > i && (OUTPUT_LINE.test(line) || EXAMPLE_LINE.test(line)));
    if (outputAt < 0 || !OUTPUT_LINE.test(lines[outputAt])) throw new TemplateError(source, i + 1, 'this example has no "--- output" line: add one, followed by the expected output.');
    const nextExample = lines.findIndex((line, j) => j > outputAt && (EXAMPLE_LINE.test(line) || OUTPUT_LINE.test(line)));
    if (nextExample >= 0 && OUTPUT_LINE.test(lines[nextExample])) throw new TemplateError(source, nextExample + 1, 'a second "--- output" for one example: start a new one with "--- example".');
    const end = nextExample < 0 ? lines.length : nextExample;
    examples.push({ input: trimBlankEnds(lines.slice(i + 1, outputAt)).join('\n'), output: trimBlankEnds(lines.slice(outputAt + 1, end)).join('\n') });
    i = end;
  }
  return examples;
}

function trimBlankEnds(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start].trim()) start++;
  while (end > start && !lines[end - 1].trim()) end--;
  return lines.slice(start, end);
}

function leadingBlankLines(lines: string[]): number {
  let n = 0;
  while (n < lines.length && !lines[n].trim()) n++;
  return n;
}

function lineOf(lines: string[], pattern: RegExp): number {
  return lines.findIndex((line) => pattern.test(line)) + 1;
}
