// Turns a model reference into where its files come from: a local folder, or a hub id that
// Transformers.js downloads into the hub cache.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { parseModelRef } from '../core/modelRef';
import { EngineErrorCode, type EngineSettings } from '../protocol';
import { EngineError } from './errors';

export type ModelSource =
  | { kind: 'local'; ref: string; path: string }
  | { kind: 'hub'; ref: string; id: string; revision: string };

export function resolveModelSource(ref: string, settings: EngineSettings): ModelSource {
  let parsed;
  try {
    parsed = parseModelRef(ref, homedir());
  } catch (error) {
    throw new EngineError(EngineErrorCode.ModelNotFound, (error as Error).message);
  }
  switch (parsed.kind) {
    case 'remote':
      throw new EngineError(EngineErrorCode.BadRequest, `${ref} is an inference server, not model files: it does not load in the engine (this feature cannot use a server).`);
    case 'hub':
      return { kind: 'hub', ref, id: parsed.id, revision: parsed.revision };
    case 'shipped': {
      const path = join(settings.shippedModelsDir, parsed.name);
      if (!existsSync(path)) {
        const names = listShippedModelNames(settings.shippedModelsDir);
        throw new EngineError(
          EngineErrorCode.ModelNotFound,
          `There is no shipped model named "${parsed.name}". Shipped models: ${names.join(', ') || 'none'}. Use one of them, an absolute folder, or a hub id like org/name.`,
        );
      }
      return { kind: 'local', ref, path };
    }
    case 'folder': {
      if (!existsSync(parsed.path)) {
        throw new EngineError(EngineErrorCode.ModelNotFound, `The model folder ${parsed.path} does not exist. Check the path in your settings.`);
      }
      if (!statSync(parsed.path).isDirectory()) {
        throw new EngineError(EngineErrorCode.ModelNotFound, `${parsed.path} is a file, not a model folder. Point the setting at the folder that holds config.json.`);
      }
      refuseUntrusted(parsed.path, settings.untrustedFolders ?? []);
      return { kind: 'local', ref, path: parsed.path };
    }
  }
}

/** A model folder inside an untrusted workspace (symbolic links followed) is refused: its files come with the workspace. */
function refuseUntrusted(path: string, untrustedFolders: string[]): void {
  const real = realpathSync(path);
  for (const folder of untrustedFolders) {
    const root = existsSync(folder) ? realpathSync(folder) : folder;
    const within = relative(root, real);
    if (within === '' || (!within.startsWith('..') && !isAbsolute(within))) {
      throw new EngineError(
        EngineErrorCode.Untrusted,
        `${path} is inside the workspace folder ${folder}, which is not trusted, so GenAI Studio loads no model from it. Trust the workspace (Workspaces: Manage Workspace Trust), or move the model out of it.`,
      );
    }
  }
}

export function listShippedModelNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory() && (existsSync(join(dir, name, 'config.json')) || isDiffusionFolder(join(dir, name))))
    .sort();
}

/** A Stable-Diffusion-format folder (text to image) rather than a causal LM. */
export function isDiffusionFolder(path: string): boolean {
  return existsSync(join(path, 'model_index.json'));
}

/** Where Transformers.js's file cache keeps a hub file (its key layout). */
export function hubCachePath(cacheDir: string, source: Extract<ModelSource, { kind: 'hub' }>, file: string): string {
  return source.revision === 'main' ? join(cacheDir, source.id, file) : join(cacheDir, source.id, source.revision, file);
}
