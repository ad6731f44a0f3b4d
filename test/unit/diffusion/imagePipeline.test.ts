// The diffusion pipeline on the shipped model, through the real engine process and ONNX Runtime.
import assert from 'node:assert/strict';
import { cpSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { EngineProcess } from '../../../src/client/engineProcess';
import { rgbPixels } from '../../../src/core/image/rgbImage';
import { EngineErrorCode, type ImageParams, type ImageProgress, type ImageResult, type RgbImage } from '../../../src/protocol';
import { CODE_MODEL_DIR, DIST_ENGINE, REPO_ROOT, SHIPPED_MODELS, cleanTemps, settings, tempDir } from '../support/builders';

const MODEL = 'genai-image-tiny';
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'diffusion');

/** The palette the shipped model was trained on (tools/image-model/shapes.py). */
const PALETTE: Record<string, [number, number, number]> = {
  red: [220, 40, 40], green: [40, 170, 60], blue: [40, 80, 220], yellow: [240, 220, 40], orange: [245, 140, 20],
  purple: [140, 50, 180], pink: [245, 130, 190], white: [245, 245, 245], black: [20, 20, 20], cyan: [40, 210, 220],
};

function nearestColour(r: number, g: number, b: number): string {
  let best = '';
  let bestDistance = Infinity;
  for (const [name, [pr, pg, pb]] of Object.entries(PALETTE)) {
    const d = (r - pr) ** 2 + (g - pg) ** 2 + (b - pb) ** 2;
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function mostCommon(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

/** Background: the most common palette colour on the border; shape: the most common other colour. */
function measureColours(rgbImage: RgbImage): { background: string; shape: string } {
  const image = { width: rgbImage.width, height: rgbImage.height, rgb: rgbPixels(rgbImage) };
  const labels: string[] = [];
  for (let p = 0; p < image.width * image.height; p++) labels.push(nearestColour(image.rgb[3 * p], image.rgb[3 * p + 1], image.rgb[3 * p + 2]));
  const border = labels.filter((_, p) => {
    const x = p % image.width;
    const y = Math.floor(p / image.width);
    return x === 0 || y === 0 || x === image.width - 1 || y === image.height - 1;
  });
  const background = mostCommon(border);
  return { background, shape: mostCommon(labels.filter((l) => l !== background).concat(['(none)'])) };
}

async function engineError(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
  const error = await promise.then(
    () => assert.fail('the request should fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ResponseError, `expected a ResponseError, got ${String(error)}`);
  return error;
}

describe('image generation through the engine (shipped genai-image-tiny, real ONNX Runtime)', function () {
  this.timeout(120_000);
  let engine: EngineProcess;
  const request = (extra: Partial<ImageParams> = {}): ImageParams => ({ jobId: `job-${Math.random()}`, model: MODEL, prompt: 'large red circle on a blue background', seed: 1, ...extra });
  const generate = (extra: Partial<ImageParams> = {}, onProgress?: (p: ImageProgress) => void) => engine.generateImage(request(extra), onProgress);

  const stderr: string[] = [];
  before(() => {
    engine = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings({ shippedModelsDir: SHIPPED_MODELS }) });
    engine.onLog((entry) => entry.message.startsWith('[engine stderr]') && stderr.push(entry.message));
  });
  after(async () => {
    await engine.dispose();
    cleanTemps();
  });

  it('the shape and the background have the colours the prompt names (measured from the pixels)', async () => {
    const cases = [
      ['red', 'blue'], ['yellow', 'purple'], ['green', 'white'], ['white', 'black'], ['blue', 'yellow'], ['orange', 'cyan'], ['pink', 'green'], ['cyan', 'red'],
    ] as const;
    const measured: string[] = [];
    let backgrounds = 0;
    let shapes = 0;
    for (const [colour, background] of cases) {
      const result = await generate({ prompt: `large ${colour} circle on a ${background} background`, steps: 20, guidance: 4 });
      const found = measureColours(result.images[0]);
      measured.push(`${colour} on ${background}: measured ${found.shape} on ${found.background}`);
      if (found.background === background) backgrounds++;
      if (found.shape === colour) shapes++;
    }
    // The model card measures 98% right backgrounds and 75% right shape colours (early snapshot); a
    // palette of ten colours makes a chance match 10%. Seed 1 here: 8/8 backgrounds, 7/8 shapes.
    assert.ok(backgrounds >= cases.length - 1, measured.join('; '));
    assert.ok(shapes >= cases.length - 2, measured.join('; '));
  });

  it('lists the shipped image model as a diffusion model', async () => {
    const { shipped } = await engine.models();
    assert.deepEqual(shipped.find((m) => m.name === MODEL), { name: MODEL, path: join(SHIPPED_MODELS, MODEL), kind: 'diffusion' });
    assert.equal(shipped.find((m) => m.name === 'genai-code-tiny')?.kind, 'causal-lm');
  });

  it('engine/load warms up an image model with the diffusion loader', async () => {
    const status = await engine.load(MODEL);
    // The status is taken while load holds the model, as for text models.
    assert.equal(status.model, MODEL);
    assert.equal(status.device, 'cpu');
    assert.equal(status.error, undefined);
    // Counted at what it holds: at least its weights files, and the engine's growth while it loaded.
    const filesMB = ['text_encoder', 'unet', 'vae_decoder'].reduce((sum, part) => sum + statSync(join(SHIPPED_MODELS, MODEL, part, 'model.onnx')).size, 0) / 1048576;
    assert.ok(status.sizeMB! >= filesMB && status.sizeMB! < 400, `${status.sizeMB} MB (files ${filesMB.toFixed(1)} MB)`);
  });

  it('reports what it used, with timings, steps and previews', async () => {
    const progress: ImageProgress[] = [];
    const result = await generate({ steps: 12, previewEvery: 4 }, (p) => progress.push(p));
    assert.equal(result.finishReason, 'done');
    assert.equal(result.variant, 'sd');
    assert.equal(result.device, 'cpu');
    assert.deepEqual(
      { ...result.params, seed: 1 },
      { model: MODEL, prompt: 'large red circle on a blue background', negativePrompt: '', steps: 12, guidance: 4, seed: 1, width: 32, height: 32, scheduler: 'ddim', count: 1 },
    );
    // Progress is paced (~30 messages a second), but every preview is sent.
    const steps = progress.map((p) => p.step);
    assert.deepEqual([...steps].sort((x, y) => x - y), steps, 'in order');
    assert.ok(steps.includes(4), `step 4 (a preview) reported (got ${steps.join(', ')})`);
    assert.ok(progress.every((p) => p.steps === 12 && p.image === 0));
    // A preview every 4 steps while previews stay under a quarter of the time (the first is always tried); none at the end.
    const previews = progress.filter((p) => p.preview).map((p) => p.step);
    assert.equal(previews[0], 4);
    assert.ok(previews.every((step) => step === 4 || step === 8), `previews at ${previews.join(', ')}`);
    const preview = progress.find((p) => p.step === 4)!.preview!;
    assert.equal(preview.width, 32);
    assert.equal(rgbPixels(preview).length, 32 * 32 * 3);
    assert.ok(result.sessionRunMs > 0 && result.sessionRunMs <= result.totalMs, `session.run ${result.sessionRunMs} of ${result.totalMs} ms`);
    assert.ok(result.msPerStep > 0);
  });

  it('the same seed gives a byte-identical image, another seed another image; image i of a batch uses seed + i', async () => {
    const a = await generate({ seed: 42, steps: 10, scheduler: 'euler-ancestral' });
    const b = await generate({ seed: 42, steps: 10, scheduler: 'euler-ancestral' });
    assert.equal(a.images[0].rgbBase64, b.images[0].rgbBase64);
    const batch = await generate({ seed: 42, steps: 10, scheduler: 'euler-ancestral', count: 2 });
    assert.deepEqual(batch.images.map((i) => i.seed), [42, 43]);
    assert.equal(batch.images[0].rgbBase64, a.images[0].rgbBase64);
    const other = await generate({ seed: 43, steps: 10, scheduler: 'euler-ancestral' });
    assert.notEqual(other.images[0].rgbBase64, a.images[0].rgbBase64);
    assert.equal(batch.images[1].rgbBase64, other.images[0].rgbBase64);
    const random = await generate({ seed: undefined, steps: 2 });
    assert.ok(Number.isInteger(random.params.seed), 'a random seed is reported back');
  });

  it('a negative prompt changes the image', async () => {
    const plain = await generate({ seed: 5, steps: 10 });
    const negative = await generate({ seed: 5, steps: 10, negativePrompt: 'red' });
    assert.notEqual(plain.images[0].rgbBase64, negative.images[0].rgbBase64);
  });

  it('a cancel stops the loop within one step', async () => {
    // A larger image makes each step long next to the time the cancel takes to cross the process boundary.
    const cancel = new CancellationTokenSource();
    const afterCancel: number[] = [];
    let cancelledAt = 0;
    const result: ImageResult = await engine.generateImage(
      request({ steps: 150, width: 256, height: 256 }),
      (p) => {
        if (cancelledAt) afterCancel.push(p.step);
        else if (p.step >= 2) {
          cancelledAt = p.step;
          cancel.cancel();
        }
      },
      cancel.token,
    );
    assert.equal(result.finishReason, 'cancelled');
    assert.equal(result.images.length, 0);
    // The step running when the cancel arrives finishes (ONNX Runtime cannot stop a forward pass); no other starts.
    assert.ok(afterCancel.length <= 1 && afterCancel.every((step) => step === cancelledAt + 1), `cancelled after step ${cancelledAt}; then steps ${afterCancel.join(', ')}`);
    const next = await generate({ steps: 2 });
    assert.equal(next.finishReason, 'done', 'the engine keeps working');
  });

  it('a completion that arrives mid-image runs between two steps, not after the image', async () => {
    await engine.load('genai-code-tiny');
    let stepsSeen = 0;
    let completion: Promise<{ at: number }> | undefined;
    const image = await engine.generateImage(request({ steps: 40, width: 128, height: 128, scheduler: 'euler' }), (p) => {
      stepsSeen = p.step;
      completion ??= engine
        .complete({ model: 'genai-code-tiny', filePath: '/tmp/a.ts', languageId: 'typescript', prefix: 'function add(a: number, b: number) {\n  return', suffix: '\n}\n', maxTokens: 4 })
        .then(() => ({ at: stepsSeen }));
    });
    assert.equal(image.finishReason, 'done');
    const { at } = await completion!;
    assert.ok(at < 40, `the completion answered at step ${at} of 40`);
  });

  it('bad parameters are clear errors, and the engine keeps working', async () => {
    const cases: [Partial<ImageParams>, RegExp][] = [
      [{ steps: 0 }, /Steps must be a whole number from 1 to 150; got 0/],
      [{ steps: 10000 }, /from 1 to 150; got 10000/],
      [{ width: 33 }, /width 33 is not a multiple of 8 .*use 32 or 40/],
      [{ scheduler: 'dpm++' as never }, /Unknown scheduler "dpm\+\+"/],
      [{ prompt: 'red '.repeat(40) }, /prompt is too long: 40 tokens, and this model's text encoder takes at most 30/],
      [{ negativePrompt: 'blue '.repeat(40) }, /negative prompt is too long/],
    ];
    for (const [params, message] of cases) {
      const error = await engineError(generate(params));
      assert.equal(error.code, EngineErrorCode.BadRequest);
      assert.match(error.message, message);
    }
    assert.equal((await generate({ steps: 2 })).finishReason, 'done');
  });

  it('broken model folders are clear errors', async () => {
    const copy = () => {
      const dir = join(tempDir('genai-image-'), MODEL);
      cpSync(join(SHIPPED_MODELS, MODEL), dir, { recursive: true });
      return dir;
    };
    const missingUnet = copy();
    rmSync(join(missingUnet, 'unet', 'model.onnx'));
    let error = await engineError(generate({ model: missingUnet }));
    assert.equal(error.code, EngineErrorCode.ModelInvalid);
    assert.match(error.message, /The UNet is missing: .*unet\/model\.onnx does not exist/);

    error = await engineError(generate({ model: CODE_MODEL_DIR }));
    assert.equal(error.code, EngineErrorCode.ModelInvalid);
    assert.match(error.message, /is not a diffusion model: model_index\.json is missing\. It looks like a text model/);

    const corrupt = copy();
    writeFileSync(join(corrupt, 'unet', 'model.onnx'), Buffer.from('not a protobuf'.repeat(50)));
    error = await engineError(generate({ model: corrupt }));
    assert.equal(error.code, EngineErrorCode.ModelInvalid);
    assert.match(error.message, /unet\/model\.onnx .* corrupt or incomplete.*Re-export/);

    error = await engineError(generate({ model: '/nonexistent/sd-model' }));
    assert.equal(error.code, EngineErrorCode.ModelNotFound);
    assert.equal((await generate({ steps: 2 })).finishReason, 'done', 'the engine keeps working');
  });

  it('detects sd-turbo and LCM folders and runs them with their own defaults (timestep_cond for LCM)', async () => {
    const turbo = await generate({ model: join(FIXTURES, 'turbo-tiny'), seed: 3 });
    assert.equal(turbo.variant, 'sd-turbo');
    assert.deepEqual([turbo.params.scheduler, turbo.params.steps, turbo.params.guidance], ['euler', 4, 0]);
    const lcm = await generate({ model: join(FIXTURES, 'lcm-tiny'), seed: 3 });
    assert.equal(lcm.variant, 'lcm');
    assert.deepEqual([lcm.params.scheduler, lcm.params.steps], ['lcm', 4]);
    assert.equal(lcm.images.length, 1);
    const again = await generate({ model: join(FIXTURES, 'lcm-tiny'), seed: 3 });
    assert.equal(again.images[0].rgbBase64, lcm.images[0].rgbBase64, 'LCM noise is seeded too');
  });

  it('leaves no Node warnings on the engine stderr (e.g. abort listeners piling up over a long generation)', () => {
    assert.deepEqual(stderr, []);
  });

  it('feeds the input dtypes and shapes each export declares (int32 input_ids, a float32 timestep of shape [1])', async () => {
    // turbo-tiny-int32 is turbo-tiny with those inputs cast back inside the graph (tools/diffusion-fixtures/dtype_variant.py).
    for (const guidance of [0, 3]) {
      const int64 = await generate({ model: join(FIXTURES, 'turbo-tiny'), seed: 11, guidance });
      const int32 = await generate({ model: join(FIXTURES, 'turbo-tiny-int32'), seed: 11, guidance });
      assert.equal(int32.images[0].rgbBase64, int64.images[0].rgbBase64, `guidance ${guidance}`);
    }
  });
});
