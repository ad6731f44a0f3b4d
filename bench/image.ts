// `npm run bench:image [-- --model M] [--images 12] [--steps 20] [--size 32]`: text-to-image through the engine
// (DDIM, guidance as a batch of two, no previews), beside a same-run baseline of the same
// session.run calls made directly with ONNX Runtime in this process (same session options).
// Figures only.
// Last line: `image ms_per_step=<n> total_ms=<n> overhead_ratio=<x>` where overhead_ratio is the
// engine's total time over the raw session.run time it measured in the same generations.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { EngineProcess } from '../src/client/engineProcess';
import { IMAGE_MODEL } from '../src/defaults';
import { sessionOptions } from '../src/engine/diffusion/diffusionModel';
import type { ImageResult } from '../src/protocol';
import { ROOT, benchSettings } from './benchSettings';
import { median, row } from './stats';

const PROMPTS = ['large red circle on a blue background', 'small yellow star at the top on a purple background', 'green ring on white', 'a large orange cross in the middle on a cyan background'];

function options(): { model: string; images: number; steps: number; size?: number } {
  const { values } = parseArgs({
    options: { model: { type: 'string', default: IMAGE_MODEL }, images: { type: 'string', default: '12' }, steps: { type: 'string', default: '20' }, size: { type: 'string' } },
  });
  const count = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number of at least 1; got ${value}.`);
    return n;
  };
  return { model: values.model, images: count('images', values.images), steps: count('steps', values.steps), size: values.size === undefined ? undefined : count('size', values.size) };
}

interface RawTimes {
  /** Wall time of each generation's passes, end to end. */
  totalMs: number[];
  /** The session.run calls alone, per generation. */
  runMs: number[];
}

/** The same forward passes as one generation (text encoder on 2 prompts, `steps` UNet runs of batch 2, one VAE decode), timed end to end and call by call. */
async function rawBaseline(folder: string, steps: number, repeats: number, width: number, height: number): Promise<RawTimes> {
  const session = (dir: string) => {
    const file = join(folder, dir, 'model.onnx');
    return ort.InferenceSession.create(file, sessionOptions(file, { device: 'cpu', executionProvider: 'cpu' }));
  };
  const [text, unet, vae] = [await session('text_encoder'), await session('unet'), await session('vae_decoder')];
  const int = (name: string, s: ort.InferenceSession) => (s.inputMetadata.find((m) => m.name === name) as ort.InferenceSession.TensorValueMetadata).type;
  const tokens = 32;
  const ids = int('input_ids', text) === 'int32' ? new ort.Tensor('int32', new Int32Array(2 * tokens), [2, tokens]) : new ort.Tensor('int64', new BigInt64Array(2 * tokens), [2, tokens]);
  const timestep = int('timestep', unet) === 'int64' ? new ort.Tensor('int64', new BigInt64Array([500n, 500n]), [2]) : new ort.Tensor('float32', new Float32Array([500, 500]), [2]);
  // The VAE halves the size at each block after the first.
  const vaeConfig = JSON.parse(readFileSync(join(folder, 'vae_decoder', 'config.json'), 'utf8')) as { block_out_channels: number[]; latent_channels: number };
  const factor = 2 ** (vaeConfig.block_out_channels.length - 1);
  const latent = [vaeConfig.latent_channels, height / factor, width / factor];
  const latentSize = latent[0] * latent[1] * latent[2];
  const times: RawTimes = { totalMs: [], runMs: [] };
  for (let r = 0; r < repeats; r++) {
    let runMs = 0;
    const timed = async (s: ort.InferenceSession, feeds: Record<string, ort.Tensor>) => {
      const t = performance.now();
      const out = await s.run(feeds);
      runMs += performance.now() - t;
      return out[s.outputNames[0]];
    };
    const started = performance.now();
    const hidden = await timed(text, { input_ids: ids });
    const sample = new ort.Tensor('float32', new Float32Array(2 * latentSize).fill(0.1), [2, ...latent]);
    for (let i = 0; i < steps; i++) await timed(unet, { sample, timestep, encoder_hidden_states: hidden });
    await timed(vae, { latent_sample: new ort.Tensor('float32', new Float32Array(latentSize).fill(0.1), [1, ...latent]) });
    times.totalMs.push(performance.now() - started);
    times.runMs.push(runMs);
  }
  for (const s of [text, unet, vae]) await s.release();
  return times;
}

async function main(): Promise<void> {
  const { model, images, steps, size } = options();
  const settings = benchSettings();
  const engine = new EngineProcess({ enginePath: join(ROOT, 'dist', 'engine.js'), settings });
  engine.onLog((entry) => entry.level === 'error' && console.error(`[engine] ${entry.message}`));
  const results: ImageResult[] = [];
  try {
    // The first generation loads the model: not measured.
    await engine.generateImage({ jobId: 'warm-up', model, prompt: PROMPTS[0], steps: 2, seed: 0, width: size, height: size });
    for (let i = 0; i < images; i++) {
      results.push(await engine.generateImage({ jobId: `bench-${i}`, model, prompt: PROMPTS[i % PROMPTS.length], steps, guidance: 4, scheduler: 'ddim', seed: i, previewEvery: 0, width: size, height: size }));
    }
  } finally {
    await engine.dispose();
  }
  const folder = isAbsolute(model) ? model : join(settings.shippedModelsDir, model);
  const raw = await rawBaseline(folder, steps, images, results[0].params.width, results[0].params.height);
  const total = results.map((r) => r.totalMs);
  const runMs = results.map((r) => r.sessionRunMs);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const overhead = sum(total) / sum(runMs);
  const first = results[0];
  console.log(
    [
      `image benchmark: model ${model} (${first.variant}, ${first.params.width}x${first.params.height}, ${first.device}), ${images} images of ${steps} DDIM steps at guidance ${first.params.guidance} (batch of two), no previews, ${process.platform}-${process.arch}, Node ${process.version}`,
      row('engine: UNet step (scheduler + session.run)', results.map((r) => r.msPerStep)),
      row('engine: total per image (in the engine)', total),
      row('engine: session.run per image', runMs),
      row('engine: total / session.run per image', results.map((r) => r.totalMs / r.sessionRunMs), 'x', 3),
      row('(baseline) raw onnxruntime, same passes', raw.totalMs),
      row('(baseline) its session.run calls alone', raw.runMs),
      `baseline total / its session.run: ${(sum(raw.totalMs) / sum(raw.runMs)).toFixed(3)} (the floor on this machine); engine total / baseline total (medians): ${(median(total) / median(raw.totalMs)).toFixed(2)}`,
      'target from the issue: overhead_ratio <= 1.05',
      `image ms_per_step=${median(results.map((r) => r.msPerStep)).toFixed(2)} total_ms=${median(total).toFixed(1)} overhead_ratio=${overhead.toFixed(3)}`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
