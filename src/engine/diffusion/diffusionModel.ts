// Loads a Stable-Diffusion-format ONNX folder (model_index.json, tokenizer/, text_encoder/, unet/,
// vae_decoder/, scheduler/) as one model of the ModelManager: sessions on the chosen device, input
// names and dtypes read from the sessions, the variant detected, the configs turned into facts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DiffusionModelFacts } from '../../core/diffusion/params';
import type { SchedulerConfig } from '../../core/diffusion/schedulers';
import { detectVariant } from '../../core/diffusion/variant';
import { EngineErrorCode } from '../../protocol';
import { deviceLabel } from '../devices';
import { EngineError, errorMessage } from '../errors';
import type { LoadContext, LoadedModel, ModelLoader } from '../modelManager';
import type { ModelSource } from '../modelSource';
import type { TransformersLib } from '../transformers';
import { loadClipTokenizer, type ClipTokenizer } from './clipTokenizer';
import { cacheDiffusionRepo } from './hubFiles';

/** A session and what its inputs expect. */
export interface Component {
  session: ort.InferenceSession;
  inputs: Map<string, ort.InferenceSession.TensorValueMetadata>;
  /** The output the pipeline reads (by its usual name, else the first). */
  output: string;
}

export interface DiffusionModel extends LoadedModel, DiffusionModelFacts {
  readonly name: string;
  readonly tokenizer: ClipTokenizer;
  readonly textEncoder: Component;
  readonly unet: Component;
  readonly vaeDecoder: Component;
  readonly latentChannels: number;
  /** Pixels per latent cell. */
  readonly vaeFactor: number;
  readonly scalingFactor: number;
  /** Width of LCM's guidance embedding (`timestep_cond`); 0 when the UNet has no such input. */
  readonly timeCondDim: number;
}

/** The folders a diffusers ONNX export must have, with the file each holds. */
const COMPONENTS = { textEncoder: 'text_encoder', unet: 'unet', vaeDecoder: 'vae_decoder' } as const;
const USUAL_OUTPUTS = { textEncoder: 'last_hidden_state', unet: 'out_sample', vaeDecoder: 'sample' } as const;
/**
 * Graphs smaller than this run on one CPU thread: their operators are so small that splitting them
 * across ORT's thread pool costs more than it saves (measured here: 20-step generations of the
 * shipped model took 22 ms on one thread and 126 ms on the default pool on a busy 2-core machine).
 */
const SINGLE_THREAD_BELOW_BYTES = 32 * 1048576;
const LAYOUT_HINT = 'A Stable-Diffusion ONNX folder has model_index.json, tokenizer/, text_encoder/model.onnx, unet/model.onnx, vae_decoder/model.onnx and scheduler/scheduler_config.json (e.g. an Optimum or diffusers ONNX export).';

export class DiffusionLoader implements ModelLoader<DiffusionModel> {
  readonly kind = 'diffusion';

  constructor(private readonly transformers: () => Promise<TransformersLib>) {}

  async load(source: ModelSource, context: LoadContext): Promise<DiffusionModel> {
    const folder = source.kind === 'hub' ? await cacheDiffusionRepo(source, context) : source.path;
    return this.loadFolder(source.ref, folder, context);
  }

