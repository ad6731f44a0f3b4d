// Reading the hub as the user: the access token for private and gated repositories goes to the
// configured endpoint and nowhere else, and the hub's refusals become errors that name the cases
// they can be (the real hub answers 401 for a repository that does not exist, is private or is gated).
import { EngineErrorCode, type EngineSettings } from '../protocol';
import { EngineError } from './errors';

/** Why a download was stopped on purpose: the fetch of every file in flight fails with it. */
export class DownloadStopped extends Error {
  constructor(readonly why: string) {
    super(`the download was stopped: ${why}`);
    this.name = 'DownloadStopped';
  }
}

/**
 * The engine's hub transfers as one switch (Transformers.js takes one global fetch): Cancel in a download
 * notification, or offline mode turned on, stops every transfer in flight, and the load fails saying why.
 */
export class HubDownloads {
  private controller = new AbortController();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(why: string): void {
    this.controller.abort(new DownloadStopped(why));
    // Later downloads start clean.
    this.controller = new AbortController();
  }
}

export const hubDownloads = new HubDownloads();

/** The DownloadStopped in an error's causes, when a load failed because its download was stopped. */
export function stoppedDownload(error: unknown): DownloadStopped | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) if (e instanceof DownloadStopped) return e;
  return undefined;
}

/** `kept`: what arrived is kept, and the next load downloads only the rest. */
export function downloadStoppedError(ref: string, stopped: DownloadStopped, kept = false): EngineError {
  const next = kept ? 'What arrived is kept: the next time it is used, only the rest is downloaded' : 'Nothing partial is kept; it downloads again the next time it is used';
  return new EngineError(EngineErrorCode.DownloadStopped, `The download of ${ref} was stopped: ${stopped.why}. ${next}.`);
}

/** `fetch` with the access token added to requests for the configured hub endpoint; `hubDownloads` can stop it. */
export function hubFetch(settings: Pick<EngineSettings, 'hubEndpoint' | 'hubToken'>): typeof fetch {
  const endpoint = new URL(settings.hubEndpoint);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (settings.hubToken && url.origin === endpoint.origin && url.pathname.startsWith(endpoint.pathname)) headers.set('Authorization', `Bearer ${settings.hubToken}`);
    const signal = init?.signal ? AbortSignal.any([init.signal, hubDownloads.signal]) : hubDownloads.signal;
    return fetch(input, { ...init, headers, signal });
  };
}

const SET_TOKEN = 'set an access token (GenAI Studio: Set Hub Access Token..., or HF_TOKEN for the command line)';

/** The error for a hub refusal (401/403), or undefined for any other status. */
export function hubRefusal(status: number | undefined, ref: string, settings: Pick<EngineSettings, 'hubEndpoint' | 'hubToken'>): EngineError | undefined {
  const where = `${ref} could not be read from ${settings.hubEndpoint} (HTTP ${status})`;
  if (status === 401) {
    return new EngineError(
      EngineErrorCode.ModelNotFound,
      settings.hubToken
        ? `${where} even with your access token: the repository does not exist (check the hub id and revision), or the token is invalid or expired (set a new one with GenAI Studio: Set Hub Access Token...).`
        : `${where}: the repository does not exist, is private, or is gated. Check the hub id and revision; for a private or gated repository, ${SET_TOKEN}.`,
    );
  }
  if (status === 403) {
    return new EngineError(
      EngineErrorCode.ModelNotFound,
      settings.hubToken
        ? `${where}: your access token is not allowed to read it. For a gated model, accept its conditions on the repository's page with the account of the token; for a private one, use a token of an account that can read it.`
        : `${where}: the repository is gated or private. Accept its conditions on its page, then ${SET_TOKEN}.`,
    );
  }
  return undefined;
}
