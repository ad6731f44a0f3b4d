import assert from 'node:assert/strict';
import { getFimFormat, type FimFormatName } from '../../../src/core/completion/fimFormats';
import { buildPrompt, windowPrefix, windowSuffix, type PromptRequest } from '../../../src/core/completion/promptBuilder';
import { countChars } from './countChars';

const GEOMETRY = {
  path: 'src/geometry.ts',
  text: 'export function area(radius: number) {\n  return Math.PI * radius * radius;\n}\n',
};

const REQUEST: PromptRequest = {
  prefix: 'import { area } from "./geometry";\n\nconst r = area(',
  suffix: ');\n',
  filePath: 'src/main.ts',
  languageId: 'typescript',
  contextFiles: [GEOMETRY],
};

function build(name: FimFormatName, request: PromptRequest = REQUEST, totalTokens = 10_000) {
  return buildPrompt(request, { format: getFimFormat(name), countTokens: countChars, budget: { totalTokens } });
}

/** `count` lines "line 000" ... each 8 characters plus a line break. */
function numberedLines(count: number): string {
  return Array.from({ length: count }, (_, i) => `line ${String(i).padStart(3, '0')}\n`).join('');
}

describe('promptBuilder', () => {
  describe('layout', () => {
    it('qwen: repository, context files, current file, then the FIM tokens', () => {
      const { prompt } = build('qwen', { ...REQUEST, repoName: 'studio' });
      assert.equal(
        prompt,
        '<|repo_name|>studio\n' +
          '<|file_sep|>src/geometry.ts\n' +
          'export function area(radius: number) {\n  return Math.PI * radius * radius;\n}\n' +
          '<|file_sep|>src/main.ts\n' +
          '<|fim_prefix|>import { area } from "./geometry";\n\nconst r = area(<|fim_suffix|>);\n<|fim_middle|>',
      );
    });

    it('genai-code-tiny: the same context without a repository name, then suffix-first (SPM)', () => {
      const { prompt } = build('genai-code-tiny', { ...REQUEST, repoName: 'studio' });
      assert.equal(
        prompt,
        '<|file_sep|>src/geometry.ts\n' +
          'export function area(radius: number) {\n  return Math.PI * radius * radius;\n}\n' +
          '<|file_sep|>src/main.ts\n' +
          '<|fim_prefix|><|fim_suffix|>);\n<|fim_middle|>import { area } from "./geometry";\n\nconst r = area(',
      );
    });

    it('starcoder2: file separators before the FIM tokens', () => {
      const { prompt } = build('starcoder2');
      assert.equal(
        prompt,
        '<file_sep>src/geometry.ts\n' +
          'export function area(radius: number) {\n  return Math.PI * radius * radius;\n}\n' +
          '<file_sep>src/main.ts\n' +
          '<fim_prefix>import { area } from "./geometry";\n\nconst r = area(<fim_suffix>);\n<fim_middle>',
      );
    });

    it('deepseek: context files as comments at the top of the prefix', () => {
      const { prompt } = build('deepseek');
      assert.equal(
        prompt,
        '<｜fim▁begin｜>// Path: src/geometry.ts\n' +
          '// export function area(radius: number) {\n//   return Math.PI * radius * radius;\n// }\n' +
          '// Path: src/main.ts\n' +
          'import { area } from "./geometry";\n\nconst r = area(<｜fim▁hole｜>);\n<｜fim▁end｜>',
      );
    });

    it('codestral: suffix first, context at the top of the prefix', () => {
      const { prompt } = build('codestral');
      assert.equal(
        prompt,
        '[SUFFIX]);\n[PREFIX]// Path: src/geometry.ts\n' +
          '// export function area(radius: number) {\n//   return Math.PI * radius * radius;\n// }\n' +
          '// Path: src/main.ts\n' +
          'import { area } from "./geometry";\n\nconst r = area(',
      );
    });

    it('plain: context and prefix only', () => {
      const { prompt, parts } = build('plain');
      assert.equal(parts.suffix, '');
      assert.ok(prompt.endsWith('// Path: src/main.ts\nimport { area } from "./geometry";\n\nconst r = area('));
    });

    it('returns the parts the prompt is made of', () => {
      const { parts } = build('qwen');
      assert.equal(parts.prefix, REQUEST.prefix);
      assert.equal(parts.suffix, REQUEST.suffix);
      assert.deepEqual(
        parts.snippets.map((s) => [s.path, s.startLine]),
        [['src/geometry.ts', 0]],
      );
      assert.equal(parts.context, `<|file_sep|>src/geometry.ts\n${GEOMETRY.text}<|file_sep|>src/main.ts\n`);
    });

    it('adds no context without snippets or repository name', () => {
      const { prompt, parts } = build('qwen', { ...REQUEST, contextFiles: [] });
      assert.equal(parts.context, '');
      assert.ok(prompt.startsWith('<|fim_prefix|>import'));
    });

    it('never offers the current file as its own context', () => {
      const { parts } = build('qwen', { ...REQUEST, contextFiles: [{ ...GEOMETRY, path: 'src/main.ts' }] });
      assert.deepEqual(parts.snippets, []);
    });
  });

  describe('budget', () => {
    it('keeps context, prefix and suffix within the total', () => {
      const contextFiles = Array.from({ length: 5 }, (_, i) => ({
        path: `src/lib${i}.ts`,
        text: numberedLines(40).replaceAll('line', `const area${i} = area`),
      }));
      const prefix = numberedLines(200).replaceAll('line', 'area') + 'const r = area(';
      const request = { ...REQUEST, prefix, suffix: numberedLines(100), contextFiles };
      const { parts } = build('qwen', request, 1000);
      assert.ok(parts.snippets.length > 0);
      assert.ok(countChars(parts.prefix) <= 700);
      assert.ok(countChars(parts.suffix) <= 200);
      assert.ok(countChars(parts.context) + countChars(parts.prefix) + countChars(parts.suffix) <= 1000);
    });

    it('gives the share a short suffix leaves unused to snippets', () => {
      const contextFiles = [{ path: 'src/areas.ts', text: numberedLines(60).replaceAll('line', 'area') }];
      const request = { ...REQUEST, prefix: numberedLines(200).replaceAll('line', 'area'), suffix: '', contextFiles };
      const { parts } = build('qwen', request, 1000);
      assert.ok(countChars(parts.context) > 100, `context of ${countChars(parts.context)} only`);
      assert.ok(countChars(parts.context) <= 300);
    });
  });

  describe('cache-friendly order', () => {
    it('changes nothing before the cursor when one more character is typed', () => {
      const contextFiles = [{ path: 'src/areas.ts', text: numberedLines(60).replaceAll('line', 'area') }];
      const prefix = numberedLines(200).replaceAll('line', 'area') + 'const r = are';
      const request = { ...REQUEST, prefix, suffix: ');\n', contextFiles };
      const before = build('qwen', request, 1000);
      const after = build('qwen', { ...request, prefix: `${prefix}a` }, 1000);
      assert.equal(after.parts.context, before.parts.context);
      assert.ok(after.prompt.startsWith(`${before.parts.context}<|fim_prefix|>${before.parts.prefix}`));
      assert.ok(countChars(before.parts.prefix) < countChars(prefix), 'the prefix window must be cut');
    });

    it('in a suffix-first layout, one more character only extends the prompt', () => {
      const prefix = numberedLines(200).replaceAll('line', 'area') + 'const r = are';
      const request = { ...REQUEST, prefix, suffix: ');\n' };
      const before = build('genai-code-tiny', request, 1000);
      const after = build('genai-code-tiny', { ...request, prefix: `${prefix}a` }, 1000);
      assert.equal(after.prompt, `${before.prompt}a`);
    });
  });

  describe('windowPrefix', () => {
    it('starts on a block boundary, dropping whole blocks when over budget', () => {
      // 70 lines of 9 characters plus the line being typed: 500 fit 55 lines, whole blocks 54.
      const prefix = numberedLines(70) + 'let x';
      const window = windowPrefix(prefix, 500, countChars, 16);
      assert.ok(window.startsWith('line 016\n'), window.slice(0, 20));
      assert.ok(window.endsWith('line 069\nlet x'));
    });

    it('keeps its start while the user types, until the budget overflows', () => {
      const base = numberedLines(70);
      const starts = new Set<string>();
      let typed = '';
      for (const ch of 'const total = items.reduce((sum, item) => sum + item.price, 0);') {
        typed += ch;
        starts.add(windowPrefix(base + typed, 500, countChars, 16).slice(0, 9));
      }
      // Lines 16-69 take 486 of 500: the 15th typed character drops lines 16-31 at once.
      assert.deepEqual([...starts], ['line 016\n', 'line 032\n']);
    });

    it('returns the whole prefix when it fits', () => {
      assert.equal(windowPrefix('a\nb\nc', 100, countChars, 16), 'a\nb\nc');
    });

    it('falls back to whole lines, then characters, when one block is too big', () => {
      assert.equal(windowPrefix('aaaa\nbbbb\ncc', 8, countChars, 16), 'bbbb\ncc');
      assert.equal(windowPrefix('x'.repeat(50) + 'tail', 6, countChars, 16), 'xxtail');
    });
  });

  describe('windowSuffix', () => {
    it('keeps whole lines within budget', () => {
      assert.equal(windowSuffix(');\n}\n\nfunction next() {}\n', 6, countChars), ');\n}\n');
    });

    it('cuts a first line that alone is too long', () => {
      assert.equal(windowSuffix('abcdefgh\nrest', 3, countChars), 'abc');
    });
  });
});
