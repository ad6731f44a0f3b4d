// Checks an exported genai-code-tiny folder from Node, the way the extension loads it:
// Transformers.js tokenizer ids equal the Python encoder's; onnxruntime-node fp32 logits equal
// torch's; the int8 model agrees on the next token; held-out bits per byte of both files on a
// slice; load time and ms per generated token with the KV cache. Writes WORK_DIR/validate.json.
// Usage (from the repo root): node tools/code-model/validate.mjs MODEL_DIR WORK_DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const ort = require('onnxruntime-node');
const { AutoTokenizer, AutoModelForCausalLM } = require('@huggingface/transformers');

const [modelDir, workDir] = process.argv.slice(2).map((p) => resolve(p));
const reference = JSON.parse(readFileSync(join(workDir, 'reference.json'), 'utf8'));
const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
const result = {};

const tokenizer = await AutoTokenizer.from_pretrained(modelDir);
result.tokenizer_files_matching = reference.tokenizer.filter((s) => JSON.stringify(tokenizer.encode(s.text, { add_special_tokens: false })) === JSON.stringify(s.ids)).length;
result.tokenizer_files = reference.tokenizer.length;
result.tokenizer_roundtrip = reference.tokenizer.every((s) => tokenizer.decode(s.ids) === s.text);

const model = await AutoModelForCausalLM.from_pretrained(modelDir, { dtype: 'fp32', local_files_only: true });
const generated = await model.generate({ ...tokenizer('function add(a, b) {\n  return'), max_new_tokens: 8, do_sample: false });
result.transformers_generate = tokenizer.decode(generated[0].ort_tensor ? Array.from(generated[0].ort_tensor.data, Number) : generated.tolist()[0]);
await model.dispose();
const q8 = await AutoModelForCausalLM.from_pretrained(modelDir, { dtype: 'q8', local_files_only: true });
const generatedQ8 = await q8.generate({ ...tokenizer('function add(a, b) {\n  return'), max_new_tokens: 8, do_sample: false });
result.transformers_generate_q8 = tokenizer.decode(generatedQ8.tolist()[0].map(Number));
await q8.dispose();

function feeds(session, ids, past, pastLength) {
  const n = ids.length;
  const f = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLength + n).fill(1n), [1, pastLength + n]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLength + i)), [1, n]),
  };
  for (const meta of session.inputMetadata) {
    if (!meta.name.startsWith('past_key_values.')) continue;
    f[meta.name] = past?.[meta.name.replace('past_key_values', 'present')] ?? new ort.Tensor('float32', new Float32Array(0), meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0)));
  }
  return f;
}

const argmaxRows = (data, vocab) => Array.from({ length: data.length / vocab }, (_, r) => {
  let best = 0;
  for (let i = 1; i < vocab; i++) if (data[r * vocab + i] > data[r * vocab + best]) best = i;
  return best;
});

// The extension resumes from a cached prefix and feeds several tokens at once, and passes a mask:
// logits from (past + k new tokens) and from a left-padded batch must equal one full forward pass.
async function cacheChecks(session) {
  const vocab = config.vocab_size;
  const ids = reference.logits_input.slice(0, 40);
  const full = (await session.run(feeds(session, ids, null, 0))).logits.data;
  const diff = { severalTokensAfterPast: 0, oneTokenAfterPast: 0, leftPaddedMask: 0 };
  const compare = (key, logits, start, rows, offset = 0) => {
    for (let r = 0; r < rows; r++) for (let i = 0; i < vocab; i++) {
      diff[key] = Math.max(diff[key], Math.abs(logits[(offset + r) * vocab + i] - full[(start + r) * vocab + i]));
    }
  };
  let past = await session.run(feeds(session, ids.slice(0, 30), null, 0));
  compare('severalTokensAfterPast', past.logits.data, 0, 30);
  past = await session.run(feeds(session, ids.slice(30, 37), past, 30));
  compare('severalTokensAfterPast', past.logits.data, 30, 7);
  for (let p = 37; p < 40; p++) {
    past = await session.run(feeds(session, [ids[p]], past, p));
    compare('oneTokenAfterPast', past.logits.data, p, 1);
  }
  const pad = 3;
  const n = 20;
  const f = feeds(session, ids.slice(0, n), null, 0);
  f.input_ids = new ort.Tensor('int64', BigInt64Array.from([...Array(pad).fill(config.pad_token_id), ...ids.slice(0, n)], BigInt), [1, pad + n]);
  f.attention_mask = new ort.Tensor('int64', BigInt64Array.from({ length: pad + n }, (_, i) => (i < pad ? 0n : 1n)), [1, pad + n]);
  f.position_ids = new ort.Tensor('int64', BigInt64Array.from({ length: pad + n }, (_, i) => BigInt(Math.max(0, i - pad))), [1, pad + n]);
  compare('leftPaddedMask', (await session.run(f)).logits.data, 0, n, pad);
  return diff;
}

async function measure(file) {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(join(modelDir, 'onnx', file));
  const loadMs = performance.now() - t0;
  const out = await session.run(feeds(session, reference.logits_input, null, 0));
  const logits = out.logits.data;
  const vocab = config.vocab_size;
  const expected = reference.logits.flat();
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logits[i] - expected[i]));
  const ours = argmaxRows(logits, vocab);
  const torchArgmax = reference.logits.map((row) => row.indexOf(Math.max(...row)));
  const agreement = ours.filter((t, i) => t === torchArgmax[i]).length / ours.length;
  // Held-out bits per byte on the reference slice (non-overlapping windows, end-of-text first).
  let nats = 0;
  let bytes = 0;
  for (const sample of reference.tokenizer) {
    const ids = [config.eos_token_id, ...sample.ids].slice(0, config.n_positions);
    const o = await session.run(feeds(session, ids.slice(0, -1), null, 0));
    const d = o.logits.data;
    for (let p = 0; p < ids.length - 1; p++) {
      const row = d.subarray(p * vocab, (p + 1) * vocab);
      let max = -Infinity;
      for (const v of row) max = Math.max(max, v);
      let sum = 0;
      for (const v of row) sum += Math.exp(v - max);
      nats += Math.log(sum) + max - row[ids[p + 1]];
    }
    bytes += Buffer.byteLength(tokenizer.decode(ids.slice(1)));
  }
  // Decode speed with the KV cache: a 200-token prompt, then 100 tokens one at a time.
  const prompt = reference.tokenizer[0].ids.slice(0, 200);
  let past = (await session.run(feeds(session, prompt, null, 0)));
  let length = prompt.length;
  const t1 = performance.now();
  for (let i = 0; i < 100; i++) {
    past = await session.run(feeds(session, [argmaxRows(past.logits.data.slice(-vocab), vocab)[0]], past, length));
    length++;
  }
  const msPerToken = (performance.now() - t1) / 100;
  const cacheMaxAbsDiff = await cacheChecks(session);
  await session.release();
  return { loadMs: Math.round(loadMs), maxAbsLogitDiffVsTorch: maxDiff, argmaxAgreementVsTorch: agreement, sliceBitsPerByte: nats / Math.LN2 / bytes, msPerTokenAt200Context: msPerToken, cacheMaxAbsDiffVsFullPass: cacheMaxAbsDiff };
}

result.fp32 = await measure('model.onnx');
result.int8 = await measure('model_quantized.onnx');
writeFileSync(join(workDir, 'validate.json'), JSON.stringify(result, null, 1));
console.log(JSON.stringify(result, null, 1));
