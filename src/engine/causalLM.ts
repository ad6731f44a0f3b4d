// Loads a causal language model (Transformers.js layout: config.json, tokenizer.json,
// onnx/model*.onnx) through Transformers.js, from a folder or the hub, on the chosen device.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import { fimTokensOf } from '../core/completion/fimFormats';
import { memoizeLru } from '../core/memo';
import { DraftGate } from '../core/promptLookup';
import { chooseDtype, DTYPE_FILES, type Dtype } from '../core/weightsChoice';
import { EngineErrorCode, type ExecutionDevice } from '../protocol';
import { EngineError, errorMessage } from './errors';
import { APPEND_KV_FILE, AppendKvDecoder } from './appendKvDecoder';
import type { Decoder } from './decoder';
import { DeviceKvSlicer } from './kvSlice';
import { PresentKvDecoder } from './presentKvDecoder';
import type { LoadContext, LoadedModel, ModelLoader } from './modelManager';
import { hubCachePath, type ModelSource } from './modelSource';
import { cacheHubCausalLM, readModelJson } from './hubCausalLM';
import { loadFromSource, type TransformersLib } from './transformers';

export interface CausalLM extends LoadedModel {
  readonly name: string;
  readonly session: ort.InferenceSession;
  readonly tokenizer: Tokenizer;
  readonly config: ModelConfig;
  /** Token ids that end a generation. */
  readonly eosTokenIds: ReadonlySet<number>;
  /** The FIM marker tokens the tokenizer encodes as one token: how FIM formats are detected. */
  readonly fimTokens: ReadonlySet<string>;
  /** Forward passes that keep the keys/values of the last prompt, resumed by the next generation. */
  readonly decoder: Decoder;
  /** Whether prompt-lookup guesses pay for this model (see DraftGate). */
  readonly drafts: DraftGate;
  /** Token count of a text (memoized: prompts re-count the same pieces on every keystroke). */
  countTokens(text: string): number;
}

/** The subset of a Transformers.js tokenizer the engine uses. */
export interface Tokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
}

export interface ModelConfig {
  model_type: string;
  /** Longest sequence the position embeddings allow. */
  maxPositions: number;
  [key: string]: unknown;
}

/** The precisions a local folder is searched for, in the order its error message lists them. */
const LOCAL_ORDER: Dtype[] = ['fp32', 'q8', 'int8', 'fp16', 'q4', 'q4f16'];

export class CausalLMLoader implements ModelLoader<CausalLM> {
  readonly kind = 'causal-lm';

  constructor(private readonly transformers: () => Promise<TransformersLib>) {}

  async load(source: ModelSource, context: LoadContext): Promise<CausalLM> {
    const lib = await this.transformers();
    const requested = context.settings.dtypes?.[source.ref] ?? 'auto';
    let dtype: Dtype = source.kind === 'local' ? checkLocalFolder(source, requested, context.device) : 'q8';
    const { model, tokenizer } = await loadFromSource(lib, source, context, async (options) => {
      if (source.kind === 'hub') dtype = await cacheHubCausalLM(lib, source, context, options.common, requested);
      return {
        tokenizer: await lib.AutoTokenizer.from_pretrained(options.id, options.common),
        model: await lib.AutoModelForCausalLM.from_pretrained(options.id, {
          ...options.common,
          device: options.device,
          dtype,
          session_options: { executionProviders: [context.executionProvider] },
        }),
      };
    });
    const session = (model as unknown as { sessions: Record<string, ort.InferenceSession> }).sessions.model;
    if (!session) throw new EngineError(EngineErrorCode.ModelInvalid, `${source.ref} has no decoder session (onnx/model*.onnx); it is not a causal language model.`);
    const rawConfig = (model as unknown as { config: Record<string, unknown> }).config;
    const weightsFile = DTYPE_FILES[dtype];
    const decoder = await chooseDecoder(source, dtype, session, context);
    return {
      name: source.ref,
      session,
      tokenizer: tokenizer as unknown as Tokenizer,
      config: { ...rawConfig, model_type: String(rawConfig.model_type), maxPositions: maxPositions(rawConfig) },
      eosTokenIds: eosIds(rawConfig, source, context),
      fimTokens: fimTokensOf((text) => (tokenizer as unknown as Tokenizer).encode(text, { add_special_tokens: false })),
      decoder,
      drafts: new DraftGate(),
      countTokens: memoizeLru((text) => (tokenizer as unknown as Tokenizer).encode(text, { add_special_tokens: false }).length, 512),
      sizeMB: weightsSizeMB(source, context, weightsFile) * (decoder instanceof AppendKvDecoder ? 2 : 1),
      weights: `onnx/${weightsFile}`,
      dispose: async () => {
        await decoder.dispose();
        await (model as unknown as { dispose(): Promise<unknown> }).dispose();
      },
    };
  }
}

