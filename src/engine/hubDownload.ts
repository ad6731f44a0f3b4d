// Every file the engine takes from the hub, for text and image models alike, comes through here into the
// cache in Transformers.js's layout; Transformers.js then reads models from the cache only. (Its own
// downloader checks neither length nor SHA-256, resumes nothing and has no idle timeout.)
// - Pinned: the hub names the commit a revision points to (X-Repo-Commit) in its answer for the first
//   file; a model's other files are fetched at that commit, so a push mid-download cannot mix versions.
// - Checked: the announced length and, for LFS files, the SHA-256 (X-Linked-Etag) before the file is
//   renamed into place; a file that fails the check is deleted.
// - Resumed: an interrupted transfer (the network, the idle timeout, Cancel, offline mode) keeps
//   `<file>.part`; the next try asks only for the rest (Range, with If-Range on the ETag, so a file that
//   changed starts over). A lock beside the part naming its process keeps two editor windows off the
//   same part: the second downloads into a part of its own, which it does not keep.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { EngineErrorCode, type EngineSettings } from '../protocol';
import { EngineError, errorMessage } from './errors';
import { downloadStoppedError, hubFetch, hubRefusal, stoppedDownload } from './hubAccess';
import { idleWatchdog, type IdleWatchdog } from './idleWatchdog';
import type { LoadContext } from './modelManager';
import { hubCachePath, type ModelSource } from './modelSource';

export type HubSource = Extract<ModelSource, { kind: 'hub' }>;

export type DownloadListener = (file: string, loadedBytes: number, totalBytes: number, done: boolean) => void;

let downloadListener: DownloadListener | undefined;

/** The engine forwards hub download progress to its clients through this hook. */
export function onDownloadProgress(listener: DownloadListener): void {
  downloadListener = listener;
}

function reportDownload(file: string, loadedBytes: number, totalBytes: number, done: boolean): void {
  downloadListener?.(file, loadedBytes, totalBytes, done);
}

/** A transfer with no data for this long is given up (what arrived is kept for the next try). */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 60_000;

export interface HubFile {
  name: string;
  /** A required file the repository lacks fails the load; an optional one is skipped. */
  required: boolean;
}

/** One model's files from the hub, all at the commit the first answer names. */
export class HubRepoFiles {
  private commit: string | undefined;

  constructor(
    readonly source: HubSource,
    private readonly settings: EngineSettings,
    private readonly idleTimeoutMs = DOWNLOAD_IDLE_TIMEOUT_MS,
  ) {}

  /** The commit the revision pointed to at the first download, when the hub named it. */
  get pinnedCommit(): string | undefined {
    return this.commit;
  }

  /** Where `file` is cached; a name that would leave the model's folder is refused. */
  cachePath(file: string): string {
    if (isAbsolute(file) || file.includes('\\') || file.split('/').includes('..')) {
      throw new EngineError(EngineErrorCode.ModelInvalid, `${this.source.ref} names a file outside its folder (${file}), so it is not downloaded. Pick another repository.`);
    }
    return hubCachePath(this.settings.hubCacheDir, this.source, file);
  }

  /** Downloads `file` into the cache; false when the repository has no such file (404). */
  async fetch(file: string): Promise<boolean> {
    const revision = this.commit ?? this.source.revision;
    const url = `${this.settings.hubEndpoint.replace(/\/$/, '')}/${this.source.id}/resolve/${encodeURIComponent(revision)}/${file}`;
    const watchdog = idleWatchdog(this.idleTimeoutMs);
    try {
      const commit = await transfer(url, file, this.cachePath(file), this.source, this.settings, watchdog);
      if (commit === false) return false;
      if (!this.commit && commit && /^[0-9a-f]{40}$/.test(commit)) this.commit = commit;
      return true;
    } finally {
      watchdog.stop();
    }
  }
}

/**
 * Brings the files a model needs into the cache (those already there are not fetched again; offline,
 * only the cache is read) and returns the model's cached folder. `missing` is the error for a required
 * file the repository lacks.
 */
