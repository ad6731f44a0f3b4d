// Text to image on a loaded DiffusionModel: prompt embeddings, the denoising loop (classifier-free
// guidance as one batch of two, LCM's guidance embedding) and VAE decode to RGB pixels, with
// progress, previews and cancellation between steps.
import * as ort from 'onnxruntime-node';
import { CancelledError } from '../../core/jobScheduler';
import { combineGuidance, guidanceEmbedding } from '../../core/diffusion/guidance';
import { GaussianNoise, randomSeed } from '../../core/diffusion/noise';
import { PreviewBudget, ProgressPacer } from '../../core/diffusion/progressPacer';
import { ImageParamsError, checkPromptLength, resolveImageParams } from '../../core/diffusion/params';
import { decodedToRgb, unscaleLatents } from '../../core/diffusion/pixels';
import { SchedulerConfigError, createScheduler, type Scheduler } from '../../core/diffusion/schedulers';
import { usesClassifierFreeGuidance } from '../../core/diffusion/variant';
import { toRgbImage } from '../../core/image/rgbImage';
import { EngineErrorCode, type RgbImage, type GeneratedImage, type ImageParams, type ImageProgress, type ImageResult, type ResolvedImageParams } from '../../protocol';
import { cancellableRunOptions } from '../cancellableRun';
import { EngineError } from '../errors';
import { padIds } from './clipTokenizer';
import type { Component, DiffusionModel } from './diffusionModel';

type Feeds = Record<string, ort.Tensor>;

/** Progress goes out at most this often (~30 per second), besides steps with previews. */
const PROGRESS_INTERVAL_MS = 33;
/** Previews may take at most this share of an image's time. */
const PREVIEW_SHARE = 0.25;

/** Times every session.run, so the overhead of everything else can be measured. */
class TimedRunner {
  sessionRunMs = 0;
  private readonly options: ort.InferenceSession.RunOptions | undefined;

  /** With a signal, a pass still waiting to start when it aborts is refused (CancelledError). */
  constructor(signal?: AbortSignal) {
    this.options = signal && cancellableRunOptions(signal, 'image');
  }

  async run(component: Component, feeds: Feeds): Promise<ort.Tensor> {
    const started = performance.now();
    const outputs = await component.session.run(feeds, [component.output], this.options);
    this.sessionRunMs += performance.now() - started;
    return outputs[component.output];
  }
}

export interface GenerationHooks {
  /** The request's cancellation: a forward pass that has not started when it aborts does not run. */
  signal: AbortSignal;
  progress(progress: ImageProgress): void;
  /** Runs one forward pass with its bookkeeping; the engine queues each in its JobScheduler. */
  runPass<T>(pass: () => Promise<T>): Promise<T>;
  /** When the request arrived (totalMs counts from here). */
  arrivedMs: number;
  /** Sees the latents before each step, and the final ones as step `steps` (the Model Playground shows them). */
  onLatents?(step: number, latents: Float64Array): void;
}

/** `count` images from one prompt (image i from seed + i); a cancel returns the images finished so far. */
export async function generateImages(model: DiffusionModel, params: ImageParams, hooks: GenerationHooks): Promise<Omit<ImageResult, 'device'>> {
  const { resolved, scheduler } = resolve(model, params);
  const runner = new TimedRunner(hooks.signal);
  const cfg = usesClassifierFreeGuidance(model.variant, resolved.guidance);
  const stepMs: number[] = [];
  // One pacer for the request, so a batch of fast images still reports about 30 times a second.
  const pacer = new ProgressPacer(PROGRESS_INTERVAL_MS);
  const images: GeneratedImage[] = [];
  let cancelled = false;
  let embeddings: ort.Tensor | undefined;
  try {
    embeddings = await hooks.runPass(() => encodePrompts(model, runner, resolved, cfg));
    for (let image = 0; image < resolved.count; image++) {
      const seed = resolved.seed + image;
      const onStep = (step: number, preview?: RgbImage) => hooks.progress({ jobId: params.jobId, image, step, steps: resolved.steps, preview });
      const latents = await denoise(model, runner, resolved, { scheduler, embeddings, cfg, seed, hooks, stepMs, pacer }, onStep, params.previewEvery ?? 0);
      if (!latents) {
        cancelled = true;
        break;
      }
      images.push({ ...(await hooks.runPass(() => decodeImage(model, runner, latents, resolved.width, resolved.height))), seed });
    }
  } catch (error) {
    // Cancelled while a pass waited in the scheduler's queue or for its turn on the event loop.
    if (!(error instanceof CancelledError)) throw error;
    cancelled = true;
  } finally {
    // On WebGPU the hidden states live in a GPU buffer that nothing else frees.
    if (embeddings?.location === 'gpu-buffer') embeddings.dispose();
  }
  return {
    images,
    params: resolved,
    variant: model.variant,
    finishReason: cancelled ? 'cancelled' : 'done',
    totalMs: performance.now() - hooks.arrivedMs,
    msPerStep: stepMs.length ? [...stepMs].sort((a, b) => a - b)[Math.floor((stepMs.length - 1) / 2)] : 0,
    sessionRunMs: runner.sessionRunMs,
  };
}

