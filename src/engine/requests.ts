// How the engine answers a JSON-RPC request, whatever it asks: a cancel as an AbortSignal (also one that
// arrives before the request is dispatched), a failure as an error the client shows as it is, parameters
// checked before any work, and the time from the request's arrival.
import { CancellationToken, ResponseError, type ConnectionOptions, type RequestMessage } from 'vscode-jsonrpc';
import { CancelledError } from '../core/jobScheduler';
import type { Validation } from '../core/webview/messageSchema';
import { EngineErrorCode, REQUEST_CANCELLED } from '../protocol';
import { EngineError } from './errors';

/**
 * The engine's connection answers a request whose cancel arrives while it still waits in the message
 * queue (typing supersedes requests faster than a real-size model passes) without dispatching it.
 */
export const ENGINE_CONNECTION_OPTIONS: ConnectionOptions = {
  connectionStrategy: {
    cancelUndispatched: (message) => ({ jsonrpc: '2.0', id: (message as RequestMessage).id, error: { code: REQUEST_CANCELLED, message: new CancelledError().message } }),
  },
};

/** A validated request, or a BadRequest error with the reason. */
export function checked<T>(validation: Validation<T>): T {
  if (!validation.ok) throw new EngineError(EngineErrorCode.BadRequest, `${validation.reason}.`);
  return validation.value;
}

/**
 * An AbortSignal that follows a request's cancellation. A request whose cancel arrived before it was
 * dispatched gets a token that is already cancelled and whose event never fires, so check it first.
 */
export function abortSignal(token: CancellationToken): AbortSignal {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort();
  else token.onCancellationRequested(() => abort.abort());
  return abort.signal;
}

/** A result with the time from the request's arrival to its end. */
export async function timedFrom<R>(arrived: number, work: Promise<R>): Promise<R & { totalMs: number }> {
  return { ...(await work), totalMs: performance.now() - arrived };
}

/** Runs a handler and turns its failure into a JSON-RPC error the client can show as it is. */
export async function guard<T>(handler: () => Promise<T>): Promise<T> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof EngineError) throw new ResponseError(error.code, error.message);
    if (error instanceof CancelledError) throw new ResponseError(REQUEST_CANCELLED, error.message);
    throw new ResponseError(-32603, error instanceof Error ? error.message : String(error));
  }
}
