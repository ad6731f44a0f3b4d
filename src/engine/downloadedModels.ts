// The hub models in the download cache (`<hubCacheDir>/<org>/<name>/`, revisions in subfolders), for
// Manage Downloaded Models: what is there, how much it weighs, and deleting one.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineErrorCode, type DownloadedModel } from '../protocol';
import { EngineError } from './errors';
import { isDiffusionFolder } from './modelSource';

function sizeOf(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

function folders(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory()) : [];
}

/** Every repository with a config.json or model_index.json (any revision) in the cache, by hub id. */
export function listDownloaded(cacheDir: string): DownloadedModel[] {
  const found: DownloadedModel[] = [];
  for (const org of folders(cacheDir)) {
    for (const name of folders(join(cacheDir, org))) {
      const path = join(cacheDir, org, name);
      const revisions = [path, ...folders(path).map((rev) => join(path, rev))];
      const model = revisions.find((dir) => existsSync(join(dir, 'config.json')) || isDiffusionFolder(dir));
      if (!model) continue;
      found.push({ id: `${org}/${name}`, kind: isDiffusionFolder(model) ? 'diffusion' : 'causal-lm', sizeMB: Math.round(sizeOf(path) / 1048576), path });
    }
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** Deletes one downloaded repository (every revision); `id` must be one that listDownloaded names. */
export function deleteDownloaded(cacheDir: string, id: string): void {
  // Only a listed id (folder names read from the cache) names a path: nothing else can be deleted.
  const downloaded = listDownloaded(cacheDir);
  const model = downloaded.find((m) => m.id === id);
  if (!model) throw new EngineError(EngineErrorCode.ModelNotFound, `${id} is not a downloaded model. Downloaded: ${downloaded.map((m) => m.id).join(', ') || 'none'}.`);
  rmSync(model.path, { recursive: true, force: true });
}
