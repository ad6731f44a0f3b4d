// The engine on real architectures in the Optimum / Transformers.js ONNX layout, each with its real
// tokenizer: Qwen2 (Qwen2.5-Coder's: grouped-query attention with fewer key/value heads than query heads,
// rotary positions, q/k/v biases, tied embeddings, 151,936 tokens) and Llama (Llama 3.2's layout, which
// DeepSeek-Coder and CodeLlama share: no biases, 128,256 tokens). Random weights made by
// tools/real-arch/build.sh, whose PyTorch run gave the greedy reference.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { CausalLM } from '../../../src/engine/causalLM';
import { completeCode } from '../../../src/engine/codeCompletion';
import { generate } from '../../../src/engine/textGenerator';
import type { CompleteParams } from '../../../src/protocol';
import { REPO_ROOT, cleanTemps, realArchitectureFolder as modelFolder, settings } from '../support/builders';
import { disposeManagers, harness } from './harness';

const never = () => new AbortController().signal;

interface Reference {
  prompt: string;
  prompt_ids: number[];
  greedy_ids: number[];
}

const ARCHITECTURES = [
  { name: 'Qwen2', fixture: 'qwen2-tiny', tokenizer: 'tokenizer-qwen3', modelType: 'qwen2', fim: 'qwen' },
  { name: 'Llama', fixture: 'llama-tiny', tokenizer: 'tokenizer-llama3', modelType: 'llama', fim: 'plain' },
] as const;

for (const arch of ARCHITECTURES) {
  describe(`the ${arch.name} architecture with its real tokenizer (random weights, PyTorch reference)`, () => {
    const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', arch.fixture, 'reference.json'), 'utf8')) as Reference;
    let model: CausalLM;
    before(async () => {
      const { manager, loader } = harness(settings());
      model = await manager.use(modelFolder(arch.fixture, arch.tokenizer), loader, async (m) => m);
    });
    after(async () => {
      await disposeManagers();
      cleanTemps();
    });

    it('loads it with grouped-query attention: fewer key/value heads than query heads', async () => {
      assert.equal(model.config.model_type, arch.modelType);
      const past = model.session.inputMetadata.find((m) => m.name === 'past_key_values.0.key') as ort.InferenceSession.TensorValueMetadata;
      assert.equal(past.shape[1], 1, 'one key/value head');
      assert.equal(model.config.num_attention_heads, 2, 'two query heads');
      assert.deepEqual(model.tokenizer.encode(reference.prompt, { add_special_tokens: false }), reference.prompt_ids, 'the engine tokenizes as the reference did');
    });

    it('decodes greedily exactly the tokens PyTorch chose', async () => {
      const out = await generate(model, { prompt: reference.prompt, maxTokens: reference.greedy_ids.length, temperature: 0, topK: 0, topP: 1, seed: 0, stop: [] }, never(), () => undefined);
      assert.equal(out.generatedTokens, reference.greedy_ids.length);
      assert.equal(out.text, model.tokenizer.decode(reference.greedy_ids, { skip_special_tokens: false }));
    });

    it(`detects the ${arch.fim} FIM format from the real tokenizer, and a suggestion with the KV cache kept across keystrokes equals one from a fresh prompt`, async () => {
      const keystroke = (typed: string): CompleteParams => ({ model: arch.fixture, filePath: 'fib.py', languageId: 'python', prefix: `def fibonacci(n):\n    ${typed}`, suffix: '\n\nprint(fibonacci(10))\n', maxTokens: 12, timeBudgetMs: 600_000 });
      const first = await completeCode(model, keystroke('if n < 2'), never());
      assert.equal(first.fimFormat, arch.fim);
      const next = await completeCode(model, keystroke('if n < 2:'), never());
      assert.ok(next.reusedPromptTokens > 0, 'the next keystroke reused the cache');
      model.decoder.clear();
      const fresh = await completeCode(model, keystroke('if n < 2:'), never());
      assert.equal(fresh.reusedPromptTokens, 0);
      assert.equal(next.raw, fresh.raw);
    });
  });
}
