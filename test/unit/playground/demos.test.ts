// The Model Playground's demos through the real engine process and ONNX Runtime on the shipped models.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import { EngineProcess } from '../../../src/client/engineProcess';
import { rgbPixels } from '../../../src/core/image/rgbImage';
import { EngineErrorCode, type RgbImage } from '../../../src/protocol';
import { DIST_ENGINE, SHIPPED_MODELS, cleanTemps, settings } from '../support/builders';

/** The first channel of a greyscale image, in [0, 1]. */
function grey(image: RgbImage): number[] {
  const rgb = rgbPixels(image);
  return Array.from({ length: image.width * image.height }, (_, p) => rgb[3 * p] / 255);
}

const mse = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + (v - b[i]) ** 2, 0) / a.length;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** acp from scheduler_config.json, written out here rather than taken from the engine's schedulers. */
function alphasCumprodFromConfig(): number[] {
  const config = JSON.parse(readFileSync(join(SHIPPED_MODELS, 'genai-image-tiny', 'scheduler', 'scheduler_config.json'), 'utf8'));
  assert.equal(config.beta_schedule, 'scaled_linear');
  const n = config.num_train_timesteps;
  const out: number[] = [];
  let product = 1;
  for (let i = 0; i < n; i++) {
    const sqrtBeta = Math.sqrt(config.beta_start) + ((Math.sqrt(config.beta_end) - Math.sqrt(config.beta_start)) * i) / (n - 1);
    product *= 1 - sqrtBeta ** 2;
    out.push(product);
  }
  return out;
}

async function rejects(promise: Promise<unknown>, field: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ResponseError, String(error));
    assert.equal(error.code, EngineErrorCode.BadRequest);
    assert.match(error.message, field);
    return true;
  });
}

