// The `genaiStudio.remotes` setting as the engine uses it: entries checked one by one (a bad entry is
// named with what to fix, the others still work), `remote:<name>` looked up, and the FIM format a
// server's model is prompted with when the setting says `auto`.
import { isFimFormatName, type FimFormatName } from '../completion/fimFormats';
import { REMOTE_APIS, type RemoteApi, type RemoteServer } from '../../protocol';

/** The entries that are usable, and one line per entry that is not. */
export function checkRemoteServers(raw: unknown): { servers: RemoteServer[]; problems: string[] } {
  const servers: RemoteServer[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { servers, problems };
  if (!Array.isArray(raw)) return { servers, problems: ['genaiStudio.remotes must be a list of servers ({ "name", "url", "api", "model" }).'] };
  raw.forEach((entry, i) => {
    const problem = entryProblem(entry, servers);
    if (problem) problems.push(`genaiStudio.remotes[${i}]: ${problem}`);
    else servers.push(normalise(entry as RemoteServer));
  });
  return { servers, problems };
}

function entryProblem(entry: unknown, earlier: RemoteServer[]): string | undefined {
  if (typeof entry !== 'object' || entry === null) return 'each server is an object with "name", "url" and "api".';
  const e = entry as Record<string, unknown>;
  if (typeof e.name !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(e.name)) return '"name" is required: letters, digits, ".", "-" or "_" (it is used as remote:<name>).';
  if (earlier.some((s) => s.name === e.name)) return `the name "${e.name}" is used twice.`;
  if (typeof e.url !== 'string' || !isHttpUrl(e.url)) return `"url" must be an http:// or https:// address, like http://127.0.0.1:8080; got ${JSON.stringify(e.url)}.`;
  if (!REMOTE_APIS.includes(e.api as RemoteApi)) return `"api" must be one of ${REMOTE_APIS.join(', ')}; got ${JSON.stringify(e.api)}.`;
  if (e.model !== undefined && (typeof e.model !== 'string' || e.model.trim() === '')) return '"model" must be the model id the server serves.';
  if (e.contextLength !== undefined && !(Number.isInteger(e.contextLength) && (e.contextLength as number) >= 64)) return '"contextLength" must be a whole number of tokens, at least 64.';
  if (e.fimFormat !== undefined && e.fimFormat !== 'auto' && !(typeof e.fimFormat === 'string' && isFimFormatName(e.fimFormat))) return `"fimFormat" must be auto or a FIM format name; got ${JSON.stringify(e.fimFormat)}.`;
  if (e.chat !== undefined && typeof e.chat !== 'boolean') return '"chat" must be true or false.';
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

function normalise(server: RemoteServer): RemoteServer {
  return { ...server, url: server.url.replace(/\/+$/, '') };
}

/** The server a `remote:<name>` reference names, or an error that lists the configured names. */
export function findRemoteServer(name: string, servers: readonly RemoteServer[]): RemoteServer {
  const found = servers.find((s) => s.name === name);
  if (found) return found;
  const names = servers.map((s) => s.name);
  throw new Error(
    `No server named "${name}" in genaiStudio.remotes (${names.length ? `configured: ${names.join(', ')}` : 'none is configured'}). Add { "name": "${name}", "url": ..., "api": ... } there, or choose another model.`,
  );
}

/** Model ids that name their family: the first match decides, most specific first. */
const FAMILY_PATTERNS: readonly [RegExp, FimFormatName][] = [
  [/qwen/i, 'qwen'],
  [/deepseek/i, 'deepseek'],
  [/starcoder2/i, 'starcoder2'],
  [/starcoder|santacoder/i, 'starcoder'],
  [/codegemma/i, 'codegemma'],
  [/codestral/i, 'codestral'],
  [/genai-code-tiny/i, 'genai-code-tiny'],
];

/** The setting when it names a format; else the family in the model id; else plain continuation. */
export function remoteFimFormat(server: Pick<RemoteServer, 'fimFormat'>, modelId: string | undefined): FimFormatName {
  if (server.fimFormat && server.fimFormat !== 'auto' && isFimFormatName(server.fimFormat)) return server.fimFormat;
  return FAMILY_PATTERNS.find(([pattern]) => pattern.test(modelId ?? ''))?.[1] ?? 'plain';
}

/**
 * A server's tokenizer is not at hand, so budgets count a token per 2.5 characters: code averages 2.85
 * characters a token with the shipped model's 4k vocabulary (2.68 in its worst file) and 4.0 with Qwen's
 * (src/core/completion), so a prompt within this count fits the server's context.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 2.5);
}
