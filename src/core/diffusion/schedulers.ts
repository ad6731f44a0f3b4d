// Diffusers' DDIM (eta 0), Euler, Euler ancestral and LCM schedulers for epsilon-prediction models,
// as pure math over flat latent arrays. Timestep spacings, beta schedules and the init noise follow
// ../shared/docs/models-offline.md; the fixtures in test/fixtures/schedulers check them step by step.
import type { SchedulerName } from '../../protocol';

/** The fields of a diffusers `scheduler_config.json` the schedulers read (diffusers' defaults fill the rest). */
export interface SchedulerConfig {
  _class_name?: string;
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: string;
  prediction_type?: string;
  steps_offset?: number;
  set_alpha_to_one?: boolean;
  timestep_spacing?: string;
  original_inference_steps?: number;
  timestep_scaling?: number;
}

export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** Supplies the Gaussian draws a stochastic step consumes (the seeded generator, or a fixture's). */
export interface NoiseSource {
  gaussian(length: number): Float64Array;
}

export interface StepResult {
  /** The latents for the next step. */
  prevSample: Float64Array;
  /** The current estimate of the clean latents (for previews). */
  denoised: Float64Array;
}

export interface Scheduler {
  readonly name: SchedulerName;
  /** The timestep of each step, in order (Euler's may be fractional with linspace spacing). */
  readonly timesteps: readonly number[];
  /** Standard deviation of the initial latents. */
  readonly initNoiseSigma: number;
  /** What the UNet gets at step `index` for latents `x`. */
  scaleModelInput(x: Float64Array, index: number): Float64Array;
  /** One denoising step from the UNet's noise prediction `eps`; stochastic schedulers draw from `noise`. */
  step(eps: ArrayLike<number>, index: number, x: Float64Array, noise?: NoiseSource): StepResult;
}

export class SchedulerConfigError extends Error {}

const DEFAULTS = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' };

/** Cumulative products of (1 - beta) for `scaled_linear` or `linear` betas. */
export function alphasCumprod(config: SchedulerConfig): Float64Array {
  const n = config.num_train_timesteps ?? DEFAULTS.num_train_timesteps;
  const start = config.beta_start ?? DEFAULTS.beta_start;
  const end = config.beta_end ?? DEFAULTS.beta_end;
  const schedule = config.beta_schedule ?? DEFAULTS.beta_schedule;
  if (schedule !== 'scaled_linear' && schedule !== 'linear') {
    throw new SchedulerConfigError(`beta_schedule "${schedule}" is not supported; use scaled_linear or linear.`);
  }
  const out = new Float64Array(n);
  let product = 1;
  for (let i = 0; i < n; i++) {
    const beta = schedule === 'linear' ? linspaceAt(start, end, n, i) : linspaceAt(Math.sqrt(start), Math.sqrt(end), n, i) ** 2;
    product *= 1 - beta;
    out[i] = product;
  }
  return out;
}

/** numpy.linspace(start, end, n)[i], computed the way numpy does (start + i * step). */
function linspaceAt(start: number, end: number, n: number, i: number): number {
  if (n === 1) return start;
  return i === n - 1 ? end : start + i * ((end - start) / (n - 1));
}

/** Round half to even, like numpy. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function spacingOf(config: SchedulerConfig): TimestepSpacing {
  const spacing = config.timestep_spacing ?? 'leading';
  if (spacing !== 'leading' && spacing !== 'trailing' && spacing !== 'linspace') {
    throw new SchedulerConfigError(`timestep_spacing "${spacing}" is not supported; use leading, trailing or linspace.`);
  }
  return spacing;
}

/** The timesteps of `steps` inference steps; `integer` rounds linspace spacing (DDIM), Euler keeps fractions. */
export function spacedTimesteps(config: SchedulerConfig, steps: number, integer: boolean): number[] {
  const train = config.num_train_timesteps ?? DEFAULTS.num_train_timesteps;
  const out: number[] = [];
  switch (spacingOf(config)) {
    case 'leading': {
      const ratio = Math.floor(train / steps);
      for (let i = steps - 1; i >= 0; i--) out.push(i * ratio + (config.steps_offset ?? 0));
      break;
    }
    case 'trailing': {
      const ratio = train / steps;
      for (let i = 0; i < steps; i++) out.push(roundHalfEven(train - i * ratio) - 1);
      break;
    }
    case 'linspace':
      for (let i = steps - 1; i >= 0; i--) {
        const t = linspaceAt(0, train - 1, steps, i);
        out.push(integer ? roundHalfEven(t) : t);
      }
      break;
  }
  return out.slice(0, steps);
}

function checkPrediction(config: SchedulerConfig): void {
  const prediction = config.prediction_type ?? 'epsilon';
  if (prediction !== 'epsilon') throw new SchedulerConfigError(`prediction_type "${prediction}" is not supported; only epsilon-prediction models are.`);
}

// Every step is a weighted sum of two or three arrays. Plain loops with the weights computed once:
// a callback per element was the largest JavaScript cost of a UNet step.
function weighted(a: number, x: ArrayLike<number>, b: number, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = a * x[i] + b * y[i];
  return out;
}

function weighted3(a: number, x: ArrayLike<number>, b: number, y: ArrayLike<number>, c: number, z: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = a * x[i] + b * y[i] + c * z[i];
  return out;
}

/** The alpha product "before" the first timestep, used by the last step of DDIM and LCM. */
function finalAlphaCumprod(config: SchedulerConfig, ac: Float64Array): number {
  return config.set_alpha_to_one ?? true ? 1 : ac[0];
}

class DdimScheduler implements Scheduler {
  readonly name = 'ddim';
  readonly timesteps: number[];
  readonly initNoiseSigma = 1;
  private readonly ac: Float64Array;
  private readonly finalAlpha: number;
  private readonly ratio: number;

  constructor(config: SchedulerConfig, steps: number) {
    this.ac = alphasCumprod(config);
    this.finalAlpha = finalAlphaCumprod(config, this.ac);
    this.ratio = Math.floor(this.ac.length / steps);
    this.timesteps = spacedTimesteps(config, steps, true);
  }

  scaleModelInput(x: Float64Array): Float64Array {
    return x;
  }

  step(eps: ArrayLike<number>, index: number, x: Float64Array): StepResult {
    const t = this.timesteps[index];
    const prev = t - this.ratio;
    const a = this.ac[t];
    const aPrev = prev >= 0 ? this.ac[prev] : this.finalAlpha;
    const denoised = weighted(1 / Math.sqrt(a), x, -Math.sqrt(1 - a) / Math.sqrt(a), eps);
    const prevSample = weighted(Math.sqrt(aPrev), denoised, Math.sqrt(1 - aPrev), eps);
    return { prevSample, denoised };
  }
}

class EulerScheduler implements Scheduler {
  readonly timesteps: number[];
  readonly initNoiseSigma: number;
  /** Sigma at each step, then 0. */
  readonly sigmas: number[];

  constructor(
    config: SchedulerConfig,
    steps: number,
    readonly name: 'euler' | 'euler-ancestral',
  ) {
    const ac = alphasCumprod(config);
    this.timesteps = spacedTimesteps(config, steps, false);
    // Sigmas of the training timesteps, linearly interpolated at (possibly fractional) timesteps.
    const sigmaAt = (t: number) => {
      const lo = Math.floor(t);
      const hi = Math.min(lo + 1, ac.length - 1);
      const s = (k: number) => Math.sqrt((1 - ac[k]) / ac[k]);
      return s(lo) + (t - lo) * (s(hi) - s(lo));
    };
    this.sigmas = [...this.timesteps.map(sigmaAt), 0];
    const max = Math.max(...this.sigmas);
    this.initNoiseSigma = spacingOf(config) === 'leading' ? Math.sqrt(max * max + 1) : max;
  }

  scaleModelInput(x: Float64Array, index: number): Float64Array {
    const scale = 1 / Math.sqrt(this.sigmas[index] ** 2 + 1);
    return x.map((v) => v * scale);
  }

  step(eps: ArrayLike<number>, index: number, x: Float64Array, noise?: NoiseSource): StepResult {
    const sigma = this.sigmas[index];
    const next = this.sigmas[index + 1];
    const denoised = weighted(1, x, -sigma, eps);
    if (this.name === 'euler') return { prevSample: weighted(1, x, next - sigma, eps), denoised };
    const up = Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma));
    const down = Math.sqrt(next * next - up * up);
    const z = requireNoise(noise, x.length, this.name);
    return { prevSample: weighted3(1, x, down - sigma, eps, up, z), denoised };
  }
}