  private async loadFolder(ref: string, folder: string, context: LoadContext): Promise<DiffusionModel> {
    const modelIndex = checkLayout(folder);
    const lib = await this.transformers();
    context.progress(5, 'reading the tokenizer');
    const textConfig = optionalJson(join(folder, 'text_encoder', 'config.json'));
    const unetConfig = optionalJson(join(folder, 'unet', 'config.json'));
    const vaeConfig = optionalJson(join(folder, 'vae_decoder', 'config.json'));
    const schedulerConfig = optionalJson(join(folder, 'scheduler', 'scheduler_config.json')) as SchedulerConfig;
    const components: Partial<Record<keyof typeof COMPONENTS, Component>> = {};
    try {
      let done = 0;
      for (const [key, dir] of Object.entries(COMPONENTS) as [keyof typeof COMPONENTS, string][]) {
        context.progress(10 + (80 * done++) / 3, `loading ${dir}`);
        components[key] = await createComponent(join(folder, dir, 'model.onnx'), context, USUAL_OUTPUTS[key], ref, key === 'textEncoder');
      }
      const { textEncoder, unet, vaeDecoder } = components as Record<keyof typeof COMPONENTS, Component>;
      const maxPositions = numberOr(textConfig.max_position_embeddings, fixedDim(textEncoder, 'input_ids', 1) ?? 77);
      const tokenizer = loadClipTokenizer(lib, folder, maxPositions);
      checkInputs(unet, ['sample', 'timestep', 'encoder_hidden_states'], 'unet', ref);
      checkInputs(textEncoder, ['input_ids'], 'text_encoder', ref);
      checkInputs(vaeDecoder, ['latent_sample'], 'vae_decoder', ref);
      checkFloat32([[unet, 'sample'], [unet, 'encoder_hidden_states'], [vaeDecoder, 'latent_sample']], ref);
      const variant = detectVariant({ modelIndex, schedulerConfig, unetInputNames: [...unet.inputs.keys()] });
      const vaeFactor = 2 ** (arrayLength(vaeConfig.block_out_channels, 4) - 1);
      const unetDownsampling = 2 ** (arrayLength(unetConfig.block_out_channels, 4) - 1);
      const timeCondDim = unet.inputs.has('timestep_cond') ? numberOr(unetConfig.time_cond_proj_dim, fixedDim(unet, 'timestep_cond', 1) ?? 256) : 0;
      const sizeMB = Object.values(COMPONENTS).reduce((sum, dir) => sum + weightBytes(join(folder, dir)), 0) / 1048576;
      context.log(`${ref}: ${variant} pipeline, ${vaeFactor}x VAE, UNet downsampling ${unetDownsampling}, text up to ${tokenizer.maxLength} tokens`);
      return {
        name: ref,
        variant,
        schedulerConfig,
        sizeMultiple: vaeFactor * unetDownsampling,
        defaultSize: numberOr(unetConfig.sample_size, 64) * vaeFactor,
        tokenizer,
        textEncoder,
        unet,
        vaeDecoder,
        latentChannels: numberOr(unetConfig.in_channels, 4),
        vaeFactor,
        scalingFactor: numberOr(vaeConfig.scaling_factor, 0.18215),
        timeCondDim,
        sizeMB,
        dispose: async () => {
          for (const component of [textEncoder, unet, vaeDecoder]) await component.session.release();
        },
      };
    } catch (error) {
      for (const component of Object.values(components)) await component.session.release();
      throw error;
    }
  }
}

/** model_index.json and the component files, with errors that say which part is missing. */
function checkLayout(folder: string): Record<string, unknown> {
  const indexPath = join(folder, 'model_index.json');
  if (!existsSync(indexPath)) {
    const textModel = existsSync(join(folder, 'config.json')) ? ' It looks like a text model (it has config.json): pick it for text, not images.' : '';
    throw new EngineError(EngineErrorCode.ModelInvalid, `${folder} is not a diffusion model: model_index.json is missing.${textModel} ${LAYOUT_HINT}`);
  }
  const index = optionalJson(indexPath);
  if (!('unet' in index) || !('text_encoder' in index)) {
    throw new EngineError(EngineErrorCode.ModelInvalid, `${indexPath} does not describe a Stable-Diffusion pipeline (no unet or text_encoder entry). ${LAYOUT_HINT}`);
  }
  for (const [key, dir] of Object.entries(COMPONENTS)) {
    const file = join(folder, dir, 'model.onnx');
    if (!existsSync(file)) {
      const label = key === 'unet' ? 'The UNet' : key === 'textEncoder' ? 'The text encoder' : 'The VAE decoder';
      throw new EngineError(EngineErrorCode.ModelInvalid, `${label} is missing: ${file} does not exist. Copy the whole export; ${LAYOUT_HINT}`);
    }
  }
  return index;
}

