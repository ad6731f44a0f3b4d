// Brings a Stable-Diffusion ONNX repository from the hub (or a mirror) into the hub cache, in the
// layout Transformers.js uses for its files, so the loader then reads it like a local folder.
// Files already cached are not fetched again; offline mode uses the cache only. A file is written to a
// part file of its own (two editor windows may fetch the same model), checked against its length and,
// where the hub gives it (LFS files), its SHA-256, and only then renamed into place; a transfer that
// stalls is given up after a while without data.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { EngineErrorCode, type EngineSettings } from '../../protocol';
import { EngineError, errorMessage } from '../errors';
import { downloadStoppedError, hubFetch, hubRefusal, stoppedDownload } from '../hubAccess';
import { idleWatchdog, type IdleWatchdog } from '../idleWatchdog';
import type { LoadContext } from '../modelManager';
import { hubCachePath, type ModelSource } from '../modelSource';
import { reportDownload } from '../transformers';

type HubSource = Extract<ModelSource, { kind: 'hub' }>;

const REQUIRED = ['model_index.json', 'text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx'];
const OPTIONAL = [
  'scheduler/scheduler_config.json',
  'tokenizer/tokenizer.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'tokenizer/tokenizer_config.json',
  'tokenizer/special_tokens_map.json',
  'text_encoder/config.json',
  'unet/config.json',
  'vae_decoder/config.json',
  // Large exports keep their weights beside the graph.
  'text_encoder/model.onnx_data',
  'unet/model.onnx_data',
  'vae_decoder/model.onnx_data',
];

/** The cached folder of `source`, after fetching what is missing. */
export async function cacheDiffusionRepo(source: HubSource, context: LoadContext): Promise<string> {
  const { settings } = context;
  const files = [...REQUIRED, ...OPTIONAL];
  for (const [index, file] of files.entries()) {
    const path = hubCachePath(settings.hubCacheDir, source, file);
    if (existsSync(path)) continue;
    const required = REQUIRED.includes(file);
    if (settings.offline) {
      if (!required) continue;
      throw new EngineError(
        EngineErrorCode.Offline,
        `${source.ref} is not in the local model cache (${file} is missing) and offline mode is on (genaiStudio.offline), so it cannot be downloaded. Turn offline mode off once to download it, or use a local folder.`,
      );
    }
    context.progress((100 * index) / files.length, `downloading ${file}`);
    const found = await download(source, file, path, settings);
    if (!found && file === 'model_index.json') {
      throw new EngineError(EngineErrorCode.ModelNotFound, `${source.ref} was not found on ${settings.hubEndpoint} (no model_index.json). Check the hub id and revision, or the hub endpoint setting.`);
    }
    if (!found && required) {
      throw new EngineError(EngineErrorCode.ModelInvalid, `${source.ref} has no ${file}: it is not a Stable-Diffusion ONNX export. Pick a repository with model_index.json, text_encoder/, unet/ and vae_decoder/ ONNX files.`);
    }
  }
  return hubCachePath(settings.hubCacheDir, source, '');
}

/**
 * Whether a hub repository is a Stable-Diffusion export (it has model_index.json): from the cache, else
 * by fetching that small file into it. Unknown (offline and not cached, or the hub unreachable) counts
 * as no: the other loader then reports what is wrong.
 */
export async function isDiffusionRepo(source: HubSource, settings: EngineSettings): Promise<boolean> {
  const path = hubCachePath(settings.hubCacheDir, source, 'model_index.json');
  if (existsSync(path)) return true;
  if (settings.offline) return false;
  try {
    return await download(source, 'model_index.json', path, settings);
  } catch {
    return false;
  }
}

/** A transfer with no data for this long is given up. */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;

/** The SHA-256 the hub sends for an LFS file (X-Linked-Etag, or an ETag that is one). */
function expectedSha256(headers: Headers): string | undefined {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replace(/"/g, '');
    if (value && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return undefined;
}

/** False when the repository has no such file (404). */
export async function download(source: HubSource, file: string, path: string, settings: EngineSettings, idleTimeoutMs = DOWNLOAD_IDLE_TIMEOUT_MS): Promise<boolean> {
  const watchdog = idleWatchdog(idleTimeoutMs);
  try {
    return await transfer(source, file, path, settings, watchdog);
  } finally {
    watchdog.stop();
  }
}

async function transfer(source: HubSource, file: string, path: string, settings: EngineSettings, watchdog: IdleWatchdog): Promise<boolean> {
  const endpoint = settings.hubEndpoint;
  const url = `${endpoint.replace(/\/$/, '')}/${source.id}/resolve/${encodeURIComponent(source.revision)}/${file}`;
  let response: Response;
  try {
    response = await hubFetch(settings)(url, { signal: watchdog.signal });
  } catch (error) {
    const stopped = stoppedDownload(error);
    if (stopped) throw downloadStoppedError(source.ref, stopped);
    throw new EngineError(
      EngineErrorCode.HubUnreachable,
      `Could not download ${source.ref}: ${endpoint} cannot be reached (${errorMessage(error)}). Check your network or the genaiStudio.hubEndpoint setting (a mirror works), or use a local folder.`,
    );
  }
  if (response.status === 404) return false;
  const refusal = hubRefusal(response.status, source.ref, settings);
  if (refusal) throw refusal;
  if (!response.ok || !response.body) {
    throw new EngineError(EngineErrorCode.HubUnreachable, `Could not download ${file} of ${source.ref} from ${endpoint}: HTTP ${response.status}. Try again later, or use a local folder.`);
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  const sha256 = expectedSha256(response.headers);
  const hash = createHash('sha256');
  let loaded = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      watchdog.stillAlive();
      loaded += chunk.length;
      hash.update(chunk);
      reportDownload(file, loaded, total, false);
      done(null, chunk);
    },
  });
  // A partial file never looks cached: it is renamed into place only when complete and checked.
  const partial = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  mkdirSync(dirname(path), { recursive: true });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), count, createWriteStream(partial));
    if (total > 0 && loaded !== total) throw new Error(`${loaded} of ${total} bytes arrived`);
    if (sha256 && hash.digest('hex') !== sha256) {
      throw new EngineError(EngineErrorCode.HubUnreachable, `The download of ${file} of ${source.ref} is corrupt: its SHA-256 differs from the one ${endpoint} gives. Nothing was kept; try again (a proxy that rewrites downloads would cause this every time).`);
    }
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof EngineError) throw error;
    const stopped = stoppedDownload(error);
    if (stopped) throw downloadStoppedError(source.ref, stopped);
    const why = watchdog.signal.aborted ? `no data for ${watchdog.ms / 1000} s` : errorMessage(error);
    throw new EngineError(EngineErrorCode.HubUnreachable, `The download of ${file} of ${source.ref} was interrupted (${why}). Nothing was kept; try again.`);
  }
  renameSync(partial, path);
  reportDownload(file, loaded, total, true);
  return true;
}
