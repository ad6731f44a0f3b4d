// Typing replayed through source files, asking the engine for a completion the way the inline
// completion provider does (src/vscode/completion/completionProvider.ts, which needs VS Code and so
// cannot run here): the same text windows around the cursor, the same cache along the typed prefix,
// one request per document in flight that the next keystroke cancels. No debounce: every keystroke
// that misses the cache sends a request, the worst case for cancellation and KV-cache reuse.
import { extname } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import type { EngineProcess } from '../src/client/engineProcess';
import { CompletionCache } from '../src/core/completion';
import { COMPLETION_DEFAULTS } from '../src/defaults';
import type { CompleteParams, CompleteResult } from '../src/protocol';
import type { SourceFile } from './corpus';
import { evenlySpaced } from './stats';

/** Characters of the document sent on each side of the cursor, as the provider sends them. */
const PREFIX_CHARS = 12_000;
const SUFFIX_CHARS = 4_000;

const LANGUAGES: Readonly<Record<string, string>> = { '.ts': 'typescript', '.py': 'python', '.go': 'go', '.md': 'markdown' };

/** Where in each file (as a fraction of its lines) the next non-blank line is removed and typed again. */
const SPAN_FRACTIONS = [0.25, 0.5, 0.75];

/** One line of a file, removed and then typed back one character per keystroke. */
export interface Span {
  /** Relative to the replayed folder, like the provider's `asRelativePath`. */
  filePath: string;
  languageId: string;
  /** The document around the removed text: the cursor starts between the two. */
  before: string;
  after: string;
  /** The line without its indentation (an editor's auto-indent puts the cursor after it). */
  typed: string;
}

/** A request the engine answered (not cancelled), with the time from sending it to the answer. */
export interface Answer {
  params: CompleteParams;
  result: CompleteResult;
  latencyMs: number;
}

export interface ReplayResult {
  keystrokes: number;
  cacheHits: number;
  requests: number;
  answers: Answer[];
  /** Per keystroke that got a suggestion: cache lookup time on a hit, else the answer's latency. */
  suggestionMs: number[];
  /**
   * Per cancelled request, from its cancel to the engine letting go of it: the rest of the forward pass
   * it was in (the engine reads the cancel once that pass ends) plus the answer's trip; 0 for one the
   * engine had not started, which it answers as cancelled without running.
   */
  staleMs: number[];
}

/** The spans of every file of a supported language, thinned out evenly to at most `maxKeystrokes` typed characters. */
export function typingSpans(files: readonly SourceFile[], maxKeystrokes: number): Span[] {
  const spans = files.filter((file) => extname(file.path) in LANGUAGES).flatMap((file) => spansOf(file.path, file.text.replace(/\r\n/g, '\n')));
  let kept = spans;
  for (let n = spans.length - 1; n > 0 && keystrokeCount(kept) > maxKeystrokes; n--) kept = evenlySpaced(spans, n);
  return kept;
}

function keystrokeCount(spans: readonly Span[]): number {
  return spans.reduce((sum, span) => sum + span.typed.length, 0);
}

function spansOf(filePath: string, text: string): Span[] {
  const lines = text.split('\n');
  const chosen = new Set<number>();
  for (const fraction of SPAN_FRACTIONS) {
    let line = Math.floor(fraction * lines.length);
    while (line < lines.length && (lines[line].trim() === '' || chosen.has(line))) line++;
    if (line < lines.length) chosen.add(line);
  }
  return [...chosen]
    .sort((a, b) => a - b)
    .map((line) => {
      const lineStart = lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0);
      const start = lineStart + lines[line].length - lines[line].trimStart().length;
      const typed = lines[line].trim();
      return { filePath, languageId: LANGUAGES[extname(filePath)], before: text.slice(0, start), after: text.slice(start + typed.length), typed };
    });
}

