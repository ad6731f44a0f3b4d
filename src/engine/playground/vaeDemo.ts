// The VAE demo: decode a point of the 2-D latent space, sample the prior, interpolate between two
// examples' encodings, or encode the shipped examples with their reconstruction error.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GaussianNoise } from '../../core/diffusion/noise';
import { lerp, meanSquaredError } from '../../core/playground/demoMath';
import { EngineErrorCode, type VaeDemoParams, type VaeDemoResult } from '../../protocol';
import { EngineError } from '../errors';
import { SmallImageModelLoader, greyImage, rows, type SmallImageModel } from './smallImageModel';

export const vaeLoader = new SmallImageModelLoader('vae', ['encoder', 'decoder']);

export interface ShapeExample {
  name: string;
  /** Row-major pixels in [0, 1]. */
  image: number[];
}

/** The held-out examples the model folder ships (config.json `examples`). */
export function readExamples(model: SmallImageModel): ShapeExample[] {
  const file = typeof model.config.examples === 'string' ? join(model.folder, model.config.examples) : '';
  if (!file || !existsSync(file)) throw new EngineError(EngineErrorCode.ModelInvalid, `${model.folder} ships no examples (config.json "examples" names the file).`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { examples: ShapeExample[] }).examples;
}

export async function runVaeDemo(model: SmallImageModel, params: VaeDemoParams): Promise<Omit<VaeDemoResult, 'ms'>> {
  const dim = typeof model.config.latent_dim === 'number' ? model.config.latent_dim : 2;
  switch (params.action) {
    case 'decode':
      if (params.latent.length !== dim || !params.latent.every(Number.isFinite)) throw new EngineError(EngineErrorCode.BadRequest, `A latent point of this VAE has ${dim} finite numbers; got [${params.latent.join(', ')}].`);
      return decode(model, [params.latent]);
    case 'sample': {
      const noise = new GaussianNoise(params.seed);
      return decode(model, Array.from({ length: params.count }, () => Array.from(noise.gaussian(dim))));
    }
    case 'interpolate': {
      const [from, to] = (await encode(model, [example(model, params.from), example(model, params.to)])).means;
      return decode(model, [lerp(from, to, params.t)]);
    }
    case 'examples': {
      const examples = readExamples(model);
      const { means } = await encode(model, examples);
      const pixels = await decodePixels(model, means);
      return {
        images: pixels.map((p) => greyImage(p, model.size)),
        latents: means,
        examples: examples.map((e, i) => ({ name: e.name, image: greyImage(e.image, model.size), reconstructionError: meanSquaredError(e.image, pixels[i]) })),
      };
    }
  }
}

function example(model: SmallImageModel, name: string): ShapeExample {
  const examples = readExamples(model);
  const found = examples.find((e) => e.name === name);
  if (!found) throw new EngineError(EngineErrorCode.BadRequest, `There is no example "${name}"; the examples are ${examples.map((e) => e.name).join(', ')}.`);
  return found;
}

/** The encoder's means (the sampled part of a VAE's encoding is left out: the demo shows the centre). */
async function encode(model: SmallImageModel, examples: ShapeExample[]): Promise<{ means: number[][] }> {
  const pixels = model.size * model.size;
  const input = new Float32Array(examples.length * pixels);
  examples.forEach((e, i) => input.set(e.image, i * pixels));
  const encoder = model.components.encoder;
  const outputs = await encoder.session.run({ [encoder.session.inputNames[0]]: new ort.Tensor('float32', input, [examples.length, 1, model.size, model.size]) });
  const mean = outputs.mean ?? outputs[encoder.session.outputNames[0]];
  const dim = mean.dims[1];
  return { means: rows(mean.data as Float32Array, dim).map((row) => Array.from(row)) };
}

async function decodePixels(model: SmallImageModel, latents: number[][]): Promise<Float32Array[]> {
  const dim = latents[0].length;
  const out = await model.run('decoder', Float32Array.from(latents.flat()), [latents.length, dim]);
  return rows(out, model.size * model.size);
}

async function decode(model: SmallImageModel, latents: number[][]): Promise<Omit<VaeDemoResult, 'ms'>> {
  const pixels = await decodePixels(model, latents);
  return { images: pixels.map((p) => greyImage(p, model.size)), latents };
}
