// The full-text index of one workspace folder: MiniSearch (BM25+ ranking) over the chunks of every
// text file, with a manifest of each file's size and modification time so that only what changed is
// read again. Persisted as one JSON file in the storage folder it is given; it is a cache, so an
// unreadable or outdated file is rebuilt rather than reported. A walk saves it at once; updates (a file
// saved in the editor) save it after a quiet moment, in one write for a burst of them, so that typing
// and saving never wait for the whole index to be serialised. A file changed since the last save is
// read again by the next engine's walk, so a save that never happened loses nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import MiniSearch, { type Options } from 'minisearch';
import { CancelledError } from '../../core/jobScheduler';
import { chunkText, looksBinary, normalizeTerm, tokenize } from '../../core/retrieval';
import { EngineErrorCode, type IndexSummary, type RetrievedSource, type SkippedFile } from '../../protocol';
import { EngineError } from '../errors';
import { IgnoreRules, listWorkspaceFiles, toRelative } from './workspaceFiles';

export interface IndexOptions {
  exclude: readonly string[];
  maxFileBytes: number;
}

interface ChunkDoc {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  text: string;
}

interface FileEntry {
  size: number;
  mtimeMs: number;
  chunkIds: string[];
  /** Why the file is not indexed (binary, too large); kept so it is not read again until it changes. */
  skipped?: string;
}

interface Persisted {
  version: number;
  folder: string;
  options: string;
  files: Record<string, FileEntry>;
  index: ReturnType<MiniSearch['toJSON']>;
}

/** Bump when chunking, terms or the file layout change: older files are then rebuilt. */
const FORMAT_VERSION = 1;
/** Updates are saved once they have stopped for this long. */
const SAVE_DELAY_MS = 2000;
/** How many skipped files a summary lists by name. */
const SKIPPED_LISTED = 20;

const SEARCH_OPTIONS: Options<ChunkDoc> = {
  fields: ['text', 'path'],
  storeFields: ['path', 'startLine', 'endLine', 'text'],
  tokenize,
  processTerm: normalizeTerm,
  // A question naming a file or folder should find it; OR keeps partial matches (BM25 ranks them).
  searchOptions: { boost: { path: 1.5 }, combineWith: 'OR' },
};

export type ProgressListener = (done: number, total: number) => void;

function changed(counts: Counts): boolean {
  return counts.added + counts.updated + counts.removed > 0;
}

interface Counts {
  added: number;
  updated: number;
  removed: number;
}

export class WorkspaceIndex {
  private files = new Map<string, FileEntry>();
  private search = new MiniSearch<ChunkDoc>(SEARCH_OPTIONS);
  /** The options of the index's content; a full walk with other options re-checks skipped files. */
  private optionsKey = '';
  private rules: IgnoreRules | undefined;
  /** Set once a full walk has run in this process; file events keep the index current after it. */
  private walked = false;

