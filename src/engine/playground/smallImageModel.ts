// The playground's small image models (the VAE and the GAN): a folder with config.json naming one ONNX
// file per role (encoder/decoder, generator/discriminator), greyscale images in [0, 1].
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { greyToRgb } from '../../core/playground/demoMath';
import { toRgbImage } from '../../core/image/rgbImage';
import { EngineErrorCode, type RgbImage } from '../../protocol';
import { createComponent, type Component } from '../diffusion/diffusionModel';
import { EngineError, errorMessage } from '../errors';
import type { LoadContext, LoadedModel, ModelLoader } from '../modelManager';
import type { ModelSource } from '../modelSource';

export interface SmallImageModel extends LoadedModel {
  readonly folder: string;
  readonly config: Record<string, unknown>;
  /** Image side in pixels (one channel). */
  readonly size: number;
  readonly components: Record<string, Component>;
  /** Runs one role's graph on a float32 batch and returns its output. */
  run(role: string, input: Float32Array, dims: number[]): Promise<Float32Array>;
}

export class SmallImageModelLoader implements ModelLoader<SmallImageModel> {
  constructor(
    readonly kind: string,
    private readonly roles: readonly string[],
  ) {}

  async load(source: ModelSource, context: LoadContext): Promise<SmallImageModel> {
    if (source.kind !== 'local') throw new EngineError(EngineErrorCode.ModelNotFound, `The ${this.kind} demo runs a local folder such as the shipped genai-${this.kind}-tiny; ${source.ref} is a hub id.`);
    const folder = source.path;
    const config = readConfig(folder, source.ref);
    const components: Record<string, Component> = {};
    let sizeBytes = 0;
    for (const role of this.roles) {
      const file = (config[role] as { file?: unknown } | undefined)?.file;
      const path = typeof file === 'string' ? join(folder, file) : '';
      if (!path || !existsSync(path)) throw new EngineError(EngineErrorCode.ModelInvalid, `${source.ref} has no ${role} model: config.json must name it as ${role}.file and the file must exist. Re-run tools/train-playground-models.sh.`);
      context.progress(10 + (80 * Object.keys(components).length) / this.roles.length, `loading ${role}`);
      components[role] = await createComponent(path, context, 'image', source.ref);
      sizeBytes += statSync(path).size;
    }
    const size = typeof config.image_size === 'number' ? config.image_size : 32;
    return {
      folder,
      config,
      size,
      components,
      sizeMB: sizeBytes / 1e6,
      async run(role, input, dims) {
        const component = components[role];
        const feeds = { [component.session.inputNames[0]]: new ort.Tensor('float32', input, dims) };
        const outputs = await component.session.run(feeds);
        return outputs[component.session.outputNames[0]].data as Float32Array;
      },
      async dispose() {
        await Promise.all(Object.values(components).map((c) => c.session.release()));
      },
    };
  }
}

function readConfig(folder: string, ref: string): Record<string, unknown> {
  const path = join(folder, 'config.json');
  if (!existsSync(path)) throw new EngineError(EngineErrorCode.ModelInvalid, `${ref} has no config.json; a playground model folder needs one (see models/genai-vae-tiny).`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new EngineError(EngineErrorCode.ModelInvalid, `${path} is not valid JSON (${errorMessage(error)}).`);
  }
}

/** One greyscale image (values in [0, 1]). */
export function greyImage(values: ArrayLike<number>, size: number): RgbImage {
  return toRgbImage(greyToRgb(values), size, size);
}

/** Splits a batch output into per-image arrays of `length` values. */
export function rows(data: Float32Array, length: number): Float32Array[] {
  return Array.from({ length: data.length / length }, (_, i) => data.subarray(i * length, (i + 1) * length));
}