export async function cacheHubFiles(repo: HubRepoFiles, files: readonly HubFile[], context: LoadContext, missing: (file: string) => EngineError): Promise<string> {
  const { settings } = context;
  const pinnedBefore = repo.pinnedCommit;
  for (const [index, { name, required }] of files.entries()) {
    if (existsSync(repo.cachePath(name))) continue;
    if (settings.offline) {
      if (!required) continue;
      throw new EngineError(
        EngineErrorCode.Offline,
        `${repo.source.ref} is not in the local model cache (${name} is missing) and offline mode is on (genaiStudio.offline), so it cannot be downloaded. Turn offline mode off once to download it, or use a local folder.`,
      );
    }
    context.progress((100 * index) / files.length, `downloading ${name}`);
    const found = await repo.fetch(name);
    if (!found && required) throw missing(name);
  }
  if (repo.pinnedCommit && !pinnedBefore) context.log(`${repo.source.ref}: downloaded at commit ${repo.pinnedCommit.slice(0, 12)} of ${repo.source.revision}`);
  return repo.cachePath('');
}

/** The SHA-256 the hub sends for an LFS file (X-Linked-Etag, or an ETag that is one). */
function expectedSha256(headers: Headers): string | undefined {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replace(/"/g, '');
    if (value && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return undefined;
}

/** What a kept part was downloaded against, so that its rest can be asked for. */
interface PartMeta {
  etag: string;
  sha256?: string;
  total: number;
}

interface Part {
  path: string;
  /** This process holds the part's lock: it may resume the part and keep it. */
  owned: boolean;
  /** What the kept part was downloaded against, when one is there to resume. */
  resumeFrom?: PartMeta & { bytes: number };
  /** What the part now holds is downloaded against (undefined: it cannot be resumed). */
  remember(meta: PartMeta | undefined): void;
  /** Keeps the part (an interrupted transfer) or deletes it, and lets go of the lock. */
  release(keep: boolean): void;
}

/** The part `target` is downloaded into: the shared, resumable one, or one of this process's own. */
function claimPart(target: string): Part {
  mkdirSync(dirname(target), { recursive: true });
  const path = `${target}.part`;
  const lock = `${path}.lock`;
  const metaFile = `${path}.json`;
  if (lockPart(lock)) {
    const meta = readMeta(metaFile);
    const bytes = meta && existsSync(path) ? statSync(path).size : 0;
    return {
      path,
      owned: true,
      resumeFrom: meta && bytes > 0 && bytes < meta.total ? { ...meta, bytes } : undefined,
      remember: (m) => (m ? writeFileSync(metaFile, JSON.stringify(m)) : rmSync(metaFile, { force: true })),
      release: (keep) => {
        if (!keep) for (const file of [path, metaFile]) rmSync(file, { force: true });
        rmSync(lock, { force: true });
      },
    };
  }
  const own = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  return { path: own, owned: false, remember: () => undefined, release: () => rmSync(own, { force: true }) };
}

/** Takes the lock, or false while a live process (another window's engine) holds it. */
function lockPart(lock: string): boolean {
  const take = () => {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  };
  if (take()) return true;
  const holder = Number(readFileSync(lock, { encoding: 'utf8', flag: 'r' }).trim());
  if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return false;
  // The process that held it is gone (it crashed or was killed mid-download): its part is ours to resume.
  rmSync(lock, { force: true });
  return take();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readMeta(file: string): PartMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8')) as PartMeta;
    return typeof meta.etag === 'string' && meta.etag && Number.isFinite(meta.total) && meta.total > 0 ? meta : undefined;
  } catch {
    return undefined;
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** The first byte a 206 answer carries (`Content-Range: bytes START-END/TOTAL`). */
function rangeStart(headers: Headers): number | undefined {
  const match = /^bytes (\d+)-\d+\/\d+$/.exec(headers.get('content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}

/** A check the bytes failed: the part is not kept. */
class IntegrityError extends Error {}

/** The commit the hub named (or undefined), or false when the repository has no such file. */
async function transfer(url: string, file: string, target: string, source: HubSource, settings: EngineSettings, watchdog: IdleWatchdog): Promise<string | undefined | false> {
  const endpoint = settings.hubEndpoint;
  const part = claimPart(target);
  // Whatever arrived intact is kept for the next try, unless the file turns out to be absent or corrupt.
  let keep = true;
  const keptSome = () => part.owned && existsSync(part.path) && statSync(part.path).size > 0;
  try {
    const resume = part.resumeFrom;
    const headers: Record<string, string> = resume ? { range: `bytes=${resume.bytes}-`, 'if-range': resume.etag } : {};
    let response: Response;
    try {
      response = await hubFetch(settings)(url, { signal: watchdog.signal, headers });
    } catch (error) {
      const stopped = stoppedDownload(error);
      if (stopped) throw downloadStoppedError(source.ref, stopped, keptSome());
      throw new EngineError(
        EngineErrorCode.HubUnreachable,
        `Could not download ${source.ref}: ${endpoint} cannot be reached (${errorMessage(error)}). Check your network or the genaiStudio.hubEndpoint setting (a mirror works), or use a local folder.`,
      );
    }
    if (response.status === 404) {
      keep = false;
      return false;
    }
    const refusal = hubRefusal(response.status, source.ref, settings);
    if (refusal) throw refusal;
    if (!response.ok || !response.body) {
      throw new EngineError(EngineErrorCode.HubUnreachable, `Could not download ${file} of ${source.ref} from ${endpoint}: HTTP ${response.status}. Try again later, or use a local folder.`);
    }
    // 206 from where the part ends: append. 200: the server sends it all (the file changed, or it does not do ranges).
    const resumed = resume !== undefined && response.status === 206 && rangeStart(response.headers) === resume.bytes;
    if (response.status === 206 && !resumed) throw new IntegrityError(`${endpoint} answered with a part of the file that was not asked for`);
    const length = Number(response.headers.get('content-length') ?? 0);
    const meta: PartMeta = resumed ? resume : { etag: response.headers.get('etag') ?? '', sha256: expectedSha256(response.headers), total: length };
    if (!resumed) part.remember(meta.etag && meta.total > 0 ? meta : undefined);
    const hash = createHash('sha256');
    let loaded = 0;
    if (resumed) {
      await hashFile(part.path, hash);
      loaded = resume.bytes;
    }
    // Each chunk is on disk before the next is read, so an interruption keeps everything that arrived.
    const out = await open(part.path, resumed ? 'a' : 'w');
    try {
      for await (const chunk of response.body as WebReadableStream<Uint8Array>) {
        watchdog.stillAlive();
        await out.write(chunk);
        loaded += chunk.length;
        hash.update(chunk);
        reportDownload(file, loaded, meta.total, false);
      }
    } finally {
      await out.close();
    }
    if (meta.total > 0 && loaded < meta.total) throw new Error(`${loaded} of ${meta.total} bytes arrived`);
    if (meta.total > 0 && loaded > meta.total) throw new IntegrityError(`${loaded} bytes arrived where ${meta.total} were announced`);
    if (meta.sha256 && hash.digest('hex') !== meta.sha256) throw new IntegrityError('its SHA-256 differs from the one the hub gives');
    renameSync(part.path, target);
    keep = false;
    reportDownload(file, loaded, meta.total, true);
    return response.headers.get('x-repo-commit') ?? undefined;
  } catch (error) {
    if (error instanceof EngineError) throw error;
    if (error instanceof IntegrityError) {
      keep = false;
      throw new EngineError(
        EngineErrorCode.HubUnreachable,
        `The download of ${file} of ${source.ref} is corrupt: ${error.message}. Nothing was kept; try again (a proxy that rewrites downloads would cause this every time).`,
      );
    }
    const stopped = stoppedDownload(error);
    if (stopped) throw downloadStoppedError(source.ref, stopped, keptSome());
    const why = watchdog.signal.aborted ? `no data for ${watchdog.ms / 1000} s` : errorMessage(error);
    const kept = keptSome() ? 'What arrived is kept: the next try downloads only the rest.' : 'Nothing was kept; try again.';
    throw new EngineError(EngineErrorCode.HubUnreachable, `The download of ${file} of ${source.ref} was interrupted (${why}). ${kept}`);
  } finally {
    part.release(keep && part.owned);
  }
}
