// The decode loop for causal LMs: prompt prefill, then one token at a time with the KV cache,
// streaming text, stopping on EOS, stop strings, token limit, time budget or cancellation.
import * as ort from 'onnxruntime-node';
import { sampleToken, seededRandom, type SamplingOptions } from '../core/sampling';
import { StopStringMatcher } from '../core/stopStrings';
import { EngineErrorCode, type FinishReason } from '../protocol';
import type { CausalLM } from './causalLM';
import { EngineError } from './errors';

export interface GenerationRequest extends SamplingOptions {
  prompt: string;
  maxTokens: number;
  seed: number;
  stop: readonly string[];
  timeBudgetMs?: number;
}

export interface GenerationOutcome {
  text: string;
  promptTokens: number;
  generatedTokens: number;
  finishReason: FinishReason;
  firstTokenMs: number;
}

type Feeds = Record<string, ort.Tensor>;

export const MAX_NEW_TOKENS = 4096;

export async function generate(
  model: CausalLM,
  request: GenerationRequest,
  signal: AbortSignal,
  onText: (text: string, generatedTokens: number) => void,
  now: () => number = performance.now.bind(performance),
): Promise<GenerationOutcome> {
  const started = now();
  if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1 || request.maxTokens > MAX_NEW_TOKENS) {
    throw new EngineError(EngineErrorCode.BadRequest, `maxTokens must be a whole number from 1 to ${MAX_NEW_TOKENS}; got ${request.maxTokens}.`);
  }
  const limit = model.config.maxPositions;
  let promptIds = model.tokenizer.encode(request.prompt, { add_special_tokens: false });
  if (promptIds.length === 0) throw new EngineError(EngineErrorCode.BadRequest, 'The prompt is empty: give the model some text to continue.');
  // Keep the end of an over-long prompt: the text nearest to the cursor matters most.
  const room = Math.max(1, limit - Math.min(request.maxTokens, limit - 1));
  if (promptIds.length > room) promptIds = promptIds.slice(promptIds.length - room);

  const random = seededRandom(request.seed);
  const stops = new StopStringMatcher(request.stop);
  const generated: number[] = [];
  let emittedText = '';
  let firstTokenMs = -1;
  let finishReason: FinishReason = 'length';
  let past = emptyPast(model.session);
  let input = promptIds;

  while (generated.length < request.maxTokens) {
    if (signal.aborted) {
      finishReason = 'cancelled';
      break;
    }
    const pastLength = promptIds.length + generated.length - input.length;
    if (pastLength + input.length > limit) {
      finishReason = 'context';
      break;
    }
    const outputs = await model.session.run({ ...tokenFeeds(model.session, input, pastLength), ...past });
    past = presentToPast(outputs);
    const logits = lastRow(outputs.logits);
    const token = sampleToken(logits, request, random);
    if (firstTokenMs < 0) firstTokenMs = now() - started;
    if (model.eosTokenIds.has(token)) {
      finishReason = 'stop';
      break;
    }
    generated.push(token);
    input = [token];
    const text = model.tokenizer.decode(generated, { skip_special_tokens: false });
    const { safe, stopped } = stops.scan(text);
    if (safe.length > emittedText.length && !safe.endsWith('\uFFFD')) {
      onText(safe.slice(emittedText.length), generated.length);
      emittedText = safe;
    }
    if (stopped) {
      finishReason = 'stop';
      break;
    }
    if (request.timeBudgetMs !== undefined && now() - started >= request.timeBudgetMs) {
      finishReason = 'time';
      break;
    }
  }
  const final = stops.scan(model.tokenizer.decode(generated, { skip_special_tokens: false }), true).safe;
  if (final.length > emittedText.length) onText(final.slice(emittedText.length), generated.length);
  return { text: final, promptTokens: promptIds.length, generatedTokens: generated.length, finishReason, firstTokenMs: Math.max(0, firstTokenMs) };
}

function tokenFeeds(session: ort.InferenceSession, ids: number[], pastLength: number): Feeds {
  const n = ids.length;
  const feeds: Feeds = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLength + n).fill(1n), [1, pastLength + n]),
  };
  if (session.inputNames.includes('position_ids')) {
    feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLength + i)), [1, n]);
  }
  return feeds;
}

/** The first step's cache: every declared past input with its sequence dimension 0. */
function emptyPast(session: ort.InferenceSession): Feeds {
  const feeds: Feeds = {};
  for (const meta of session.inputMetadata) {
    if (!meta.name.startsWith('past_key_values.') || !meta.isTensor) continue;
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0));
    const type = meta.type === 'float16' ? 'float16' : 'float32';
    feeds[meta.name] = new ort.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims);
  }
  return feeds;
}

function presentToPast(outputs: ort.InferenceSession.OnnxValueMapType): Feeds {
  const feeds: Feeds = {};
  for (const [name, value] of Object.entries(outputs)) {
    if (name.startsWith('present')) feeds[name.replace(/^present/, 'past_key_values')] = value as ort.Tensor;
  }
  return feeds;
}

function lastRow(logits: ort.OnnxValue): Float32Array {
  const tensor = logits as ort.Tensor;
  const [, seq, vocab] = tensor.dims;
  const data = tensor.data as Float32Array;
  return data.subarray((seq - 1) * vocab, seq * vocab);
}
