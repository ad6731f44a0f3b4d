// The one place that talks to Transformers.js: it is loaded lazily (it pulls in ONNX Runtime),
// configured from the engine settings (hub endpoint, cache, offline), and its errors are turned
// into messages that say what to do.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EngineErrorCode, type ExecutionDevice } from '../protocol';
import { deviceLabel } from './devices';
import { EngineError, errorMessage } from './errors';
import { downloadStoppedError, hubFetch, hubRefusal, stoppedDownload } from './hubAccess';
import type { LoadContext } from './modelManager';
import type { ModelSource } from './modelSource';

export type TransformersLib = typeof import('@huggingface/transformers', { with: { 'resolution-mode': 'require' } });

let loaded: Promise<TransformersLib> | undefined;

export function loadTransformers(): Promise<TransformersLib> {
  loaded ??= Promise.resolve().then(() => require('@huggingface/transformers') as TransformersLib);
  return loaded;
}

interface ProgressInfo {
  status: string;
  progress?: number;
}

export interface SourceOptions {
  /** What to pass as `pretrained_model_name_or_path`. */
  id: string;
  device: ExecutionDevice;
  common: {
    revision: string;
    cache_dir: string;
    local_files_only: boolean;
    progress_callback: (info: ProgressInfo) => void;
  };
}

/**
 * Runs `load` with Transformers.js configured for `source` and maps its failures to clear errors.
 * Progress events drive the loading percentage (hub downloads are reported by hubDownload).
 */
export async function loadFromSource<T>(lib: TransformersLib, source: ModelSource, context: LoadContext, load: (options: SourceOptions) => Promise<T>): Promise<T> {
  const { settings } = context;
  lib.env.allowRemoteModels = !settings.offline;
  lib.env.remoteHost = settings.hubEndpoint.endsWith('/') ? settings.hubEndpoint : `${settings.hubEndpoint}/`;
  lib.env.cacheDir = settings.hubCacheDir;
  lib.env.fetch = hubFetch(settings);
  const isHub = source.kind === 'hub';
  const progress_callback = (info: ProgressInfo) => {
    if (info.status === 'progress_total' && typeof info.progress === 'number') context.progress(info.progress, 'reading weights');
  };
  const options: SourceOptions = {
    id: isHub ? source.id : source.path,
    device: context.device,
    common: {
      revision: isHub ? source.revision : 'main',
      cache_dir: settings.hubCacheDir,
      // Hub files are in the cache by then: the engine's own client (hubDownload.ts) brings them.
      local_files_only: true,
      progress_callback,
    },
  };
  try {
    return await load(options);
  } catch (error) {
    throw explainLoadError(error, source, context);
  }
}

function explainLoadError(error: unknown, source: ModelSource, context: LoadContext): Error {
  if (error instanceof EngineError) return error;
  const message = errorMessage(error);
  const { settings } = context;
  if (source.kind === 'hub') {
    const stopped = stoppedDownload(error);
    if (stopped) return downloadStoppedError(source.ref, stopped);
    if (/local_files_only=true|allowRemoteModels=false/.test(message)) {
      return new EngineError(
        EngineErrorCode.Offline,
        `${source.ref} is not in the local model cache and offline mode is on (genaiStudio.offline), so it cannot be downloaded. Turn offline mode off once to download it, or use a local folder or a shipped model.`,
      );
    }
    const refusal = hubRefusal((error as { status?: number }).status, source.ref, settings);
    if (refusal) return refusal;
    if (/\b404\b|not found|Could not locate file/i.test(message)) {
      return new EngineError(
        EngineErrorCode.ModelNotFound,
        `${source.ref} was not found on ${settings.hubEndpoint} (${firstLine(message)}). Check the hub id and revision, or the hub endpoint setting.`,
      );
    }
    if (/fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|network|socket/i.test(message)) {
      return new EngineError(
        EngineErrorCode.HubUnreachable,
        `Could not download ${source.ref}: ${settings.hubEndpoint} cannot be reached (${firstLine(message)}). Check your network or the genaiStudio.hubEndpoint setting (a mirror works), or use a local folder.`,
      );
    }
  }
  const missing = /file was not found locally at "([^"]+)"/.exec(message);
  if (source.kind === 'local' && missing) {
    return new EngineError(EngineErrorCode.ModelInvalid, `${missing[1]} is missing: the model folder ${source.path} is incomplete. Re-export or re-download the model.`);
  }
  if (/External initializer|external data/i.test(message)) {
    return new EngineError(
      EngineErrorCode.ModelInvalid,
      `The external weights of ${source.ref} (${externalDataFiles(source)}) are truncated or unreadable (${firstLine(message)}). Re-export or re-download the model.`,
    );
  }
  if (/protobuf parsing failed|Load model from .* failed|invalid model|ModelProto/i.test(message)) {
    return new EngineError(
      EngineErrorCode.ModelInvalid,
      `ONNX Runtime could not read the weights of ${source.ref} on ${deviceLabel(context.device)}: the .onnx file is corrupt or incomplete (${firstLine(message)}). Re-export or re-download it.`,
    );
  }
  if (/tokenizer/i.test(message)) {
    return new EngineError(EngineErrorCode.ModelInvalid, `The tokenizer of ${source.ref} could not be loaded: ${firstLine(message)}`);
  }
  return error instanceof Error ? error : new Error(message);
}

/** The .onnx_data files (weights stored beside a graph) that a model folder holds, for error messages. */
function externalDataFiles(source: ModelSource): string {
  const dir = source.kind === 'local' ? join(source.path, 'onnx') : undefined;
  const files = dir && existsSync(dir) ? readdirSync(dir).filter((name) => /\.onnx_data(_\d+)?$/.test(name)) : [];
  return files.length > 0 ? files.map((name) => `onnx/${name}`).join(', ') : 'the onnx/*.onnx_data files';
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}