/** The parameters and their scheduler, which holds no per-image state, so every image of the request uses it. */
function resolve(model: DiffusionModel, params: ImageParams): { resolved: ResolvedImageParams; scheduler: Scheduler } {
  try {
    const resolved = resolveImageParams(params, model, randomSeed);
    return { resolved, scheduler: createScheduler(resolved.scheduler, model.schedulerConfig, resolved.steps) };
  } catch (error) {
    if (error instanceof ImageParamsError || error instanceof SchedulerConfigError) throw new EngineError(EngineErrorCode.BadRequest, error.message);
    throw error;
  }
}

/** [negative, prompt] hidden states as one batch of two with guidance; the prompt's alone without. */
async function encodePrompts(model: DiffusionModel, runner: TimedRunner, params: ResolvedImageParams, cfg: boolean): Promise<ort.Tensor> {
  const texts: [string, 'prompt' | 'negative prompt'][] = cfg ? [[params.negativePrompt, 'negative prompt'], [params.prompt, 'prompt']] : [[params.prompt, 'prompt']];
  const ids = texts.flatMap(([text, which]) => {
    const encoded = model.tokenizer.encode(text);
    try {
      checkPromptLength(which, encoded.length, model.tokenizer.maxLength);
    } catch (error) {
      throw new EngineError(EngineErrorCode.BadRequest, (error as Error).message);
    }
    return padIds(model.tokenizer, encoded);
  });
  const dims = [texts.length, model.tokenizer.maxLength];
  const input = model.textEncoder.inputs.get('input_ids')!;
  const tensor = input.type === 'int32' ? new ort.Tensor('int32', Int32Array.from(ids), dims) : new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), dims);
  return runner.run(model.textEncoder, { input_ids: tensor });
}

interface DenoiseContext {
  scheduler: Scheduler;
  embeddings: ort.Tensor;
  cfg: boolean;
  seed: number;
  hooks: GenerationHooks;
  /** Each step's time (scheduler and UNet) is appended. */
  stepMs: number[];
  pacer: ProgressPacer;
}

