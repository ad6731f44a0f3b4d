// Reading the hub as the user: the access token for private and gated repositories goes to the
// configured endpoint and nowhere else, and the hub's refusals become errors that name the cases
// they can be (the real hub answers 401 for a repository that does not exist, is private or is gated).
import { EngineErrorCode, type EngineSettings } from '../protocol';
import { EngineError } from './errors';

/** `fetch` with the access token added to requests for the configured hub endpoint. */
export function hubFetch(settings: Pick<EngineSettings, 'hubEndpoint' | 'hubToken'>): typeof fetch {
  const endpoint = new URL(settings.hubEndpoint);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (settings.hubToken && url.origin === endpoint.origin && url.pathname.startsWith(endpoint.pathname)) headers.set('Authorization', `Bearer ${settings.hubToken}`);
    return fetch(input, { ...init, headers });
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