/**
 * The append-KV graph for fp32 weights on the CPU when the folder has one (tools/code-model/append_kv.py
 * writes it for the shipped model); otherwise passes through the Transformers.js session, whose
 * keys/values stay on the GPU between passes on WebGPU (so shortening them must happen there too).
 */
async function chooseDecoder(source: ModelSource, dtype: Dtype, session: ort.InferenceSession, context: LoadContext): Promise<Decoder> {
  const appendKv = source.kind === 'local' ? join(source.path, 'onnx', APPEND_KV_FILE) : undefined;
  if (appendKv && dtype === 'fp32' && context.device === 'cpu' && existsSync(appendKv)) {
    context.log(`${source.ref}: decoding with onnx/${APPEND_KV_FILE} (keys/values appended in place, not copied on every pass)`);
    return AppendKvDecoder.load(appendKv, context.executionProvider);
  }
  return new PresentKvDecoder(session, context.device === 'webgpu' ? new DeviceKvSlicer(context.executionProvider) : undefined);
}

/** Clear errors for the common ways a local folder is not a usable causal LM. */
function checkLocalFolder(source: Extract<ModelSource, { kind: 'local' }>, requested: string, device: ExecutionDevice): Dtype {
  const { path } = source;
  if (!existsSync(join(path, 'config.json'))) {
    throw new EngineError(
      EngineErrorCode.ModelInvalid,
      `${path} is not a model folder: config.json is missing. Choose the folder that holds config.json, tokenizer.json and onnx/.`,
    );
  }
  if (!existsSync(join(path, 'tokenizer.json'))) {
    throw new EngineError(
      EngineErrorCode.ModelInvalid,
      `The tokenizer is missing: ${join(path, 'tokenizer.json')} does not exist. Export the model with its tokenizer (tokenizer.json and tokenizer_config.json), e.g. with Hugging Face Optimum.`,
    );
  }
  if (!existsSync(join(path, 'tokenizer_config.json'))) {
    throw new EngineError(EngineErrorCode.ModelInvalid, `${join(path, 'tokenizer_config.json')} is missing; Transformers.js needs it next to tokenizer.json.`);
  }
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) readModelJson(join(path, file));
  const present = LOCAL_ORDER.filter((d) => existsSync(join(path, 'onnx', DTYPE_FILES[d])));
  if (present.length === 0) {
    throw new EngineError(
      EngineErrorCode.ModelInvalid,
      `No ONNX weights in ${join(path, 'onnx')}: expected one of ${LOCAL_ORDER.map((d) => DTYPE_FILES[d]).join(', ')}. Export the model to ONNX (Transformers.js layout) first.`,
    );
  }
  // With `auto`, a folder runs what a hub repository would, except where the append-KV graph (fp32 only)
  // makes fp32 the fast choice on the CPU: elsewhere 8-bit decodes about 2x faster there at real size, in a third of
  // the memory (bench/RESULTS.md).
  if (requested === 'auto' && device === 'cpu' && present.includes('fp32') && existsSync(join(path, 'onnx', APPEND_KV_FILE))) return 'fp32';
  try {
    return chooseDtype(present, device, requested);
  } catch (error) {
    throw new EngineError(EngineErrorCode.ModelInvalid, `${source.ref}: ${errorMessage(error)}`);
  }
}

/** The longest sequence a model's position embeddings allow, from its config.json. */
export function maxPositions(config: Record<string, unknown>): number {
  const value = config.n_positions ?? config.max_position_embeddings ?? config.n_ctx;
  return typeof value === 'number' ? value : 2048;
}

function eosIds(config: Record<string, unknown>, source: ModelSource, context: LoadContext): Set<number> {
  const ids = new Set<number>();
  const add = (value: unknown) => {
    if (typeof value === 'number') ids.add(value);
    else if (Array.isArray(value)) value.forEach(add);
  };
  add(config.eos_token_id);
  const generationConfig = source.kind === 'local' ? join(source.path, 'generation_config.json') : hubCachePath(context.settings.hubCacheDir, source, 'generation_config.json');
  if (existsSync(generationConfig)) {
    try {
      add((JSON.parse(readFileSync(generationConfig, 'utf8')) as Record<string, unknown>).eos_token_id);
    } catch (error) {
      context.log(`Ignoring unreadable ${generationConfig}: ${errorMessage(error)}`);
    }
  }
  return ids;
}

function weightsSizeMB(source: ModelSource, context: LoadContext, file: string): number {
  const path = source.kind === 'local' ? join(source.path, 'onnx', file) : hubCachePath(context.settings.hubCacheDir, source, join('onnx', file));
  let bytes = existsSync(path) ? statSync(path).size : 0;
  const external = `${path}_data`;
  if (existsSync(external)) bytes += statSync(external).size;
  return bytes / (1024 * 1024);
}

