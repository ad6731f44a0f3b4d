// A server's streamed answer read as the local decode loop reports its own: text handed on as it
// arrives (never a stop string, never a tail that may become one), a stop that the server did not
// apply cut here (OpenAI-style servers take only four), a loop within a line or the time budget ending
// the request early (leaving the stream closes the connection), and the statistics the server sent.
import { StopStringMatcher } from '../../core/stopStrings';
import type { FinishReason } from '../../protocol';
import type { GenerationOutcome } from '../textGenerator';
import type { WireEvent } from './wireApi';

export interface CollectOptions {
  stop: readonly string[];
  /** Ends the answer early when true for the text so far (a loop forming). */
  stopWhen?: (text: string) => boolean;
  /** Return what has arrived after this many ms. */
  timeBudgetMs?: number;
  onText?: (text: string) => void;
  now?: () => number;
}

export async function collectText(start: (signal: AbortSignal) => AsyncIterable<WireEvent>, signal: AbortSignal, options: CollectOptions): Promise<GenerationOutcome> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const stops = new StopStringMatcher(options.stop);
  // Our own stops (time budget, stop string) end the request without cancelling the caller's work.
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = options.timeBudgetMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeBudgetMs);

  let raw = '';
  let shown = '';
  let finishReason: FinishReason = 'length';
  let firstTokenMs = -1;
  let lastTokenMs = 0;
  const stats = { promptTokens: 0, reusedPromptTokens: 0, generatedTokens: 0 };
  try {
    for await (const event of start(controller.signal)) {
      if (event.promptTokens !== undefined) stats.promptTokens = event.promptTokens;
      if (event.reusedPromptTokens !== undefined) stats.reusedPromptTokens = event.reusedPromptTokens;
      if (event.generatedTokens !== undefined) stats.generatedTokens = event.generatedTokens;
      if (event.text) {
        if (firstTokenMs < 0) firstTokenMs = now() - started;
        lastTokenMs = now() - started;
        raw += event.text;
        const { safe, stopped } = stops.scan(raw);
        emit(safe);
        if (stopped) {
          finishReason = 'stop';
          break;
        }
        if (options.stopWhen?.(safe)) {
          finishReason = 'stop';
          break;
        }
      }
      if (event.finishReason) {
        finishReason = event.finishReason;
        emit(stops.scan(raw, true).safe);
        break;
      }
    }
  } catch (error) {
    // As the local decode loop does: a cancel or the budget returns what is there.
    if (!signal.aborted && !timedOut) throw error;
    finishReason = signal.aborted ? 'cancelled' : 'time';
    emit(stops.scan(raw, true).safe);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    controller.abort();
  }
  return {
    text: shown,
    ...stats,
    generatedTokens: stats.generatedTokens || (shown ? 1 : 0),
    acceptedDraftTokens: 0,
    finishReason,
    firstTokenMs: firstTokenMs < 0 ? now() - started : firstTokenMs,
    decodeMs: firstTokenMs < 0 ? 0 : lastTokenMs - firstTokenMs,
  };

  function emit(safe: string): void {
    if (safe.length <= shown.length) return;
    options.onText?.(safe.slice(shown.length));
    shown = safe;
  }
}