  /** A save waiting for updates to stop, and the save in progress. */
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    readonly folder: string,
    private readonly file: string,
    private readonly log: (message: string) => void,
    private readonly saveDelayMs: number,
  ) {}

  /** The persisted index of `folder` in `storageDir`, or an empty one. */
  static open(folder: string, storageDir: string, log: (message: string) => void, saveDelayMs = SAVE_DELAY_MS): WorkspaceIndex {
    const file = join(storageDir, `index-${createHash('sha256').update(folder).digest('hex').slice(0, 16)}.json`);
    const index = new WorkspaceIndex(folder, file, log, saveDelayMs);
    if (!existsSync(file)) return index;
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Persisted;
      if (data.version !== FORMAT_VERSION || data.folder !== folder) return index;
      index.search = MiniSearch.loadJS(data.index, SEARCH_OPTIONS);
      index.files = new Map(Object.entries(data.files));
      index.optionsKey = data.options;
    } catch (error) {
      log(`Rebuilding the index of ${folder}: ${file} could not be read (${error instanceof Error ? error.message : String(error)}).`);
    }
    return index;
  }

  get chunkCount(): number {
    return this.search.documentCount;
  }

  /** Whether a full walk is due: never walked in this process, or other options. */
  needsWalk(options: IndexOptions): boolean {
    return !this.walked || keyOf(options) !== this.optionsKey;
  }

  /** Walks the folder and re-reads what changed since the index was saved. */
  async walk(options: IndexOptions, signal: AbortSignal, onProgress: ProgressListener): Promise<IndexSummary> {
    const started = performance.now();
    const key = keyOf(options);
    const optionsChanged = key !== this.optionsKey;
    this.rules = new IgnoreRules(this.folder, options.exclude);
    const listed = await listWorkspaceFiles(this.folder, this.rules, signal);
    const counts: Counts = { added: 0, updated: 0, removed: 0 };
    const present = new Set(listed);
    for (const rel of [...this.files.keys()]) if (!present.has(rel)) this.remove(rel, counts);
    const stale: { rel: string; size: number; mtimeMs: number }[] = [];
    for (const rel of listed) {
      const info = await stat(join(this.folder, rel)).catch(() => undefined);
      if (!info) continue;
      const entry = this.files.get(rel);
      if (!entry || entry.size !== info.size || entry.mtimeMs !== info.mtimeMs || (entry.skipped && optionsChanged)) stale.push({ rel, size: info.size, mtimeMs: info.mtimeMs });
    }
    let lastYield = performance.now();
    for (let i = 0; i < stale.length; i++) {
      if (signal.aborted) throw new CancelledError('Indexing was cancelled.');
      await this.read(stale[i].rel, stale[i], options, counts);
      // The engine serves completions on this thread too: give them a turn during long indexing.
      if (performance.now() - lastYield > 20 || i === stale.length - 1) {
        onProgress(i + 1, stale.length);
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    this.optionsKey = key;
    this.walked = true;
    if (changed(counts)) await this.save();
    return this.summary(counts, started);
  }

  /** Re-reads the given files only (created, changed or deleted); a changed .gitignore or folder walks again. */
  async update(paths: readonly string[], options: IndexOptions, signal: AbortSignal): Promise<IndexSummary> {
    const started = performance.now();
    const normalised = paths.map((p) => (isAbsolute(p) ? toRelative(this.folder, p) : posix.normalize(p.replace(/\\/g, '/'))));
    const outside = paths.filter((_, i) => normalised[i] === '..' || normalised[i].startsWith('../') || isAbsolute(normalised[i]));
    if (outside.length > 0) {
      throw new EngineError(EngineErrorCode.BadRequest, `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} outside the workspace folder ${this.folder}: the index reads files inside it only, so nothing was read.`);
    }
    // An event on the folder itself names no file.
    const relPaths = normalised.filter((rel) => rel && rel !== '.');
    const needsWalk = this.needsWalk(options) || !this.rules;
    const info = await Promise.all(relPaths.map((rel) => this.statWithoutLinks(rel)));
    if (needsWalk || relPaths.some((rel, i) => rel.endsWith('.gitignore') || info[i]?.isDirectory())) {
      this.rules?.reset();
      return this.walk(options, signal, () => undefined);
    }
    const counts: Counts = { added: 0, updated: 0, removed: 0 };
    for (const [i, rel] of relPaths.entries()) {
      const found = info[i];
      if (!found) {
        // A deleted folder arrives as one event: drop everything under it.
        for (const known of [...this.files.keys()]) if (known === rel || known.startsWith(`${rel}/`)) this.remove(known, counts);
      } else if (this.rules!.ignores(rel, false)) {
        this.remove(rel, counts);
      } else {
        const entry = this.files.get(rel);
        if (!entry || entry.size !== found.size || entry.mtimeMs !== found.mtimeMs) await this.read(rel, found, options, counts);
      }
    }
    if (changed(counts)) this.saveSoon();
    return this.summary(counts, started);
  }

  /**
   * The file or folder at `rel` when its path inside the folder has no symbolic link (the walk follows
   * none either, so no link leads the index out of the folder); undefined when there is none.
   */
  private async statWithoutLinks(rel: string) {
    const path = join(this.folder, rel);
    const [real, realFolder] = await Promise.all([realpath(path).catch(() => undefined), realpath(this.folder).catch(() => undefined)]);
    if (!real || !realFolder || real !== join(realFolder, rel)) return undefined;
    return stat(real).catch(() => undefined);
  }

  /** Saves now what a pending save would have (when the folder leaves the workspace). */
  async flush(): Promise<void> {
    if (!this.saveTimer) return this.saving;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.save();
  }

  /** The best passages for a question, best first. */
  query(question: string, limit: number): RetrievedSource[] {
    return this.search
      .search(question)
      .slice(0, limit)
      .map((hit) => ({ path: hit.path as string, startLine: hit.startLine as number, endLine: hit.endLine as number, text: hit.text as string, score: hit.score }));
  }

  private async read(rel: string, info: { size: number; mtimeMs: number }, options: IndexOptions, counts: Counts): Promise<void> {
    const existed = this.files.has(rel);
    this.dropChunks(rel);
    const entry: FileEntry = { size: info.size, mtimeMs: info.mtimeMs, chunkIds: [] };
    if (info.size > options.maxFileBytes) {
      entry.skipped = `larger than ${formatBytes(options.maxFileBytes)} (${formatBytes(info.size)}); raise genaiStudio.ask.maxFileKB to include it`;
    } else {
      // Under the size limit, so reading it whole is fine; it may have vanished since the walk.
      const bytes = await readFile(join(this.folder, rel)).catch(() => undefined);
      if (!bytes) {
        this.files.delete(rel);
        if (existed) counts.removed++;
        return;
      }
      if (looksBinary(bytes)) {
        entry.skipped = 'binary';
      } else {
        const docs = chunkText(bytes.toString('utf8')).map((c) => ({ id: `${rel}#${c.startLine}`, path: rel, ...c }));
        this.search.addAll(docs);
        entry.chunkIds = docs.map((d) => d.id);
      }
    }
    this.files.set(rel, entry);
    if (existed) counts.updated++;
    else counts.added++;
  }

  private remove(rel: string, counts: Counts): void {
    if (!this.files.has(rel)) return;
    this.dropChunks(rel);
    this.files.delete(rel);
    counts.removed++;
  }

  private dropChunks(rel: string): void {
    const entry = this.files.get(rel);
    if (entry?.chunkIds.length) this.search.discardAll(entry.chunkIds);
  }

  private saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save().catch((error: Error) => this.log(`Could not save the index of ${this.folder} to ${this.file}: ${error.message}`));
    }, this.saveDelayMs);
    this.saveTimer.unref();
  }

  /** Only an index with something to search is saved: an empty workspace leaves no file. */
  private save(): Promise<void> {
    this.saving = this.saving.catch(() => undefined).then(async () => {
      if (this.chunkCount === 0) return;
      const data: Persisted = { version: FORMAT_VERSION, folder: this.folder, options: this.optionsKey, files: Object.fromEntries(this.files), index: this.search.toJSON() };
      await mkdir(join(this.file, '..'), { recursive: true });
      // Write beside it, then rename: a crash mid-write never leaves a half-written index.
      const temporary = `${this.file}.${process.pid}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify(data));
        await rename(temporary, this.file);
      } finally {
        await rm(temporary, { force: true });
      }
    });
    return this.saving;
  }

  private summary(counts: Counts, started: number): IndexSummary {
    const skipped: SkippedFile[] = [];
    let skippedCount = 0;
    for (const [path, entry] of this.files) {
      if (!entry.skipped) continue;
      skippedCount++;
      if (skipped.length < SKIPPED_LISTED) skipped.push({ path, reason: entry.skipped });
    }
    return { folder: this.folder, files: this.files.size - skippedCount, chunks: this.chunkCount, ...counts, skipped, skippedCount, ms: Math.round(performance.now() - started) };
  }
}

function keyOf(options: IndexOptions): string {
  return JSON.stringify({ exclude: [...options.exclude].sort(), maxFileBytes: options.maxFileBytes });
}

function formatBytes(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
