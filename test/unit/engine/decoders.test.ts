// The two decoders on the shipped code model with the real runtime: the append-KV graph
// (onnx/model_append_kv.onnx, what the engine uses on the CPU) against the Transformers.js graph
// (onnx/model.onnx) through every operation a generation does: a cold prompt, a resumed one,
// guesses fed and rejected, a failed pass.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { CancelledError } from '../../../src/core/jobScheduler';
import { APPEND_KV_FILE, AppendKvDecoder } from '../../../src/engine/appendKvDecoder';
import { cancellableRunOptions } from '../../../src/engine/cancellableRun';
import type { CausalLM } from '../../../src/engine/causalLM';
import type { Decoder } from '../../../src/engine/decoder';
import { EngineError } from '../../../src/engine/errors';
import { PresentKvDecoder } from '../../../src/engine/presentKvDecoder';
import { CODE_MODEL_DIR } from '../support/builders';
import { withCodeModel } from './harness';

const CODE = 'export function clamp(value: number, low: number, high: number): number {\n  return Math.min(high, Math.max(low, value));\n}\n';

function maxDifference(a: ort.Tensor, b: ort.Tensor): number {
  assert.deepEqual(a.dims, b.dims);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  return max;
}

describe('decoders: append-KV graph against the Transformers.js graph', () => {
  const loaded = withCodeModel();
  let model: CausalLM;
  let append: Decoder;
  let present: Decoder;
  let ids: number[];
  before(async () => {
    model = loaded();
    append = await AppendKvDecoder.load(join(CODE_MODEL_DIR, 'onnx', APPEND_KV_FILE), 'cpu');
    present = new PresentKvDecoder(model.session);
    ids = model.tokenizer.encode(CODE, { add_special_tokens: false });
  });
  after(async () => {
    await append.dispose();
    await present.dispose();
  });

  /** Both decoders do the same thing; their logits must agree. */
  async function both(step: (decoder: Decoder) => Promise<ort.Tensor | undefined>): Promise<void> {
    const [a, p] = [await step(append), await step(present)];
    if (a && p) assert.ok(maxDifference(a, p) < 1e-4, `logits differ by ${maxDifference(a, p)}`);
    assert.deepEqual(append.tokens, present.tokens);
  }

  it('the engine decodes the shipped model on the CPU with the append-KV graph', () => {
    assert.ok(model.decoder instanceof AppendKvDecoder);
  });

  it('gives the same logits for a cold prompt, token-by-token passes, a resumed prompt and rejected guesses', async () => {
    await both(async (d) => (d.clear(), d.feed(ids.slice(0, 20))));
    for (const token of ids.slice(20, 26)) await both((d) => d.feed([token]));
    // Several tokens at once, the last three then dropped as rejected guesses, and one fed instead.
    await both((d) => d.feed(ids.slice(26, 32)));
    await both(async (d) => (await d.keep(29), undefined));
    await both((d) => d.feed([ids[29]]));
    // A new prompt sharing the first 25 tokens resumes there and feeds only the rest.
    const prompt = [...ids.slice(0, 25), ...ids.slice(40, 50)];
    await both(async (d) => {
      assert.equal(await d.resume(prompt), 25);
      return d.feed(prompt.slice(25));
    });
    assert.deepEqual(append.tokens, prompt);
    // The same prompt again keeps all but its last token.
    assert.equal(await append.resume(prompt), prompt.length - 1);
  });

  it('gives the same logits while its buffers grow past their first capacities', async () => {
    const long = model.tokenizer.encode(CODE.repeat(5), { add_special_tokens: false });
    assert.ok(long.length > 200, `${long.length} tokens`);
    await both(async (d) => (d.clear(), undefined));
    for (let at = 0; at < 200; at += 30) await both((d) => d.feed(long.slice(at, Math.min(at + 30, 200))));
    await both((d) => d.feed([long[200]]));
  });

  it('a failed pass leaves it holding what it held, and it keeps working', async () => {
    append.clear();
    await append.feed(ids.slice(0, 10));
    await assert.rejects(append.feed([1e9]), /indices|out of bounds|invalid/i);
    assert.deepEqual(append.tokens, ids.slice(0, 10));
    present.clear();
    const after = await append.feed(ids.slice(10, 12));
    const reference = await present.feed(ids.slice(0, 12));
    const vocab = after.dims[2];
    const lastRow = (t: ort.Tensor) => (t.data as Float32Array).subarray(t.data.length - vocab);
    assert.ok(Math.max(...lastRow(after).map((v, i) => Math.abs(v - lastRow(reference)[i]))) < 1e-4);
  });

  it('a pass refused by cancelled run options leaves both decoders holding what they held', async () => {
    for (const decoder of [append, present]) {
      decoder.clear();
      await decoder.feed(ids.slice(0, 10));
      const abort = new AbortController();
      const refused = decoder.feed(ids.slice(10, 12), cancellableRunOptions(abort.signal, 'test'));
      abort.abort();
      await assert.rejects(refused, CancelledError);
      assert.deepEqual(decoder.tokens, ids.slice(0, 10));
    }
    assert.ok(maxDifference(await append.feed(ids.slice(10, 12)), await present.feed(ids.slice(10, 12))) < 1e-4, 'both go on from the kept keys/values');
  });

  it('refuses a graph that is not an append-KV graph, saying what to do', async () => {
    await assert.rejects(AppendKvDecoder.load(join(CODE_MODEL_DIR, 'onnx', 'model.onnx'), 'cpu'), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.match(error.message, /is not an append-KV graph .* rewrite it with tools\/code-model\/append_kv.py/);
      return true;
    });
  });
});