class LcmScheduler implements Scheduler {
  readonly name = 'lcm';
  readonly timesteps: number[];
  readonly initNoiseSigma = 1;
  private readonly ac: Float64Array;
  private readonly finalAlpha: number;
  private readonly timestepScaling: number;

  constructor(config: SchedulerConfig, steps: number) {
    this.ac = alphasCumprod(config);
    this.finalAlpha = finalAlphaCumprod(config, this.ac);
    this.timestepScaling = config.timestep_scaling ?? 10;
    const original = config.original_inference_steps ?? 50;
    if (steps > original) {
      throw new SchedulerConfigError(`LCM can take at most original_inference_steps = ${original} steps; got ${steps}.`);
    }
    // The distilled schedule: `original` evenly spaced training timesteps, then `steps` of them picked evenly.
    const ratio = Math.floor(this.ac.length / original);
    const origin = Array.from({ length: original }, (_, i) => (original - i) * ratio - 1);
    this.timesteps = Array.from({ length: steps }, (_, i) => origin[Math.floor(i * (original / steps))]);
  }

  scaleModelInput(x: Float64Array): Float64Array {
    return x;
  }

  step(eps: ArrayLike<number>, index: number, x: Float64Array, noise?: NoiseSource): StepResult {
    const t = this.timesteps[index];
    const last = index === this.timesteps.length - 1;
    const prevT = last ? t : this.timesteps[index + 1];
    const a = this.ac[t];
    const aPrev = prevT >= 0 ? this.ac[prevT] : this.finalAlpha;
    // Boundary conditions (consistency-model parameterisation) with sigma_data = 0.5.
    const scaled = t * this.timestepScaling;
    const cSkip = 0.25 / (scaled * scaled + 0.25);
    const cOut = scaled / Math.sqrt(scaled * scaled + 0.25);
    const denoised = weighted(cOut / Math.sqrt(a) + cSkip, x, (-cOut * Math.sqrt(1 - a)) / Math.sqrt(a), eps);
    if (last) return { prevSample: denoised, denoised };
    const z = requireNoise(noise, x.length, this.name);
    return { prevSample: weighted(Math.sqrt(aPrev), denoised, Math.sqrt(1 - aPrev), z), denoised };
  }
}

function requireNoise(noise: NoiseSource | undefined, length: number, name: string): Float64Array {
  if (!noise) throw new Error(`The ${name} scheduler draws noise at this step: pass a noise source.`);
  return noise.gaussian(length);
}

/** The scheduler `name` configured from a model's scheduler_config.json for `steps` steps. */
export function createScheduler(name: SchedulerName, config: SchedulerConfig, steps: number): Scheduler {
  checkPrediction(config);
  switch (name) {
    case 'ddim':
      return new DdimScheduler(config, steps);
    case 'euler':
    case 'euler-ancestral':
      return new EulerScheduler(config, steps, name);
    case 'lcm':
      return new LcmScheduler(config, steps);
  }
}

const CLASS_NAMES: Record<string, SchedulerName> = {
  DDIMScheduler: 'ddim',
  EulerDiscreteScheduler: 'euler',
  EulerAncestralDiscreteScheduler: 'euler-ancestral',
  LCMScheduler: 'lcm',
};

/** The scheduler a config's `_class_name` names, if it is one of ours. */
export function schedulerOfClass(className: string | undefined): SchedulerName | undefined {
  return className ? CLASS_NAMES[className] : undefined;
}
