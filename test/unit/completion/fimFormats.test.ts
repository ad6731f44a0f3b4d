import assert from 'node:assert/strict';
import {
  FIM_FORMAT_NAMES,
  detectFimFormat,
  getFimFormat,
  resolveFimFormat,
  type FimFormatName,
} from '../../../src/core/completion/fimFormats';

// Special/added tokens as listed in each family's tokenizer config (abridged).
const TOKENIZERS: Record<FimFormatName, readonly string[]> = {
  qwen: [
    '<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|fim_prefix|>', '<|fim_middle|>',
    '<|fim_suffix|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>',
  ],
  'genai-code-tiny': ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|file_sep|>'],
  deepseek: ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜fim▁hole｜>', '<｜fim▁begin｜>', '<｜fim▁end｜>'],
  starcoder: ['<|endoftext|>', '<fim_prefix>', '<fim_middle>', '<fim_suffix>', '<fim_pad>', '<filename>', '<gh_stars>'],
  starcoder2: [
    '<|endoftext|>', '<fim_prefix>', '<fim_middle>', '<fim_suffix>', '<fim_pad>', '<repo_name>',
    '<file_sep>', '<issue_start>',
  ],
  codegemma: [
    '<bos>', '<eos>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|file_separator|>',
    '<start_of_turn>', '<end_of_turn>',
  ],
  codestral: ['<s>', '</s>', '[INST]', '[/INST]', '[PREFIX]', '[MIDDLE]', '[SUFFIX]'],
  plain: ['<|endoftext|>', '<pad>'],
};

const PREFIX = 'function add(a: number, b: number) {\n  return ';
const SUFFIX = ';\n}\n';

// The exact layout each family was trained on, with no extra context.
const GOLDEN: Record<FimFormatName, string> = {
  qwen: `<|fim_prefix|>${PREFIX}<|fim_suffix|>${SUFFIX}<|fim_middle|>`,
  'genai-code-tiny': `<|fim_prefix|><|fim_suffix|>${SUFFIX}<|fim_middle|>${PREFIX}`,
  deepseek: `<｜fim▁begin｜>${PREFIX}<｜fim▁hole｜>${SUFFIX}<｜fim▁end｜>`,
  starcoder: `<fim_prefix>${PREFIX}<fim_suffix>${SUFFIX}<fim_middle>`,
  starcoder2: `<fim_prefix>${PREFIX}<fim_suffix>${SUFFIX}<fim_middle>`,
  codegemma: `<|fim_prefix|>${PREFIX}<|fim_suffix|>${SUFFIX}<|fim_middle|>`,
  codestral: `[SUFFIX]${SUFFIX}[PREFIX]${PREFIX}`,
  plain: PREFIX,
};

// The token that ends a completion in each family.
const END_OF_MIDDLE: Record<FimFormatName, string | undefined> = {
  qwen: '<|endoftext|>',
  'genai-code-tiny': '<|endoftext|>',
  deepseek: '<｜end▁of▁sentence｜>',
  starcoder: '<|endoftext|>',
  starcoder2: '<file_sep>',
  codegemma: '<|file_separator|>',
  codestral: '[PREFIX]',
  plain: undefined,
};

describe('fimFormats', () => {
  for (const name of FIM_FORMAT_NAMES) {
    describe(name, () => {
      it('assembles the golden FIM layout', () => {
        assert.equal(getFimFormat(name).assemble('', PREFIX, SUFFIX), GOLDEN[name]);
      });

      it('is detected from its tokenizer special tokens', () => {
        assert.equal(detectFimFormat(new Set(TOKENIZERS[name])), name);
      });

      it('stops on its end token and on its own FIM tokens', () => {
        const { stopStrings } = getFimFormat(name);
        const end = END_OF_MIDDLE[name];
        if (end === undefined) assert.deepEqual(stopStrings, []);
        else assert.ok(stopStrings.includes(end), `${end} missing`);
        // A FIM token in the output means the model started a new example.
        const fimTokens = TOKENIZERS[name].filter((token) => GOLDEN[name].includes(token));
        for (const token of fimTokens) assert.ok(stopStrings.includes(token), `${token} missing`);
      });
    });
  }

  it('lets a setting naming a format override detection', () => {
    assert.equal(resolveFimFormat('deepseek', new Set(TOKENIZERS.qwen)).name, 'deepseek');
  });

  it('detects for "auto" and for unknown setting values', () => {
    assert.equal(resolveFimFormat('auto', new Set(TOKENIZERS.codegemma)).name, 'codegemma');
    assert.equal(resolveFimFormat('no-such-format', new Set(TOKENIZERS.starcoder2)).name, 'starcoder2');
  });

  it('falls back to plain continuation without FIM tokens', () => {
    assert.equal(detectFimFormat(new Set()), 'plain');
    assert.equal(getFimFormat('plain').usesSuffix, false);
  });

  it('renders context files with the family separator or as comments', () => {
    const file = { path: 'src/math.ts', text: 'export const PI = 3.14;\n\nexport const E = 2.72;' };
    assert.equal(
      getFimFormat('qwen').contextFile(file, 'typescript'),
      '<|file_sep|>src/math.ts\nexport const PI = 3.14;\n\nexport const E = 2.72;\n',
    );
    assert.equal(
      getFimFormat('starcoder2').contextFile(file, 'typescript'),
      '<file_sep>src/math.ts\nexport const PI = 3.14;\n\nexport const E = 2.72;\n',
    );
    assert.equal(
      getFimFormat('deepseek').contextFile(file, 'python'),
      '# Path: src/math.ts\n# export const PI = 3.14;\n#\n# export const E = 2.72;\n',
    );
    assert.equal(getFimFormat('codegemma').currentFileHeader('a.json', 'json'), '// Path: a.json\n');
  });

  it('names the repository only where the family has a token for it', () => {
    assert.equal(getFimFormat('qwen').repoHeader('studio'), '<|repo_name|>studio\n');
    assert.equal(getFimFormat('starcoder2').repoHeader('studio'), '<repo_name>studio');
    assert.equal(getFimFormat('genai-code-tiny').repoHeader('studio'), '');
    assert.equal(getFimFormat('codestral').repoHeader('studio'), '');
  });
});
