// The decode loop for causal LMs: prompt prefill, then one token at a time with the KV cache,
// streaming text, stopping on EOS, stop strings, token limit, time budget or cancellation.
import * as ort from 'onnxruntime-node';
import { sampleToken, seededRandom, type SamplingOptions } from '../core/sampling';
import { StopStringMatcher } from '../core/stopStrings';
import { EngineErrorCode, type FinishReason, type GenerationStats } from '../protocol';
import type { CausalLM } from './causalLM';
import { EngineError } from './errors';
import { emptyPast, tokenFeeds } from './decoderFeeds';
import type { Feeds } from './kvCache';

export interface GenerationRequest extends SamplingOptions {
  prompt: string;
  maxTokens: number;
  seed: number;
  stop: readonly string[];
  timeBudgetMs?: number;
}

export interface GenerationOutcome extends GenerationStats {
  text: string;
}

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
  let lastTokenMs = 0;
  let finishReason: FinishReason = 'length';
  const resume = model.kvCache.resume(promptIds);
  let past = resume.past ?? emptyPast(model.session);
  /** Tokens whose keys/values are in `past`. */
  const fed = promptIds.slice(0, resume.reused);
  let input = promptIds.slice(resume.reused);
  // The cache is invalid while a forward pass may be half-applied; it is stored again below.
  model.kvCache.clear();

  while (generated.length < request.maxTokens) {
    // A forward pass blocks this thread; between tokens, let the event loop read the IPC channel
    // so a cancellation that arrived meanwhile is seen before the next pass.
    await yieldToEventLoop();
    if (signal.aborted) {
      finishReason = 'cancelled';
      break;
    }
    if (fed.length + input.length > limit) {
      finishReason = 'context';
      break;
    }
    const outputs = await model.session.run({ ...tokenFeeds(model.session, input, fed.length), ...past });
    past = presentToPast(outputs);
    fed.push(...input);
    const logits = lastRow(outputs.logits);
    const token = sampleToken(logits, request, random);
    lastTokenMs = now() - started;
    if (firstTokenMs < 0) firstTokenMs = lastTokenMs;
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
  model.kvCache.store(fed, past);
  const final = generated.length === 0 ? '' : stops.scan(model.tokenizer.decode(generated, { skip_special_tokens: false }), true).safe;
  if (final.length > emittedText.length) onText(final.slice(emittedText.length), generated.length);
  return {
    text: final,
    promptTokens: promptIds.length,
    reusedPromptTokens: resume.reused,
    generatedTokens: generated.length,
    finishReason,
    firstTokenMs: Math.max(0, firstTokenMs),
    decodeMs: Math.max(0, lastTokenMs - Math.max(0, firstTokenMs)),
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function presentToPast(outputs: ort.InferenceSession.OnnxValueMapType): Feeds {
  const feeds: Feeds = {};
  for (const [name, value] of Object.entries(outputs)) {
    if (name.startsWith('present')) feeds[name.replace(/^present/, 'past_key_values')] = value as ort.Tensor;
  }
  return feeds;
}

export function lastRow(logits: ort.OnnxValue): Float32Array {
  const tensor = logits as ort.Tensor;
  const [, seq, vocab] = tensor.dims;
  const data = tensor.data as Float32Array;
  return data.subarray((seq - 1) * vocab, seq * vocab);
}
