// The decode loop for causal LMs: prompt prefill (in chunks), then token by token with the KV cache (greedy
// decoding also feeds prompt-lookup guesses, several tokens per pass), streaming text, stopping on
// EOS, stop strings, token limit, time budget or cancellation.
import * as ort from 'onnxruntime-node';
import { endsInLoop, loopStart } from '../core/completion';
import { CancelledError } from '../core/jobScheduler';
import { acceptDraft, draftTokens } from '../core/promptLookup';
import { sampleToken, seededRandom, type SamplingOptions } from '../core/sampling';
import { StopStringMatcher } from '../core/stopStrings';
import { EngineErrorCode, type FinishReason, type GenerationStats } from '../protocol';
import { cancellableRunOptions } from './cancellableRun';
import type { CausalLM } from './causalLM';
import { EngineError } from './errors';

export interface GenerationRequest extends SamplingOptions {
  prompt: string;
  maxTokens: number;
  seed: number;
  stop: readonly string[];
  timeBudgetMs?: number;
  /** Ends the generation as a stop string would once the text so far satisfies it (a completion stuck in a loop). */
  stopWhen?: (text: string) => boolean;
  /**
   * Runs each forward pass (with the decoder work around it); the engine makes each one a scheduler
   * job, so a keystroke's completion runs between two passes of a long generation. Other work may
   * then have used the model's decoder: every pass first makes it hold this generation's tokens again.
   */
  runPass?: PassRunner;
}

export type PassRunner = <T>(pass: () => Promise<T>) => Promise<T>;

export interface GenerationOutcome extends GenerationStats {
  text: string;
}

export const MAX_NEW_TOKENS = 4096;

/**
 * The most prompt tokens one pass reads. A longer prompt goes in chunks, each its own pass: a cancel
 * stops it between two (at real size a 1,000-token prefill is seconds of passes no keystroke could
 * stop), and the keys/values of the chunks already read stay in the decoder for the next request, whose
 * prompt starts the same way.
 */
export const PREFILL_CHUNK_TOKENS = 64;

/**
 * For prose and answers: stop as soon as the text falls into a loop within a line ("12:12:12:...",
 * "+ 1 + 1 + 1"), which small models fill the token limit with, and cut the repeats from the result.
 */