/** What the provider sends with the first `typedChars` characters of the span typed. No other files are open, so no context files. */
function completeParams(model: string, span: Span, typedChars: number): { params: CompleteParams; suffixKey: string } {
  const document = span.before + span.typed.slice(0, typedChars) + span.after;
  const cursor = span.before.length + typedChars;
  const prefix = document.slice(Math.max(0, cursor - PREFIX_CHARS), cursor);
  const suffix = document.slice(cursor, cursor + SUFFIX_CHARS);
  return {
    params: {
      model,
      filePath: span.filePath,
      languageId: span.languageId,
      prefix,
      suffix,
      fimFormat: 'auto',
      maxTokens: COMPLETION_DEFAULTS.maxTokens,
      promptTokens: COMPLETION_DEFAULTS.promptTokens,
      timeBudgetMs: COMPLETION_DEFAULTS.timeBudgetMs,
    },
    suffixKey: suffix.split('\n', 2).join('\n'),
  };
}

/**
 * Types every span at one keystroke per `intervalMs`. The model is loaded and one completion run
 * first, so that neither the load nor the first run's allocations are counted. `readAhead`: before
 * each span, its prompt is read (a 1-token request, not counted), as the editor does after a click.
 */
export async function replayTyping(engine: EngineProcess, model: string, spans: readonly Span[], intervalMs: number, readAhead = false): Promise<ReplayResult> {
  await engine.load(model);
  await engine.complete(completeParams(model, spans[0], 0).params);
  const replay = new Replay(engine, model);
  for (const span of spans) {
    if (readAhead) await engine.complete({ ...completeParams(model, span, 0).params, maxTokens: 1 });
    await replay.type(span, intervalMs);
  }
  return replay.result;
}

class Replay {
  readonly result: ReplayResult = { keystrokes: 0, cacheHits: 0, requests: 0, answers: [], suggestionMs: [], staleMs: [] };
  private readonly cache = new CompletionCache();
  private inFlight: CancellationTokenSource | undefined;
  /** The first request that failed other than by cancellation; it ends the replay after its span. */
  private failure: unknown;

  constructor(
    private readonly engine: EngineProcess,
    private readonly model: string,
  ) {}

  /** Returns once every request of the span has settled, so spans do not overlap. */
  async type(span: Span, intervalMs: number): Promise<void> {
    const requests: Promise<void>[] = [];
    const started = performance.now();
    for (let typed = 1; typed <= span.typed.length; typed++) {
      await sleep(started + typed * intervalMs - performance.now());
      const request = this.keystroke(span, typed);
      if (request) requests.push(request);
    }
    await Promise.all(requests);
    if (this.failure !== undefined) throw this.failure;
  }

  /** A cache hit answers at once; a miss sends a request. Returns the request, if one was sent. */
  private keystroke(span: Span, typed: number): Promise<void> | undefined {
    this.result.keystrokes++;
    // VS Code cancels the previous keystroke's provider call, and with it the engine request linked to it.
    this.inFlight?.cancel();
    const { params, suffixKey } = completeParams(this.model, span, typed);
    const lookupStarted = performance.now();
    const cached = this.cache.lookup(params.prefix, suffixKey);
    if (cached !== undefined) {
      this.result.cacheHits++;
      this.result.suggestionMs.push(performance.now() - lookupStarted);
      return undefined;
    }
    return this.ask(params, suffixKey);
  }

  /** Settles once the engine answers or the request is cancelled; never rejects (see `failure`). */
  private async ask(params: CompleteParams, suffixKey: string): Promise<void> {
    const source = new CancellationTokenSource();
    let cancelledAt = 0;
    source.token.onCancellationRequested(() => (cancelledAt = performance.now()));
    this.inFlight = source;
    this.result.requests++;
    const sent = performance.now();
    try {
      const result = await this.engine.complete(params, source.token);
      // The provider drops an answer that arrives after its keystroke was superseded.
      if (result.finishReason === 'cancelled' || source.token.isCancellationRequested) {
        this.result.staleMs.push(performance.now() - cancelledAt);
        return;
      }
      const latencyMs = performance.now() - sent;
      this.result.answers.push({ params, result, latencyMs });
      this.result.suggestionMs.push(latencyMs);
      this.cache.set(params.prefix, suffixKey, result.text);
    } catch (error) {
      // Cancelled while still queued in the engine: a JSON-RPC error, not an answer, and no work done.
      if (source.token.isCancellationRequested) this.result.staleMs.push(0);
      else this.failure ??= error;
    } finally {
      if (this.inFlight === source) this.inFlight = undefined;
      source.dispose();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
