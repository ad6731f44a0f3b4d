// The engine's workspace indexes, one per folder and storage folder: opened from disk on first use,
// walked once per engine lifetime (or when the options change), then kept current by file events.
// Work on one index is serialized so a walk and an update never interleave.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ASK_DEFAULTS } from '../../core/generation/defaults';
import { EngineErrorCode, type IndexProgress, type IndexSummary, type IndexUpdateParams, type SearchParams, type SearchResult, type WorkspaceIndexParams } from '../../protocol';
import { EngineError } from '../errors';
import { WorkspaceIndex, type IndexOptions } from './workspaceIndex';

export class RetrievalService {
  private readonly indexes = new Map<string, WorkspaceIndex>();
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(
    private readonly onProgress: (progress: IndexProgress) => void,
    private readonly log: (message: string) => void,
    /** How long updates must stop before an index is saved (WorkspaceIndex's default when omitted). */
    private readonly saveDelayMs?: number,
  ) {}

  /** Brings the index up to date with a walk of the folder. */
  index(params: WorkspaceIndexParams, signal: AbortSignal): Promise<IndexSummary> {
    return this.withIndex(params, (index) => index.walk(optionsOf(params), signal, (done, total) => this.onProgress({ folder: params.folder, done, total })));
  }

  update(params: IndexUpdateParams, signal: AbortSignal): Promise<IndexSummary> {
    return this.withIndex(params, (index) => index.update(params.paths, optionsOf(params), signal));
  }

  /** The best passages for the question; walks first when the index has not been walked in this engine. */
  async search(params: SearchParams, signal: AbortSignal): Promise<SearchResult> {
    if (!params.question?.trim()) throw new EngineError(EngineErrorCode.BadRequest, 'The question is empty: type what you want to know about the workspace.');
    const limit = params.limit ?? ASK_DEFAULTS.sources;
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new EngineError(EngineErrorCode.BadRequest, `The number of sources must be a whole number from 1 to 50; got ${limit}.`);
    return this.withIndex(params, async (index) => {
      const options = optionsOf(params);
      const summary = index.needsWalk(options)
        ? await index.walk(options, signal, (done, total) => this.onProgress({ folder: params.folder, done, total }))
        : await index.update([], options, signal);
      if (index.chunkCount === 0) {
        const why = summary.skippedCount ? ` (${summary.skippedCount} file${summary.skippedCount === 1 ? '' : 's'} skipped, e.g. ${summary.skipped[0].path}: ${summary.skipped[0].reason})` : '';
        throw new EngineError(
          EngineErrorCode.BadRequest,
          `There is nothing to search in ${params.folder}: it has no text files to index${why}. Open a folder with source or documentation files, or check .gitignore, files.exclude and genaiStudio.ask.exclude.`,
        );
      }
      return { sources: index.query(params.question, limit), index: summary };
    });
  }

  /** The folders whose index is in memory. */
  get openFolders(): string[] {
    return [...this.indexes.values()].map((index) => index.folder);
  }

  /** A folder left the workspace: its index leaves memory once its work is done (its file stays, as a cache). */
  async close(params: WorkspaceIndexParams): Promise<void> {
    const key = keyOf(params);
    await this.busy.get(key)?.catch(() => undefined);
    await this.indexes.get(key)?.flush();
    this.indexes.delete(key);
    this.busy.delete(key);
  }

  private withIndex<T>(params: WorkspaceIndexParams, work: (index: WorkspaceIndex) => Promise<T>): Promise<T> {
    checkFolder(params);
    const key = keyOf(params);
    let index = this.indexes.get(key);
    if (!index) {
      index = WorkspaceIndex.open(params.folder, params.storageDir, this.log, this.saveDelayMs);
      this.indexes.set(key, index);
    }
    const target = index;
    const run = (this.busy.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => work(target));
    this.busy.set(key, run);
    return run;
  }
}

function optionsOf(params: WorkspaceIndexParams): IndexOptions {
  const maxFileBytes = params.maxFileBytes ?? ASK_DEFAULTS.maxFileKB * 1024;
  if (!Number.isFinite(maxFileBytes) || maxFileBytes < 1) throw new EngineError(EngineErrorCode.BadRequest, `maxFileBytes must be a positive number; got ${maxFileBytes}.`);
  return { exclude: params.exclude ?? [], maxFileBytes };
}

function checkFolder(params: WorkspaceIndexParams): void {
  if (!params.folder || !isAbsolute(params.folder)) throw new EngineError(EngineErrorCode.BadRequest, `The workspace folder must be an absolute path; got "${params.folder}".`);
  if (!existsSync(params.folder) || !statSync(params.folder).isDirectory()) {
    throw new EngineError(EngineErrorCode.BadRequest, `The workspace folder ${params.folder} does not exist or is not a folder. Open an existing folder (File > Open Folder) or pass --workspace DIR.`);
  }
  if (!params.storageDir || !isAbsolute(params.storageDir)) throw new EngineError(EngineErrorCode.BadRequest, `The index storage folder must be an absolute path; got "${params.storageDir}".`);
}

function keyOf(params: WorkspaceIndexParams): string {
  return `${params.storageDir}\n${params.folder}`;
}
