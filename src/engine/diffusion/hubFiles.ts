// The files of a Stable-Diffusion ONNX repository (model_index.json, text_encoder/, unet/, vae_decoder/,
// the scheduler and tokenizer folders), brought from the hub into the cache by the engine's one hub
// client (hubDownload.ts); the loader then reads the cached folder like a local one.
import { existsSync } from 'node:fs';
import { EngineErrorCode, type EngineSettings } from '../../protocol';
import { EngineError } from '../errors';
import { cacheHubFiles, HubRepoFiles, type HubSource } from '../hubDownload';
import type { LoadContext } from '../modelManager';

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
export function cacheDiffusionRepo(source: HubSource, context: LoadContext): Promise<string> {
  const files = [...REQUIRED.map((name) => ({ name, required: true })), ...OPTIONAL.map((name) => ({ name, required: false }))];
  return cacheHubFiles(new HubRepoFiles(source, context.settings), files, context, (file) =>
    file === 'model_index.json'
      ? new EngineError(EngineErrorCode.ModelNotFound, `${source.ref} was not found on ${context.settings.hubEndpoint} (no model_index.json). Check the hub id and revision, or the hub endpoint setting.`)
      : new EngineError(EngineErrorCode.ModelInvalid, `${source.ref} has no ${file}: it is not a Stable-Diffusion ONNX export. Pick a repository with model_index.json, text_encoder/, unet/ and vae_decoder/ ONNX files.`),
  );
}

/**
 * Whether a hub repository is a Stable-Diffusion export (it has model_index.json): from the cache, else
 * by fetching that small file into it. Unknown (offline and not cached, or the hub unreachable) counts
 * as no: the other loader then reports what is wrong.
 */
export async function isDiffusionRepo(source: HubSource, settings: EngineSettings): Promise<boolean> {
  const repo = new HubRepoFiles(source, settings);
  if (existsSync(repo.cachePath('model_index.json'))) return true;
  if (settings.offline) return false;
  try {
    return await repo.fetch('model_index.json');
  } catch {
    return false;
  }
}