/** Where a component's session runs: the device and the provider configuration ONNX Runtime takes. */
export type Placement = Pick<LoadContext, 'device' | 'executionProvider'>;

/**
 * How the pipeline creates a component's session (the benchmark's baseline uses the same).
 * `outputStaysOnDevice`: on WebGPU the output stays in a GPU buffer (the text encoder's hidden
 * states, fed to every UNet step, are then uploaded once, not once per step).
 */
export function sessionOptions(file: string, placement: Placement, outputStaysOnDevice = false): ort.InferenceSession.SessionOptions {
  const { device } = placement;
  const small = device === 'cpu' && statSync(file).size < SINGLE_THREAD_BELOW_BYTES;
  return {
    executionProviders: [placement.executionProvider],
    ...(small ? { intraOpNumThreads: 1 } : {}),
    ...(outputStaysOnDevice && device === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
  };
}

export async function createComponent(file: string, placement: Placement, usualOutput: string, ref: string, outputStaysOnDevice = false): Promise<Component> {
  const { device } = placement;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, sessionOptions(file, placement, outputStaysOnDevice));
  } catch (error) {
    const message = errorMessage(error);
    if (/protobuf parsing failed|Load model from .* failed|invalid model|ModelProto|No graph was found/i.test(message)) {
      throw new EngineError(EngineErrorCode.ModelInvalid, `ONNX Runtime could not read ${file} of ${ref} on ${deviceLabel(device)}: the file is corrupt or incomplete (${message.split('\n')[0].slice(0, 200)}). Re-export or re-download it.`);
    }
    throw error;
  }
  const inputs = new Map<string, ort.InferenceSession.TensorValueMetadata>();
  for (const meta of session.inputMetadata) if (meta.isTensor) inputs.set(meta.name, meta);
  const output = session.outputNames.includes(usualOutput) ? usualOutput : session.outputNames[0];
  return { session, inputs, output };
}

function checkInputs(component: Component, names: string[], dir: string, ref: string): void {
  const missing = names.filter((n) => !component.inputs.has(n));
  if (missing.length > 0) {
    throw new EngineError(
      EngineErrorCode.ModelInvalid,
      `${dir}/model.onnx of ${ref} has no input ${missing.join(', ')} (it has ${[...component.inputs.keys()].join(', ')}); it is not a diffusers-style export.`,
    );
  }
}

/** Values the pipeline computes in float32 must be declared float32 (fp16 exports are not supported yet). */
function checkFloat32(inputs: [Component, string][], ref: string): void {
  for (const [component, name] of inputs) {
    const type = component.inputs.get(name)!.type;
    if (type !== 'float32') {
      throw new EngineError(EngineErrorCode.ModelInvalid, `${ref} takes ${name} as ${type}; GenAI Studio runs float32 diffusion exports only. Use the fp32 export of this model.`);
    }
  }
}

/** model.onnx with its external weights, if any (large exports keep them beside the graph). */
function weightBytes(dir: string): number {
  return ['model.onnx', 'model.onnx_data', 'weights.pb'].reduce((sum, file) => sum + (existsSync(join(dir, file)) ? statSync(join(dir, file)).size : 0), 0);
}

function optionalJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new EngineError(EngineErrorCode.ModelInvalid, `${path} is not valid JSON (${errorMessage(error)}). Re-export the model.`);
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function arrayLength(value: unknown, fallback: number): number {
  return Array.isArray(value) && value.length > 0 ? value.length : fallback;
}

/** A dimension of an input that the graph fixes to a number, if it does. */
function fixedDim(component: Component, input: string, axis: number): number | undefined {
  const dim = component.inputs.get(input)?.shape[axis];
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}