describe('Model Playground demos (real engine, shipped models)', function () {
  this.timeout(180_000);
  let engine: EngineProcess;
  before(() => {
    engine = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings({ shippedModelsDir: SHIPPED_MODELS }) });
  });
  after(async () => {
    await engine.dispose();
    cleanTemps();
  });

  it('VAE: the shipped examples reconstruct below the threshold the model states, measured from the returned PNGs', async () => {
    const threshold = JSON.parse(readFileSync(join(SHIPPED_MODELS, 'genai-vae-tiny', 'config.json'), 'utf8')).reconstruction_mse_threshold as number;
    assert.ok(threshold > 0 && threshold < 1);
    const card = readFileSync(join(SHIPPED_MODELS, 'genai-vae-tiny', 'MODEL_CARD.md'), 'utf8');
    assert.match(card, new RegExp(`THRESHOLD = ${threshold}`));
    const result = await engine.demoVae({ action: 'examples' });
    assert.ok(result.examples && result.examples.length >= 6);
    result.examples.forEach((example, i) => {
      const error = mse(grey(example.image), grey(result.images[i]));
      assert.ok(error < threshold, `${example.name}: reconstruction MSE ${error} >= ${threshold}`);
      assert.ok(Math.abs(error - example.reconstructionError) < 0.01, `${example.name}: engine says ${example.reconstructionError}, PNGs give ${error}`);
      assert.equal(result.latents[i].length, 2);
    });
  });

  it('VAE: decoding follows the latent, interpolation ends at the examples, the prior samples differ', async () => {
    const { examples, images } = await engine.demoVae({ action: 'examples' });
    const [from, to] = [examples![0].name, examples![1].name];
    const start = await engine.demoVae({ action: 'interpolate', from, to, t: 0 });
    const end = await engine.demoVae({ action: 'interpolate', from, to, t: 1 });
    assert.ok(mse(grey(start.images[0]), grey(images[0])) < 1e-4);
    assert.ok(mse(grey(end.images[0]), grey(images[1])) < 1e-4);
    const a = await engine.demoVae({ action: 'decode', latent: [-2, 0] });
    const b = await engine.demoVae({ action: 'decode', latent: [2, 0] });
    assert.ok(mse(grey(a.images[0]), grey(b.images[0])) > 0.01, 'distant latents decode to different images');
    const samples = await engine.demoVae({ action: 'sample', seed: 3, count: 4 });
    assert.equal(samples.images.length, 4);
    assert.notDeepEqual(samples.latents[0], samples.latents[1]);
  });

  it('GAN: generated samples score unlike uniform noise (mean generated score above the mean noise score by > 0.05; real above generated)', async () => {
    const result = await engine.demoGan({ seed: 11, count: 8 });
    const generated = result.generated.map((s) => s.score);
    const noise = result.noise.map((s) => s.score);
    const real = result.real.map((s) => s.score);
    assert.equal(generated.length, 8);
    for (const score of [...generated, ...noise, ...real]) assert.ok(score >= 0 && score <= 1);
    assert.ok(mean(generated) - mean(noise) > 0.05, `means: generated ${mean(generated)}, noise ${mean(noise)}`);
    assert.ok(mean(real) > mean(generated), `the discriminator prefers real examples: ${mean(real)} vs ${mean(generated)}`);
    const distinctImages = new Set(result.generated.map((s) => s.image.rgbBase64));
    assert.equal(distinctImages.size, 8);
  });

  it('diffusion: forward x_t equals sqrt(acp) x0 + sqrt(1 - acp) eps computed here; reverse frames for every step', async () => {
    const steps = 6;
    const result = await engine.demoDiffusion({ prompt: 'large red circle on a blue background', seed: 5, steps, withLatents: true });
    const acp = alphasCumprodFromConfig();
    assert.equal(result.timesteps.length, steps);
    assert.equal(result.reverse.length, steps);
    assert.equal(result.forward.length, steps);
    assert.ok(result.timesteps[0] > result.timesteps[steps - 1], 'noisiest first');
    const { x0, noise, forward } = result.latents!;
    for (let i = 0; i < steps; i++) {
      const a = acp[result.timesteps[i]];
      assert.ok(Math.abs(a - result.alphasCumprod[i]) < 1e-9);
      forward[i].forEach((value, j) => assert.ok(Math.abs(value - (Math.sqrt(a) * x0[j] + Math.sqrt(1 - a) * noise[j])) < 1e-9, `step ${i} value ${j}`));
    }
    // The noise is standard normal (mean ~0, variance ~1 over the latent's values).
    assert.ok(Math.abs(mean(noise)) < 0.25);
    assert.ok(Math.abs(mean(noise.map((v) => v * v)) - 1) < 0.3);
    // The least noisy forward frame looks like the final image; the noisiest does not.
    const final = grey(result.image);
    assert.ok(mse(grey(result.forward[steps - 1]), final) < mse(grey(result.forward[0]), final));
  });

  it('next token: the bars plus the remainder sum to 1 within 1e-6, and a lower temperature sharpens them', async () => {
    const prompt = 'def add(a, b):\n    return';
    const warm = await engine.demoNextToken({ prompt, temperature: 1, topK: 10, seed: 1 });
    const cold = await engine.demoNextToken({ prompt, temperature: 0.3, topK: 10, seed: 1 });
    for (const result of [warm, cold]) {
      const total = result.top.reduce((sum, t) => sum + t.probability, 0) + result.other;
      assert.ok(Math.abs(total - 1) < 1e-6, `sum ${total}`);
      assert.equal(result.top.length, 10);
      for (let i = 1; i < result.top.length; i++) assert.ok(result.top[i - 1].probability >= result.top[i].probability);
      assert.ok(result.sampled.text.length > 0);
    }
    assert.equal(cold.top[0].id, warm.top[0].id);
    assert.ok(cold.top[0].probability > warm.top[0].probability, `${cold.top[0].probability} <= ${warm.top[0].probability}`);
  });

  it('malformed requests are refused with the field named', async () => {
    await rejects(engine.demoVae({ action: 'decode', latent: [0] }), /latent/);
    await rejects(engine.demoVae({ action: 'decode', latent: [Number.NaN, 0] }), /params\.latent\[0\]/);
    await rejects(engine.demoVae({ action: 'explode' } as never), /params\.action/);
    await rejects(engine.demoVae({ action: 'interpolate', from: 'circle', to: 'hexagon', t: 0.5 }), /no example "hexagon"/);
    await rejects(engine.demoGan({ seed: 1, count: 100 }), /params\.count/);
    await rejects(engine.demoDiffusion({ prompt: '', seed: 1, steps: 4 }), /params\.prompt/);
    await rejects(engine.demoNextToken({ prompt: 'x', temperature: 0, topK: 5, seed: 1 }), /params\.temperature/);
    await rejects(engine.demoNextToken({ prompt: 'x', temperature: 1, topK: 5, seed: 1, extra: 1 } as never), /unknown field extra/);
  });
});
