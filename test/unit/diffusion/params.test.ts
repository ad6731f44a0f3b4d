import assert from 'node:assert/strict';
import { guidanceEmbedding, combineGuidance } from '../../../src/core/diffusion/guidance';
import { PreviewBudget, ProgressPacer } from '../../../src/core/diffusion/progressPacer';
import { checkPromptLength, resolveImageParams, type DiffusionModelFacts } from '../../../src/core/diffusion/params';
import { decodedToRgb } from '../../../src/core/diffusion/pixels';
import { detectVariant } from '../../../src/core/diffusion/variant';
import type { ImageParams } from '../../../src/protocol';

const SD: DiffusionModelFacts = {
  variant: 'sd',
  schedulerConfig: { _class_name: 'DDIMScheduler', timestep_spacing: 'leading' },
  sizeMultiple: 8,
  defaultSize: 32,
};
const request = (extra: Partial<ImageParams> = {}): ImageParams => ({ jobId: 'j', model: 'm', prompt: 'red circle on blue', ...extra });
const resolve = (extra: Partial<ImageParams> = {}, facts = SD) => resolveImageParams(request(extra), facts, () => 7);

describe('image parameters: defaults from the variant, clear errors for bad values', () => {
  it('fills in the variant defaults and a random seed', () => {
    assert.deepEqual(resolve(), {
      model: 'm', prompt: 'red circle on blue', negativePrompt: '', steps: 20, guidance: 4, seed: 7, width: 32, height: 32, scheduler: 'ddim', count: 1,
    });
    const turbo = resolve({}, { ...SD, variant: 'sd-turbo', schedulerConfig: { _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'trailing' } });
    assert.equal(turbo.steps, 4);
    assert.equal(turbo.guidance, 0);
    assert.equal(turbo.scheduler, 'euler');
  });

  it('steps 0 and 10000 are errors that give the range', () => {
    assert.throws(() => resolve({ steps: 0 }), /Steps must be a whole number from 1 to 150; got 0/);
    assert.throws(() => resolve({ steps: 10000 }), /from 1 to 150; got 10000/);
    assert.throws(() => resolve({ steps: 2.5 }), /whole number/);
  });

  it('a size that is not a multiple names the nearest valid sizes', () => {
    assert.throws(() => resolve({ width: 33 }), /The width 33 is not a multiple of 8 .*: use 32 or 40\./);
    assert.throws(() => resolve({ height: 50 }), /The height 50 is not a multiple of 8 .*: use 48 or 56\./);
    assert.throws(() => resolve({ width: 0 }), /from 8 to 2048/);
    assert.equal(resolve({ width: 48, height: 64 }).height, 64);
  });

  it('unknown schedulers, guidance, counts and seeds out of range', () => {
    assert.throws(() => resolve({ scheduler: 'dpm' as never }), /Unknown scheduler "dpm": use auto, ddim, euler, euler-ancestral, lcm/);
    assert.throws(() => resolve({ guidance: -1 }), /Guidance must be a number from 0 to 30/);
    assert.throws(() => resolve({ count: 0 }), /from 1 to 16/);
    assert.throws(() => resolve({ seed: -3 }), /seed must be a whole number/);
    assert.throws(() => resolve({ prompt: '  ' }), /prompt is empty/);
    assert.throws(() => resolve({ scheduler: 'lcm', steps: 60 }), /at most 50 steps/);
  });

  it('an over-long prompt names the token limit', () => {
    assert.doesNotThrow(() => checkPromptLength('prompt', 32, 32));
    assert.throws(() => checkPromptLength('prompt', 40, 32), /prompt is too long: 38 tokens, .* at most 30 \(32 with its start and end tokens\)/);
  });
});

describe('diffusion variants', () => {
  it('sd, sd-turbo and lcm from the scheduler config and the UNet inputs', () => {
    const inputs = ['sample', 'timestep', 'encoder_hidden_states'];
    assert.equal(detectVariant({ modelIndex: {}, schedulerConfig: { _class_name: 'DDIMScheduler' }, unetInputNames: inputs }), 'sd');
    assert.equal(detectVariant({ modelIndex: {}, schedulerConfig: { _class_name: 'EulerDiscreteScheduler', timestep_spacing: 'trailing' }, unetInputNames: inputs }), 'sd-turbo');
    assert.equal(detectVariant({ modelIndex: { _name_or_path: 'stabilityai/sd-turbo' }, schedulerConfig: { _class_name: 'EulerDiscreteScheduler' }, unetInputNames: inputs }), 'sd-turbo');
    assert.equal(detectVariant({ modelIndex: {}, schedulerConfig: { _class_name: 'DDIMScheduler' }, unetInputNames: [...inputs, 'timestep_cond'] }), 'lcm');
    assert.equal(detectVariant({ modelIndex: { scheduler: ['diffusers', 'LCMScheduler'] }, schedulerConfig: {}, unetInputNames: inputs }), 'lcm');
  });
});

describe('guidance and pixels', () => {
  it('classifier-free guidance: uncond + w (cond - uncond)', () => {
    assert.deepEqual(Array.from(combineGuidance([1, 2, 3, 6], 2)), [5, 10]);
    assert.deepEqual(Array.from(combineGuidance([1, 2, 3, 6], 1)), [3, 6]);
  });

  it("LCM's guidance embedding is diffusers' sin/cos ladder of 1000 (w - 1)", () => {
    const e = guidanceEmbedding(2, 4);
    // half = 2: frequencies exp(0) and exp(-ln(10000)) = 1e-4, times w = 1000.
    const expected = [Math.sin(1000), Math.sin(0.1), Math.cos(1000), Math.cos(0.1)];
    expected.forEach((v, i) => assert.ok(Math.abs(e[i] - v) < 1e-6, `${i}: ${e[i]} vs ${v}`));
  });

  it('decoded [-1, 1] planes become clamped interleaved RGB bytes', () => {
    // 2x1 image: planes R, G, B.
    const rgb = decodedToRgb([-1, 1, 0, 2, -2, 0.5], 2, 1);
    assert.deepEqual(Array.from(rgb), [0, 128, 0, 255, 255, 191]);
  });
});

describe('progress pacing', () => {
  const paced = (stepMs: number, steps: number, forced: number[] = []): number[] => {
    let now = 0;
    const pacer = new ProgressPacer(33, () => now);
    const sent: number[] = [];
    for (let step = 1; step <= steps; step++) {
      now = step * stepMs;
      if (pacer.due(forced.includes(step))) sent.push(step);
    }
    return sent;
  };

  it('sends at most one message per interval counted from the start, and always forced ones', () => {
    // 2 ms steps: one every 17 steps (34 ms), plus the forced 50, from which the interval restarts.
    assert.deepEqual(paced(2, 100, [50]), [17, 34, 50, 67, 84]);
  });

  it('reports every step of a slow model, the last included, and nothing for work shorter than the interval', () => {
    assert.deepEqual(paced(40, 5), [1, 2, 3, 4, 5]);
    assert.deepEqual(paced(1.5, 20), []);
  });

  it('allows previews while they stay within their share of the time', () => {
    let now = 0;
    const budget = new PreviewBudget(0.25, () => now);
    const allowed: number[] = [];
    // 10 ms steps, a preview asked for every step, each decode costing 20 ms (a large model's VAE).
    for (let step = 1; step <= 20; step++) {
      now += 10;
      if (budget.allows()) {
        allowed.push(step);
        now += 20;
        budget.record(20);
      }
    }
    // The first is free to try; then one whenever spent + next <= a quarter of the elapsed time.
    assert.deepEqual(allowed, [1, 14, 20]);
  });
});
