// HTTP to one inference server: the API key as a bearer token (to this server only), VS Code's proxy,
// a timeout for the first byte and between chunks, one retry when the server asks to wait (429/503 with
// a short Retry-After) or closed the reused connection the request went out on, and every failure turned into an EngineError that says what to do. Cancelling
// the caller's AbortSignal aborts the request, so the server sees the client go away and frees its slot.
import { describeHttpStatus, describeNetworkError, describeWrongProtocol, isStaleConnection, retryAfterSeconds, type ServerFailure } from '../../core/remote/serverErrors';
import { streamEvents, type StreamFormat } from '../../core/remote/streamEvents';
import { CancelledError } from '../../core/jobScheduler';
import { EngineErrorCode, type RemoteServer } from '../../protocol';
import { EngineError } from '../errors';
import { idleWatchdog, type IdleWatchdog } from '../idleWatchdog';

/** A request the server did not answer as asked; `unreachable` when a local fallback should take over. */
export class ServerError extends EngineError {
  readonly unreachable: boolean;

  constructor(failure: ServerFailure) {
    super(EngineErrorCode.ServerFailed, failure.message);
    this.unreachable = failure.unreachable;
  }
}

export interface HttpOptions {
  /** VS Code's `http.proxy`. */
  proxy?: string;
  /** For the response to start, and between two chunks of a stream. */
  timeoutMs?: number;
  /** The longest Retry-After worth waiting for once; longer waits fail at once with the server's reason. */
  maxRetryWaitMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** One agent per proxy URL, so requests through it reuse their connections. */
const proxyAgents = new Map<string, import('undici').ProxyAgent>();
const DEFAULT_MAX_RETRY_WAIT_MS = 5_000;

export class ServerHttp {
  private readonly timeoutMs: number;
  private readonly maxRetryWaitMs: number;

  constructor(
    readonly server: RemoteServer,
    private readonly options: HttpOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  }

  /** A JSON answer to GET `path`. */
  getJson(path: string, signal: AbortSignal): Promise<unknown> {
    return this.answer('GET', path, undefined, signal);
  }

  /** A JSON answer to POST `path` with `body`, not streamed. */
  postJson(path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    return this.answer('POST', path, body, signal);
  }

  private async answer(method: string, path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const watch = new RequestWatch(this.timeoutMs, signal);
    try {
      return await this.json(await this.request(method, path, body, watch));
    } finally {
      watch.stop();
    }
  }

  /**
   * The events of a streamed answer. Leaving the loop early (a stop string, the time budget) cancels
   * the body, which closes the connection: the server stops generating.
   */
  async *stream(path: string, body: unknown, format: StreamFormat, signal: AbortSignal): AsyncGenerator<unknown> {
    const watch = new RequestWatch(this.timeoutMs, signal);
    try {
      const response = await this.request('POST', path, body, watch);
      if (!response.body) throw this.wrongProtocol('an empty body');
      try {
        for await (const event of streamEvents(watched(response.body as unknown as AsyncIterable<Uint8Array>, watch), format)) yield event;
      } catch (error) {
        if (error instanceof SyntaxError) throw this.wrongProtocol(error.message);
        throw this.failure(error, watch);
      }
    } finally {
      watch.stop();
    }
  }

  private async request(method: string, path: string, body: unknown, watch: RequestWatch): Promise<Response> {
    const init: RequestInit & { dispatcher?: unknown } = {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json, text/event-stream, application/x-ndjson', ...this.authorization() },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: watch.signal,
    };
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(`${this.server.url}${path}`, init);
      } catch (error) {
        if (attempt === 0 && isStaleConnection(error) && !watch.signal.aborted) continue;
        throw this.failure(error, watch);
      }
      if (response.ok) return response;
      const text = await response.text().catch(() => '');
      const wait = retryAfterSeconds(response.headers.get('retry-after'), Date.now());
      const retryable = response.status === 429 || response.status === 503;
      if (retryable && attempt === 0 && wait !== undefined && wait * 1000 <= this.maxRetryWaitMs) {
        await sleep(wait * 1000, watch.signal);
        watch.idle.stillAlive();
        continue;
      }
      throw new ServerError(describeHttpStatus(this.server, response.status, text, wait));
    }
  }

  private async json(response: Response): Promise<unknown> {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw this.wrongProtocol(`its answer is not JSON (${JSON.stringify(text.slice(0, 80))})`);
    }
  }

  wrongProtocol(what: string): EngineError {
    return new ServerError(describeWrongProtocol(this.server, what));
  }

  private failure(error: unknown, watch: RequestWatch): Error {
    if (error instanceof EngineError || error instanceof CancelledError) return error;
    // The caller's own cancel (a newer keystroke) is not a server failure.
    if (watch.caller.aborted) return new CancelledError();
    return new ServerError(describeNetworkError(this.server, error, watch.idle.signal.aborted ? this.timeoutMs : undefined));
  }

  private authorization(): Record<string, string> {
    return this.server.apiKey ? { authorization: `Bearer ${this.server.apiKey}` } : {};
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    if (!this.options.proxy) return fetch(url, init);
    // undici's own fetch with its ProxyAgent (Node's built-in fetch takes no proxy setting).
    const undici = await import('undici');
    let agent = proxyAgents.get(this.options.proxy);
    if (!agent) proxyAgents.set(this.options.proxy, (agent = new undici.ProxyAgent(this.options.proxy)));
    return undici.fetch(url, { ...(init as object), dispatcher: agent } as never) as unknown as Response;
  }
}

/** A request's end: the caller's cancel, or no byte for `timeoutMs` (which of the two, for the error). */
class RequestWatch {
  readonly idle: IdleWatchdog;
  readonly signal: AbortSignal;

  constructor(
    timeoutMs: number,
    readonly caller: AbortSignal,
  ) {
    this.idle = idleWatchdog(timeoutMs);
    this.signal = AbortSignal.any([caller, this.idle.signal]);
  }

  stop(): void {
    this.idle.stop();
  }
}

async function* watched(body: AsyncIterable<Uint8Array>, watch: RequestWatch): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    watch.idle.stillAlive();
    yield chunk;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CancelledError());
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new CancelledError());
    }, { once: true });
  });
}
