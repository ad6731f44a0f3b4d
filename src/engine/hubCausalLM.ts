// The files of a causal LM on the hub that Transformers.js reads for the chosen weights (config.json,
// the tokenizer, onnx/model_<dtype>.onnx and its external data, generation_config.json), brought into the
// cache by the engine's one hub client (hubDownload.ts) before Transformers.js loads from the cache.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseDtype, DTYPE_FILES, DTYPES, type Dtype } from '../core/weightsChoice';
import { EngineErrorCode } from '../protocol';
import { EngineError, errorMessage } from './errors';
import { cacheHubFiles, HubRepoFiles, type HubFile, type HubSource } from './hubDownload';
import type { LoadContext } from './modelManager';
import type { SourceOptions, TransformersLib } from './transformers';

/** Downloads what is missing and returns the weights chosen (`requested`, or the device's preferred ones the repository has). */
export async function cacheHubCausalLM(lib: TransformersLib, source: HubSource, context: LoadContext, common: SourceOptions['common'], requested: string): Promise<Dtype> {
  const repo = new HubRepoFiles(source, context.settings);
  const lacks = (file: string) =>
    file === 'config.json'
      ? new EngineError(EngineErrorCode.ModelNotFound, `${source.ref} was not found on ${context.settings.hubEndpoint} (no config.json). Check the hub id and revision, or the hub endpoint setting.`)
      : new EngineError(EngineErrorCode.ModelInvalid, `${source.ref} has no ${file}: it is not a causal language model exported for Transformers.js (config.json, tokenizer.json, onnx/model*.onnx). Pick another repository or export it with Optimum.`);
  // The config first: it is small, and a wrong id or revision fails here.
  await cacheHubFiles(repo, [{ name: 'config.json', required: true }], context, lacks);
  readModelJson(repo.cachePath('config.json'));
  const config = await lib.AutoConfig.from_pretrained(source.id, common);
  const dtype = await chooseHubDtype(lib, repo, context, common, requested);
  const modelFiles = (await lib.ModelRegistry.get_model_files(source.id, { config, dtype, device: context.device })) as string[];
  const files: HubFile[] = [
    ...modelFiles.map((name) => ({ name, required: name.startsWith('onnx/') })),
    { name: 'tokenizer.json', required: true },
    { name: 'tokenizer_config.json', required: false },
  ];
  await cacheHubFiles(repo, files, context, lacks);
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) if (existsSync(repo.cachePath(file))) readModelJson(repo.cachePath(file));
  return dtype;
}

/** The preferred weights the repository has (or, offline, that the cache has). */
async function chooseHubDtype(lib: TransformersLib, repo: HubRepoFiles, context: LoadContext, common: SourceOptions['common'], requested: string): Promise<Dtype> {
  const { source } = repo;
  const cached = (d: Dtype) => existsSync(repo.cachePath(join('onnx', DTYPE_FILES[d])));
  const available = context.settings.offline ? DTYPES.filter(cached) : ((await lib.ModelRegistry.get_available_dtypes(source.id, { revision: common.revision, cache_dir: common.cache_dir })) as string[]);
  try {
    return chooseDtype(available, context.device, requested);
  } catch (error) {
    throw new EngineError(EngineErrorCode.ModelInvalid, `${source.ref}: ${errorMessage(error)}`);
  }
}

/** A model's JSON file, or an error that names it (Transformers.js's parse errors name no file). */
export function readModelJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new EngineError(
      EngineErrorCode.ModelInvalid,
      `${path} is not valid JSON (${errorMessage(error).slice(0, 200)}): the file is truncated or corrupt. Re-export or re-download the model.`,
    );
  }
}
