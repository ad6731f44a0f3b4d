// The interface each shipped image/playground model's card promises, checked on the real ONNX files
// with the real onnxruntime-node: input/output names, dynamic batch and sizes, value ranges, and the
// measured figures other tests rely on (the VAE's reconstruction threshold, the GAN's score gap).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { REPO_ROOT, SHIPPED_MODELS } from '../support/builders';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const session = (file: string) => ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
const floats = (dims: number[], f: (i: number) => number) => {
  const n = dims.reduce((a, b) => a * b, 1);
  return new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => f(i)), dims);
};
const ids = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
// a deterministic pseudo-random sequence in [0, 1) so the checks never depend on Math.random
const lcg = (seed: number) => () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);

for (const [name, dir, condDim] of [
  ['models/genai-image-tiny', join(SHIPPED_MODELS, 'genai-image-tiny'), 0],
  ['test/fixtures/diffusion/lcm-tiny', join(REPO_ROOT, 'test', 'fixtures', 'diffusion', 'lcm-tiny'), 256],
  ['test/fixtures/diffusion/turbo-tiny', join(REPO_ROOT, 'test', 'fixtures', 'diffusion', 'turbo-tiny'), 0],
] as const) {
  describe(`${name} (Stable Diffusion ONNX layout)`, () => {
    it('declares its components and has the tokenizer files but no tokenizer.json', () => {
      const index = readJson(join(dir, 'model_index.json'));
      for (const c of ['scheduler', 'text_encoder', 'tokenizer', 'unet', 'vae_decoder', 'vae_encoder']) assert.ok(index[c], c);
      for (const f of ['vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json']) readFileSync(join(dir, 'tokenizer', f));
      assert.throws(() => readFileSync(join(dir, 'tokenizer', 'tokenizer.json')));
      assert.equal(readJson(join(dir, 'tokenizer', 'tokenizer_config.json')).tokenizer_class, 'CLIPTokenizer');
    });

    it('runs text encoder -> UNet -> VAE decoder -> VAE encoder at two batch sizes and a non-square size', async () => {
      const hidden = readJson(join(dir, 'text_encoder', 'config.json')).hidden_size as number;
      const vae = readJson(join(dir, 'vae_decoder', 'config.json'));
      assert.equal(vae.latent_channels, 4);
      const factor = 2 ** (vae.block_out_channels.length - 1);
      const vocab = readJson(join(dir, 'tokenizer', 'vocab.json'));
      const [bos, eos] = [vocab['<|startoftext|>'], vocab['<|endoftext|>']] as number[];
      const te = await session(join(dir, 'text_encoder', 'model.onnx'));
      const unet = await session(join(dir, 'unet', 'model.onnx'));
      const decoder = await session(join(dir, 'vae_decoder', 'model.onnx'));
      const encoder = await session(join(dir, 'vae_encoder', 'model.onnx'));
      assert.deepEqual(unet.inputNames, ['sample', 'timestep', 'encoder_hidden_states', ...(condDim ? ['timestep_cond'] : [])]);
      for (const [batch, h, w] of [[1, 32, 32], [2, 48, 64]]) {
        // the empty prompt: bos, then eos as end and padding (the SD 1.x convention)
        const tokens = Array.from({ length: batch }, () => Array.from({ length: 32 }, (_, i) => (i === 0 ? bos : eos)));
        const { last_hidden_state: ctx } = await te.run({ input_ids: ids(tokens) });
        assert.deepEqual(ctx.dims, [batch, 32, hidden]);
        const random = lcg(batch);
        const sample = floats([batch, 4, h / factor, w / factor], () => random() * 2 - 1);
        const feeds: Record<string, ort.Tensor> = {
          sample, timestep: new ort.Tensor('int64', BigInt64Array.from({ length: batch }, () => 500n), [batch]), encoder_hidden_states: ctx,
        };
        if (condDim) feeds.timestep_cond = floats([batch, condDim], () => 0);
        const { out_sample: eps } = await unet.run(feeds);
        assert.deepEqual(eps.dims, sample.dims);
        const { sample: image } = await decoder.run({ latent_sample: sample });
        assert.deepEqual(image.dims, [batch, 3, h, w]);
        const pixels = image.data as Float32Array;
        assert.ok(pixels.every((v) => v >= -1 && v <= 1), 'decoded pixels lie in [-1, 1]');
        const { latent_sample: latent } = await encoder.run({ sample: image });
        assert.deepEqual(latent.dims, sample.dims);
      }
    });
  });
}

describe('models/genai-vae-tiny (playground VAE)', () => {
  const dir = join(SHIPPED_MODELS, 'genai-vae-tiny');
  const config = readJson(join(dir, 'config.json'));

  it('reconstructs every shipped example within the threshold its card states', async () => {
    const { examples, shape } = readJson(join(dir, 'examples.json'));
    assert.equal(config.latent_dim, 2);
    assert.match(readFileSync(join(dir, 'MODEL_CARD.md'), 'utf8'), new RegExp(`THRESHOLD = ${config.reconstruction_mse_threshold}\\b`));
    const encoder = await session(join(dir, 'encoder.onnx'));
    const decoder = await session(join(dir, 'decoder.onnx'));
    const batch = examples.length;
    const images = new ort.Tensor('float32', Float32Array.from(examples.flatMap((e: { image: number[] }) => e.image)), [batch, ...shape]);
    const { mean: latent, logvar } = await encoder.run({ image: images });
    assert.deepEqual(latent.dims, [batch, 2]);
    assert.deepEqual(logvar.dims, [batch, 2]);
    const { image: rebuilt } = await decoder.run({ latent });
    const size = images.data.length / batch;
    for (let b = 0; b < batch; b++) {
      let sq = 0;
      for (let i = b * size; i < (b + 1) * size; i++) sq += ((rebuilt.data as Float32Array)[i] - (images.data as Float32Array)[i]) ** 2;
      assert.ok(sq / size < config.reconstruction_mse_threshold, `${examples[b].name}: mse ${sq / size}`);
    }
  });
});

describe('models/genai-gan-tiny (playground GAN)', () => {
  const dir = join(SHIPPED_MODELS, 'genai-gan-tiny');

  it('generates images in [0, 1] that the discriminator scores unlike uniform noise', async () => {
    const config = readJson(join(dir, 'config.json'));
    const generator = await session(join(dir, 'generator.onnx'));
    const discriminator = await session(join(dir, 'discriminator.onnx'));
    const batch = 64;
    const random = lcg(7);
    // standard normal noise by Box-Muller over the deterministic sequence
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const { image } = await generator.run({ noise: floats([batch, config.noise_dim], normal) });
    assert.deepEqual(image.dims, [batch, 1, config.image_size, config.image_size]);
    assert.ok((image.data as Float32Array).every((v) => v >= 0 && v <= 1));
    const { score: generated } = await discriminator.run({ image });
    const { score: noise } = await discriminator.run({ image: floats(image.dims as number[], () => random()) });
    assert.deepEqual(generated.dims, [batch, 1]);
    const measured = config.measured_scores;
    const gap = measured.generated.mean - measured.uniform_noise.mean;
    assert.ok(gap > 0 && measured.uniform_noise.max < measured.generated.p5, 'the card measures separated distributions');
    const sorted = Float32Array.from(generated.data as Float32Array).sort();
    assert.ok(Math.max(...(noise.data as Float32Array)) < sorted[batch >> 1], 'every noise image scores below the median generated image');
    assert.ok(mean(generated.data as Float32Array) - mean(noise.data as Float32Array) > gap / 2, 'the mean gap is at least half the measured one');
  });
});