export async function generateWithoutLoops(model: CausalLM, request: GenerationRequest, signal: AbortSignal, onText: (text: string, generatedTokens: number) => void): Promise<GenerationOutcome> {
  const outcome = await generate(model, { ...request, stopWhen: endsInLoop }, signal, onText);
  const start = loopStart(outcome.text);
  return start === undefined ? outcome : { ...outcome, text: outcome.text.slice(0, start).trimEnd(), finishReason: 'loop' };
}

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
  let acceptedDraftTokens = 0;
  const { decoder } = model;
  const runPass = request.runPass ?? ((pass) => pass());
  /** What the decoder held after this generation's last pass; undefined before the first. */
  let held: number[] | undefined;
  let reused = 0;
  let input = promptIds;
  const greedy = request.temperature <= 0;
  const textOf = (ids: number[]) => (ids.length === 0 ? '' : model.tokenizer.decode(ids, { skip_special_tokens: false }));
  // A forward pass blocks this thread. A cancel that arrives meanwhile is read while the next pass
  // waits for its turn on the event loop, and these options then refuse that pass.
  const runOptions = cancellableRunOptions(signal, 'generate');
  while (generated.length < request.maxTokens) {
    if (signal.aborted) {
      finishReason = 'cancelled';
      break;
    }
    let pass: { draft: number[]; accepted: number; next: number } | 'context' | 'prefill';
    try {
      pass = await runPass(async () => {
        if (!held || !sameTokens(decoder.tokens, held)) {
          // The first pass, or other work used the decoder since the last: keep what it still holds of this sequence.
          const sequence = [...(held ?? []), ...input];
          const kept = await decoder.resume(sequence);
          if (!held) reused = kept;
          input = sequence.slice(kept);
        }
        const fedLength = decoder.tokens.length;
        if (fedLength + input.length > limit) return 'context';
        if (input.length > PREFILL_CHUNK_TOKENS) {
          await decoder.feed(input.slice(0, PREFILL_CHUNK_TOKENS), runOptions);
          held = [...decoder.tokens];
          input = input.slice(PREFILL_CHUNK_TOKENS);
          return 'prefill';
        }
        const draftRoom = Math.min(limit - fedLength - input.length, request.maxTokens - generated.length - 1);
        // Guesses are looked up in the prompt and every token chosen so far: what is fed plus what is about to be.
        const draft = greedy && draftRoom > 0 && model.drafts.open ? draftTokens([...decoder.tokens, ...input]).slice(0, draftRoom) : [];
        const rows = logitRows(await decoder.feed([...input, ...draft], runOptions));
        const first = rows.count - draft.length - 1;
        const { accepted, next } = acceptDraft(draft, (i) => sampleToken(rows.row(first + i), request, random));
        if (greedy) model.drafts.record(draft.length, accepted);
        // Keys/values of rejected guesses go: the decoder holds exactly the tokens chosen so far.
        await decoder.keep(fedLength + input.length + accepted);
        held = [...decoder.tokens];
        return { draft, accepted, next };
      });
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
      finishReason = 'cancelled';
      break;
    }
    if (pass === 'context') {
      finishReason = 'context';
      break;
    }
    // No time budget while the prompt is read: a request stopped here would leave its user without a suggestion.
    if (pass === 'prefill') continue;
    const { draft, accepted, next } = pass;
    lastTokenMs = now() - started;
    if (firstTokenMs < 0) firstTokenMs = lastTokenMs;
    const chosen = [...draft.slice(0, accepted), next];
    const eos = chosen.findIndex((token) => model.eosTokenIds.has(token));
    const left = request.maxTokens - generated.length;
    const ended = eos >= 0 && eos < left;
    const before = generated.length;
    generated.push(...chosen.slice(0, ended ? eos : left));
    // One decode per pass, not per token: a stop string inside the pass still cuts the text where it starts.
    const text = textOf(generated);
    const { safe, stopped } = stops.scan(text);
    if (safe.length > emittedText.length && !safe.endsWith('\uFFFD')) {
      onText(safe.slice(emittedText.length), generated.length);
      emittedText = safe;
    }
    if (stopped) {
      // Count only the tokens up to the one that completes the stop string, as one token per pass would.
      let upTo = Math.min(before + 1, generated.length);
      while (upTo < generated.length && !stops.scan(textOf(generated.slice(0, upTo))).stopped) upTo++;
      generated.length = upTo;
    }
    acceptedDraftTokens += Math.min(generated.length - before, accepted);
    if (ended || stopped || request.stopWhen?.(text)) {
      finishReason = 'stop';
      break;
    }
    if (generated.length >= request.maxTokens) break;
    // A cancel seen while streaming (in-process callers) stops before the next pass.
    if (signal.aborted) {
      finishReason = 'cancelled';
      break;
    }
    input = [next];
    if (request.timeBudgetMs !== undefined && now() - started >= request.timeBudgetMs) {
      finishReason = 'time';
      break;
    }
  }
  const final = stops.scan(textOf(generated), true).safe;
  if (final.length > emittedText.length) onText(final.slice(emittedText.length), generated.length);
  return {
    text: final,
    promptTokens: promptIds.length,
    reusedPromptTokens: reused,
    generatedTokens: generated.length,
    acceptedDraftTokens,
    finishReason,
    firstTokenMs: Math.max(0, firstTokenMs),
    decodeMs: Math.max(0, lastTokenMs - Math.max(0, firstTokenMs)),
  };
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

/** The logits of each fed position (batch of one). */
function logitRows(logits: ort.OnnxValue): { count: number; row(position: number): Float32Array } {
  const tensor = logits as ort.Tensor;
  const [, count, vocab] = tensor.dims;
  const data = tensor.data as Float32Array;
  return { count, row: (position) => data.subarray(position * vocab, (position + 1) * vocab) };
}

export function lastRow(logits: ort.OnnxValue): Float32Array {
  const rows = logitRows(logits);
  return rows.row(rows.count - 1);
}