/** The final latents, or undefined when cancelled. */
async function denoise(
  model: DiffusionModel,
  runner: TimedRunner,
  params: ResolvedImageParams,
  context: DenoiseContext,
  onStep: (step: number, preview?: RgbImage) => void,
  previewEvery: number,
): Promise<Float64Array | undefined> {
  const { scheduler } = context;
  const noise = new GaussianNoise(context.seed);
  const shape = [model.latentChannels, params.height / model.vaeFactor, params.width / model.vaeFactor];
  const size = shape[0] * shape[1] * shape[2];
  let latents: Float64Array = noise.gaussian(size).map((v) => v * scheduler.initNoiseSigma);
  const batch = context.cfg ? 2 : 1;
  // The same input tensors every step, their data rewritten in place: ONNX Runtime reads them only during run.
  const sample = new Float32Array(batch * size);
  const feeds: Feeds = { sample: new ort.Tensor('float32', sample, [batch, ...shape]), encoder_hidden_states: context.embeddings };
  const setTimestep = timestepFeed(model, batch, feeds);
  if (model.timeCondDim > 0) {
    const timeCond = guidanceEmbedding(params.guidance, model.timeCondDim);
    feeds.timestep_cond = new ort.Tensor('float32', repeat(timeCond, batch), [batch, timeCond.length]);
  }
  const previews = new PreviewBudget(PREVIEW_SHARE);
  for (let i = 0; i < scheduler.timesteps.length; i++) {
    if (context.hooks.signal.aborted) return undefined;
    context.hooks.onLatents?.(i, latents);
    latents = await context.hooks.runPass(async () => {
      const started = performance.now();
      const input = scheduler.scaleModelInput(latents, i);
      for (let b = 0; b < batch; b++) sample.set(input, b * size);
      setTimestep(scheduler.timesteps[i]);
      const out = (await runner.run(model.unet, feeds)).data as Float32Array;
      const eps = context.cfg ? combineGuidance(out, params.guidance) : out;
      const { prevSample, denoised } = scheduler.step(eps, i, latents, noise);
      context.stepMs.push(performance.now() - started);
      const step = i + 1;
      const last = step === scheduler.timesteps.length;
      const wantPreview = previewEvery > 0 && step % previewEvery === 0 && !last && previews.allows();
      if (!context.pacer.due(wantPreview)) return prevSample;
      let preview: RgbImage | undefined;
      if (wantPreview) {
        const decodeStarted = performance.now();
        preview = await decodeImage(model, runner, denoised, params.width, params.height);
        previews.record(performance.now() - decodeStarted);
      }
      onStep(step, preview);
      return prevSample;
    });
  }
  context.hooks.onLatents?.(scheduler.timesteps.length, latents);
  return latents;
}

/**
 * Adds the `timestep` input as the UNet declares it (int64 or float, shape [batch], [1] or a scalar)
 * to `feeds`, and returns the function that sets its value for a step.
 */
function timestepFeed(model: DiffusionModel, batch: number, feeds: Feeds): (t: number) => void {
  const meta = model.unet.inputs.get('timestep')!;
  const dims = meta.shape.length === 0 ? [] : meta.shape[0] === 1 ? [1] : [batch];
  const n = dims.length === 0 ? 1 : dims[0];
  switch (meta.type) {
    case 'int64': {
      const data = new BigInt64Array(n);
      feeds.timestep = new ort.Tensor('int64', data, dims);
      return (t) => data.fill(BigInt(Math.round(t)));
    }
    case 'int32': {
      const data = new Int32Array(n);
      feeds.timestep = new ort.Tensor('int32', data, dims);
      return (t) => data.fill(Math.round(t));
    }
    case 'float32': {
      const data = new Float32Array(n);
      feeds.timestep = new ort.Tensor('float32', data, dims);
      return (t) => data.fill(t);
    }
    default:
      throw new EngineError(EngineErrorCode.ModelInvalid, `The UNet's timestep is ${meta.type}; GenAI Studio feeds int64, int32 or float32 timesteps. Re-export the UNet with one of those.`);
  }
}

function repeat(values: Float32Array, times: number): Float32Array {
  const out = new Float32Array(values.length * times);
  for (let t = 0; t < times; t++) out.set(values, t * values.length);
  return out;
}

/** Latents (scaled as the UNet sees them) decoded to an image. */
export function decodeLatents(model: DiffusionModel, latents: Float64Array, width: number, height: number): Promise<RgbImage> {
  return decodeImage(model, new TimedRunner(), latents, width, height);
}

async function decodeImage(model: DiffusionModel, runner: TimedRunner, latents: Float64Array, width: number, height: number): Promise<RgbImage> {
  const dims = [1, model.latentChannels, height / model.vaeFactor, width / model.vaeFactor];
  const decoded = await runner.run(model.vaeDecoder, { latent_sample: new ort.Tensor('float32', unscaleLatents(latents, model.scalingFactor), dims) });
  return toRgbImage(decodedToRgb(decoded.data as Float32Array, width, height), width, height);
}
