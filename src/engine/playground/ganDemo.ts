// The GAN demo: images from fresh noise, and the discriminator's scores for them, for real examples
// and for uniform random pixels (the generator's starting point).
import { GaussianNoise } from '../../core/diffusion/noise';
import type { GanDemoParams, GanDemoResult, ScoredImage } from '../../protocol';
import { SmallImageModelLoader, greyImage, rows, type SmallImageModel } from './smallImageModel';
import type { ShapeExample } from './vaeDemo';

export const ganLoader = new SmallImageModelLoader('gan', ['generator', 'discriminator']);

/** `real` are training-distribution images (the VAE's shipped examples: the same procedural shapes). */
export async function runGanDemo(model: SmallImageModel, params: GanDemoParams, real: ShapeExample[]): Promise<Omit<GanDemoResult, 'ms'>> {
  const noiseDim = typeof model.config.noise_dim === 'number' ? model.config.noise_dim : 32;
  const pixels = model.size * model.size;
  const noise = new GaussianNoise(params.seed);
  const z = Float32Array.from(noise.gaussian(params.count * noiseDim));
  const generated = rows(await model.run('generator', z, [params.count, noiseDim]), pixels);
  const uniform = Array.from({ length: params.count }, () => Float32Array.from({ length: pixels }, () => noise.uniform()));
  const realImages = Array.from({ length: params.count }, (_, i) => Float32Array.from(real[i % real.length].image));
  const score = async (images: Float32Array[]): Promise<ScoredImage[]> => {
    const batch = new Float32Array(images.length * pixels);
    images.forEach((image, i) => batch.set(image, i * pixels));
    const scores = await model.run('discriminator', batch, [images.length, 1, model.size, model.size]);
    return images.map((image, i) => ({ image: greyImage(image, model.size), score: scores[i] }));
  };
  return { generated: await score(generated), real: await score(realImages), noise: await score(uniform) };
}
