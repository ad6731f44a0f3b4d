// Turns an image request into the parameters a generation uses: defaults from the model's variant,
// then every value checked, with messages that say what to change.
import { SCHEDULERS, type ImageParams, type ResolvedImageParams } from '../../protocol';
import { MAX_SEED } from './noise';
import type { SchedulerConfig } from './schedulers';
import { VARIANT_DEFAULTS, defaultScheduler, type DiffusionVariant } from './variant';

export const IMAGE_LIMITS = { maxSteps: 150, maxGuidance: 30, maxCount: 16, maxSide: 2048 } as const;

/** What the request is checked against: facts read from the model's configs. */
export interface DiffusionModelFacts {
  variant: DiffusionVariant;
  schedulerConfig: SchedulerConfig;
  /** Image pixels per latent cell times the UNet's downsampling: sizes must be multiples of it. */
  sizeMultiple: number;
  /** The size the model was trained at. */
  defaultSize: number;
}

export class ImageParamsError extends Error {}

export function resolveImageParams(params: ImageParams, facts: DiffusionModelFacts, randomSeed: () => number): ResolvedImageParams {
  const defaults = VARIANT_DEFAULTS[facts.variant];
  if (typeof params.prompt !== 'string' || params.prompt.trim() === '') throw new ImageParamsError('The prompt is empty: describe the image to generate.');
  const scheduler = params.scheduler ?? 'auto';
  if (scheduler !== 'auto' && !SCHEDULERS.includes(scheduler)) {
    throw new ImageParamsError(`Unknown scheduler "${String(scheduler)}": use auto, ${SCHEDULERS.join(', ')}.`);
  }
  const steps = params.steps ?? defaults.steps;
  if (!Number.isInteger(steps) || steps < 1 || steps > IMAGE_LIMITS.maxSteps) {
    throw new ImageParamsError(`Steps must be a whole number from 1 to ${IMAGE_LIMITS.maxSteps}; got ${steps}. ${facts.variant === 'sd' ? '20-50' : '1-4'} steps suit this model.`);
  }
  const resolvedScheduler = scheduler === 'auto' ? defaultScheduler(facts.variant, facts.schedulerConfig) : scheduler;
  const original = facts.schedulerConfig.original_inference_steps ?? 50;
  if (resolvedScheduler === 'lcm' && steps > original) {
    throw new ImageParamsError(`The LCM scheduler takes at most ${original} steps (the model's original_inference_steps); got ${steps}. 2-8 steps suit it.`);
  }
  const guidance = params.guidance ?? defaults.guidance;
  if (typeof guidance !== 'number' || !Number.isFinite(guidance) || guidance < 0 || guidance > IMAGE_LIMITS.maxGuidance) {
    throw new ImageParamsError(`Guidance must be a number from 0 to ${IMAGE_LIMITS.maxGuidance}; got ${guidance}. Around ${defaults.guidance} suits this model.`);
  }
  const count = params.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > IMAGE_LIMITS.maxCount) {
    throw new ImageParamsError(`The number of images must be from 1 to ${IMAGE_LIMITS.maxCount}; got ${count}.`);
  }
  const seed = params.seed ?? randomSeed();
  if (!Number.isInteger(seed) || seed < 0 || seed + count - 1 > MAX_SEED) {
    throw new ImageParamsError(`The seed must be a whole number from 0 to ${MAX_SEED - count + 1}; got ${seed}.`);
  }
  const previewEvery = params.previewEvery ?? 0;
  if (!Number.isInteger(previewEvery) || previewEvery < 0) throw new ImageParamsError(`previewEvery must be a whole number of steps (0: no previews); got ${previewEvery}.`);
  return {
    model: params.model,
    prompt: params.prompt,
    negativePrompt: params.negativePrompt ?? '',
    steps,
    guidance,
    seed,
    width: checkSide('width', params.width ?? facts.defaultSize, facts.sizeMultiple),
    height: checkSide('height', params.height ?? facts.defaultSize, facts.sizeMultiple),
    scheduler: resolvedScheduler,
    count,
  };
}

function checkSide(name: 'width' | 'height', value: number, multiple: number): number {
  const max = Math.floor(IMAGE_LIMITS.maxSide / multiple) * multiple;
  if (!Number.isInteger(value) || value < multiple || value > max) {
    throw new ImageParamsError(`The ${name} must be a whole number of pixels from ${multiple} to ${max}, a multiple of ${multiple}; got ${value}.`);
  }
  if (value % multiple !== 0) {
    const below = Math.floor(value / multiple) * multiple;
    throw new ImageParamsError(`The ${name} ${value} is not a multiple of ${multiple} (the model's latent factor times its UNet's downsampling): use ${below} or ${below + multiple}.`);
  }
  return value;
}

/** Token ids (with the start and end tokens) must fit the text encoder's positions. */
export function checkPromptLength(which: 'prompt' | 'negative prompt', tokenCount: number, maxTokens: number): void {
  if (tokenCount > maxTokens) {
    throw new ImageParamsError(
      `The ${which} is too long: ${tokenCount - 2} tokens, and this model's text encoder takes at most ${maxTokens - 2} (${maxTokens} with its start and end tokens). Shorten it.`,
    );
  }
}
