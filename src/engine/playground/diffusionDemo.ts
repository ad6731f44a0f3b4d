// The diffusion demo: one generation of the text-to-image model with x_t kept before every step (the
// learned reverse process), and the forward process applied to its result at the same timesteps.
import { GaussianNoise } from '../../core/diffusion/noise';
import { CancelledError } from '../../core/jobScheduler';
import { alphasCumprod, createScheduler } from '../../core/diffusion/schedulers';
import { forwardNoise } from '../../core/playground/demoMath';
import type { DiffusionDemoParams, DiffusionDemoResult } from '../../protocol';
import type { DiffusionModel } from '../diffusion/diffusionModel';
import { decodeLatents, generateImages, type GenerationHooks } from '../diffusion/imagePipeline';

export async function runDiffusionDemo(
  model: DiffusionModel,
  params: DiffusionDemoParams,
  hooks: Omit<GenerationHooks, 'progress' | 'onLatents'>,
): Promise<Omit<DiffusionDemoResult, 'ms'>> {
  const states: Float64Array[] = [];
  const generation = await generateImages(
    model,
    { jobId: 'playground', model: params.model ?? '', prompt: params.prompt, seed: params.seed, steps: params.steps, count: 1 },
    { ...hooks, progress: () => undefined, onLatents: (step, latents) => (states[step] = latents) },
  );
  if (generation.finishReason === 'cancelled') throw new CancelledError();
  const { width, height, steps, scheduler } = generation.params;
  const x0 = states[steps];
  const timesteps = [...createScheduler(scheduler, model.schedulerConfig, steps).timesteps];
  const acp = alphasCumprod(model.schedulerConfig);
  const alphas = timesteps.map((t) => acp[Math.round(t)]);
  // A different seed from the reverse process's starting noise, so the two paths differ visibly.
  const eps = new GaussianNoise((params.seed + 1) >>> 0).gaussian(x0.length);
  const forwardLatents = alphas.map((a) => forwardNoise(x0, eps, a));
  const decode = (latents: Float64Array) => hooks.runPass(() => decodeLatents(model, latents, width, height));
  const reverse = [];
  for (const latents of states.slice(0, steps)) reverse.push(await decode(latents));
  const forward = [];
  for (const latents of forwardLatents) forward.push(await decode(latents));
  return {
    timesteps,
    alphasCumprod: alphas,
    reverse,
    forward,
    image: generation.images[0],
    ...(params.withLatents ? { latents: { x0: Array.from(x0), noise: Array.from(eps), forward: forwardLatents.map((l) => Array.from(l)) } } : {}),
  };
}
