// What a failed request to an inference server means, in the user's words, with what to do. The
// server's own message is kept (it often names the problem exactly), shortened.

export interface ServerIdentity {
  name: string;
  url: string;
  api: string;
  model?: string;
}

/** Why the request failed, and whether a local fallback should take over (the server is not there). */
export interface ServerFailure {
  message: string;
  unreachable: boolean;
}

export function describeHttpStatus(server: ServerIdentity, status: number, body: string, retryAfterSeconds?: number): ServerFailure {
  const said = serverMessage(body);
  const where = `${server.url} (${server.name})`;
  const detail = said ? ` The server said: ${/[.!?]$/.test(said) ? said : `${said}.`}` : '';
  if (status === 401 || status === 403) {
    return { unreachable: false, message: `${where} refused the API key (HTTP ${status}).${detail} Set the key with "GenAI Studio: Set Server API Key..." (or the environment variable the CLI's --api-key-env names).` };
  }
  if (status === 404) {
    const model = server.model ? `it does not serve the model "${server.model}", or ` : '';
    return { unreachable: false, message: `${where} answered "not found" (HTTP 404): ${model}it does not speak the "${server.api}" API.${detail} Check "model" (Check GPU Support lists what the server serves) and "api" in genaiStudio.remotes.` };
  }
  if (status === 429) {
    const wait = retryAfterSeconds !== undefined ? ` It asks to wait ${retryAfterSeconds} s.` : '';
    return { unreachable: false, message: `${where} is busy: too many requests (HTTP 429).${wait}${detail}` };
  }
  if (status >= 500) {
    const wait = retryAfterSeconds !== undefined ? ` It asks to retry after ${retryAfterSeconds} s.` : '';
    return { unreachable: true, message: `${where} failed the request (HTTP ${status}).${wait}${detail} See the server's log.` };
  }
  return { unreachable: false, message: `${where} rejected the request (HTTP ${status}).${detail} Check that "api" (${server.api}) is the protocol this server speaks.` };
}

/** A failure below HTTP: no connection, a reset, a name that does not resolve, a timeout. */
export function describeNetworkError(server: ServerIdentity, error: unknown, timeoutMs?: number): ServerFailure {
  const code = errorCode(error);
  const where = `${server.url} (${server.name})`;
  if (timeoutMs !== undefined) {
    const within = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
    return { unreachable: true, message: `${where} did not answer within ${within}. Is the server overloaded or still loading the model?` };
  }
  if (code === 'ECONNREFUSED') return { unreachable: true, message: `Nothing is listening at ${where}: connection refused. Start the server, or fix "url" in genaiStudio.remotes.` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { unreachable: true, message: `The host of ${where} is not known (${code}). Check "url" in genaiStudio.remotes and the network.` };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return { unreachable: true, message: `${where} closed the connection mid-request (${code}). Did the server stop or crash?` };
  if (code?.startsWith('ERR_TLS') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') {
    return { unreachable: true, message: `${where}: the TLS certificate is not trusted (${code}). Use a certificate the system trusts.` };
  }
  const why = innermostMessage(error);
  // fetch refuses the ports browsers block (9, 22, 6000 and others in the Fetch standard's list) before connecting.
  if (why === 'bad port') return { unreachable: true, message: `${where} uses a port that fetch refuses to connect to (a blocked port such as 9 or 6000). Serve on another port, such as 8080.` };
  return { unreachable: true, message: `${where} could not be reached: ${code ? `${code}: ` : ''}${why}` };
}

/** A response that is not what the chosen API answers (an HTML page, another protocol). */
export function describeWrongProtocol(server: ServerIdentity, what: string): ServerFailure {
  return { unreachable: false, message: `${server.url} (${server.name}) does not answer as the "${server.api}" API does: ${what}. Check "api" in genaiStudio.remotes (openai, llama.cpp or ollama).` };
}

/**
 * A reused keep-alive connection that the server had just closed: the request never reached it, so
 * sending it again on a fresh connection is safe (and what browsers do).
 */
export function isStaleConnection(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** `Retry-After` in seconds (a number or an HTTP date), or undefined. */
export function retryAfterSeconds(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

function serverMessage(body: string): string {
  let text = body.trim();
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = json.error;
    const picked = typeof error === 'string' ? error : typeof error === 'object' && error && 'message' in error ? (error as { message: unknown }).message : (json.message ?? json.detail);
    if (typeof picked === 'string') text = picked;
  } catch {
    // Not JSON: an HTML error page or plain text.
    if (/^<(!doctype|html)/i.test(text)) return 'an HTML page (a proxy or web server, not an inference API?)';
  }
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** fetch says only "fetch failed"; its cause says why ("bad port", a socket error). */
function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e = (error as { cause?: unknown })?.cause, depth = 0; e instanceof Error && depth < 4; e = (e as { cause?: unknown }).cause, depth++) message = e.message;
  return message;
}

/** The cause's code: fetch wraps socket errors (`TypeError: fetch failed` with `cause.code`). */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
