// What the engine's completions are compared with, on the same prompts and model in this process:
// the engine's prompt rebuilt with the same core functions and the model's own tokenizer, a plain
// Transformers.js text-generation pipeline (the usual way), and raw ONNX Runtime forward passes
// with a KV cache (the floor).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { fimTokensOf, planCompletion } from '../src/core/completion';
import { DTYPE_FILES, type Dtype } from '../src/core/weightsChoice';
import { COMPLETION_DEFAULTS } from '../src/defaults';
import { maxPositions } from '../src/engine/causalLM';
import type { TransformersLib } from '../src/engine/transformers';
import type { CompleteParams } from '../src/protocol';

/** A prompt to run and how many tokens the engine generated for it. */
export interface PromptRun {
  text: string;
  ids: number[];
  newTokens: number;
}

/** Builds the prompt the engine builds for a request (src/engine/codeCompletion.ts), from the model folder. */
export async function promptRebuilder(lib: TransformersLib, folder: string): Promise<(params: CompleteParams) => { text: string; ids: number[] }> {
  const tokenizer = await lib.AutoTokenizer.from_pretrained(folder, { local_files_only: true });
  const encode = (text: string) => tokenizer.encode(text, { add_special_tokens: false });
  const fimTokens = fimTokensOf(encode);
  const contextLength = maxPositions(JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>);
  return (params) => {
    const { prompt } = planCompletion(
      { ...params, maxTokens: params.maxTokens ?? COMPLETION_DEFAULTS.maxTokens, promptTokens: params.promptTokens ?? COMPLETION_DEFAULTS.promptTokens },
      { fimTokens, maxPositions: contextLength, countTokens: (text) => encode(text).length },
    );
    return { text: prompt, ids: encode(prompt) };
  };
}

/**
 * Each timed call of a baseline follows a pause as long as the replay's keystroke interval, as each of
 * the engine's replayed requests does: after ~30 ms idle this machine runs the next request ~45%
 * slower (caches and clock), and timing the baselines back to back would leave that cost to us alone.
 */
export interface Pacing {
  pauseMs: number;
}

/**
 * (a) One pipeline call per prompt, greedy, for the engine's number of tokens: milliseconds and generated
 * text per call, and how much this process's resident memory grew from loading the pipeline to its last call.
 */
export async function timePipeline(lib: TransformersLib, folder: string, dtype: Dtype, runs: readonly PromptRun[], pacing: Pacing): Promise<{ ms: number[]; texts: string[]; rssGrowthMB: number }> {
  const rssBefore = process.memoryUsage.rss();
  const generator = await lib.pipeline('text-generation', folder, { device: 'cpu', dtype, local_files_only: true });
  const generate = async (run: PromptRun) => {
    const output = await generator(run.text, { max_new_tokens: run.newTokens, do_sample: false, return_full_text: false, add_special_tokens: false });
    return (output as { generated_text: string }[])[0].generated_text;
  };
  const ms: number[] = [];
  const texts: string[] = [];
  try {
    await generate(runs[0]); // the first call allocates; it is not what a user waits for on each keystroke
    for (const run of runs) {
      await sleep(pacing.pauseMs);
      const started = performance.now();
      texts.push(await generate(run));
      ms.push(performance.now() - started);
    }
    return { ms, texts, rssGrowthMB: (process.memoryUsage.rss() - rssBefore) / 2 ** 20 };
  } finally {
    await generator.dispose();
  }
}

/**
 * (b) Greedy decoding with nothing but ONNX Runtime: prefill time per prompt, and decode time per
 * generated token for the prompts that have a decode phase (2 tokens or more).
 */
export async function timeRawDecoding(folder: string, dtype: Dtype, runs: readonly PromptRun[], pacing: Pacing): Promise<{ prefillMs: number[]; perTokenMs: number[] }> {
  const session = await ort.InferenceSession.create(join(folder, 'onnx', DTYPE_FILES[dtype]));
  const prefillMs: number[] = [];
  const perTokenMs: number[] = [];
  try {
    await greedyDecode(session, runs[0].ids, runs[0].newTokens); // warm-up, as for the pipeline
    for (const run of runs) {
      await sleep(pacing.pauseMs);
      const timing = await greedyDecode(session, run.ids, run.newTokens);
      prefillMs.push(timing.prefillMs);
      if (run.newTokens >= 2) perTokenMs.push(timing.decodeMs / (run.newTokens - 1));
    }
  } finally {
    await session.release();
  }
  return { prefillMs, perTokenMs };
}

/** One pass over the whole prompt (the first token), then one pass per further token on the KV cache. */
async function greedyDecode(session: ort.InferenceSession, promptIds: readonly number[], newTokens: number): Promise<{ prefillMs: number; decodeMs: number }> {
  const prefillStarted = performance.now();
  let outputs = await session.run(decoderInputs(session, promptIds, 0, undefined));
  let token = argmaxOfLastRow(outputs.logits as ort.Tensor);
  const prefillMs = performance.now() - prefillStarted;
  const decodeStarted = performance.now();
  for (let fed = promptIds.length; fed < promptIds.length + newTokens - 1; fed++) {
    outputs = await session.run(decoderInputs(session, [token], fed, outputs));
    token = argmaxOfLastRow(outputs.logits as ort.Tensor);
  }
  return { prefillMs, decodeMs: performance.now() - decodeStarted };
}

/**
 * Every input the session declares, for `ids` after `pastLength` cached tokens whose keys/values are
 * the previous pass's `present.*` outputs (none on the first pass). Written apart from the engine's
 * decoderFeeds.ts on purpose: a floor that shared the engine's code would hide that code's cost.
 */
function decoderInputs(session: ort.InferenceSession, ids: readonly number[], pastLength: number, previous: ort.InferenceSession.OnnxValueMapType | undefined): Record<string, ort.Tensor> {
  const int64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const inputs: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (meta.name === 'input_ids') inputs[meta.name] = int64([...ids]);
    else if (meta.name === 'attention_mask') inputs[meta.name] = int64(new Array<number>(pastLength + ids.length).fill(1));
    else if (meta.name === 'position_ids') inputs[meta.name] = int64(ids.map((_, i) => pastLength + i));
    else if (meta.name.startsWith('past_key_values.') && meta.isTensor) {
      inputs[meta.name] = previous ? (previous[meta.name.replace('past_key_values', 'present')] as ort.Tensor) : emptyPast(meta);
    } else throw new Error(`The raw baseline does not know how to feed the model input ${meta.name}.`);
  }
  return inputs;
}

/** A past with no positions yet: the declared shape with the batch as 1 and the other symbolic dimensions as 0. */
function emptyPast(meta: ort.InferenceSession.TensorValueMetadata): ort.Tensor {
  const dims = meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0));
  return meta.type === 'float16' ? new ort.Tensor('float16', new Uint16Array(0), dims) : new ort.Tensor('float32', new Float32Array(0), dims);
}

function argmaxOfLastRow(logits: ort.Tensor): number {
  const [, sequence, vocab] = logits.dims;
  const row = (logits.data as Float32Array).subarray((sequence - 1) * vocab, sequence * vocab);
  let best = 0;
  for (let i = 1; i < vocab; i++) if (row[i] > row[best]) best = i;
  return best;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
