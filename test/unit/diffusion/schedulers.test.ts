import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { alphasCumprod, createScheduler, spacedTimesteps, type NoiseSource, type SchedulerConfig } from '../../../src/core/diffusion/schedulers';
import type { SchedulerName } from '../../../src/protocol';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'schedulers');
const TOLERANCE = 1e-5;

interface FixtureStep {
  timestep: number;
  modelInput: number[];
  modelOutput: number[];
  noise: number[] | null;
  prevSample: number[];
}

interface Fixture {
  scheduler: SchedulerName;
  config: SchedulerConfig;
  numInferenceSteps: number;
  timesteps: number[];
  sigmas?: number[];
  initNoiseSigma: number;
  initialLatents: number[];
  steps: FixtureStep[];
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= TOLERANCE, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Hands out the fixture's recorded draw, and fails if a step asks for noise the reference did not draw. */
function recordedNoise(step: FixtureStep, where: string): NoiseSource {
  return {
    gaussian(length) {
      assert.ok(step.noise, `${where}: the scheduler drew noise where the reference drew none`);
      assert.equal(length, step.noise.length);
      return Float64Array.from(step.noise);
    },
  };
}

const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

describe('diffusion schedulers match the independent numpy reference to 1e-5', () => {
  it('has fixtures for every scheduler', () => {
    const kinds = new Set(files.map((f) => (JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Fixture).scheduler));
    assert.deepEqual([...kinds].sort(), ['ddim', 'euler', 'euler-ancestral', 'lcm']);
  });

  for (const file of files) {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture;
    describe(file, () => {
      const scheduler = () => createScheduler(fixture.scheduler, fixture.config, fixture.numInferenceSteps);

      it('timesteps and initial noise sigma', () => {
        const s = scheduler();
        assertClose(s.timesteps, fixture.timesteps, 'timesteps');
        assert.ok(Math.abs(s.initNoiseSigma - fixture.initNoiseSigma) <= TOLERANCE, `initNoiseSigma ${s.initNoiseSigma} vs ${fixture.initNoiseSigma}`);
      });

      it('every step from the reference input (model input and next sample)', () => {
        const s = scheduler();
        let x = Float64Array.from(fixture.initialLatents);
        fixture.steps.forEach((step, i) => {
          const where = `step ${i}`;
          assertClose(s.scaleModelInput(x, i), step.modelInput, `${where} model input`);
          const result = s.step(step.modelOutput, i, x, recordedNoise(step, where));
          assertClose(result.prevSample, step.prevSample, `${where} prev sample`);
          x = Float64Array.from(step.prevSample);
        });
      });

      it('the whole chain, feeding its own samples and the model function forward', () => {
        const s = scheduler();
        let x: Float64Array = Float64Array.from(fixture.initialLatents);
        fixture.steps.forEach((step, i) => {
          const input = s.scaleModelInput(x, i);
          // The reference's stand-in UNet: 0.1 sin(3 input + t / 100).
          const eps = Array.from(input, (v) => 0.1 * Math.sin(3 * v + s.timesteps[i] / 100));
          x = s.step(eps, i, x, recordedNoise(step, `step ${i}`)).prevSample;
        });
        assertClose(x, fixture.steps.at(-1)!.prevSample, 'final sample');
      });
    });
  }

  it('trailing spacing ends at timestep 999 and linspace keeps fractions for Euler', () => {
    const config: SchedulerConfig = { num_train_timesteps: 1000, timestep_spacing: 'trailing' };
    assert.deepEqual(spacedTimesteps(config, 4, true), [999, 749, 499, 249]);
    const linspace = spacedTimesteps({ ...config, timestep_spacing: 'linspace' }, 3, false);
    assert.deepEqual(linspace, [999, 499.5, 0]);
    assert.deepEqual(spacedTimesteps({ ...config, timestep_spacing: 'linspace' }, 3, true), [999, 500, 0]);
  });

  it('linear betas: cumulative products of 1 - linspace(beta_start, beta_end)', () => {
    const ac = alphasCumprod({ num_train_timesteps: 3, beta_start: 0.1, beta_end: 0.3, beta_schedule: 'linear' });
    const expected = [0.9, 0.9 * 0.8, 0.9 * 0.8 * 0.7];
    expected.forEach((v, i) => assert.ok(Math.abs(ac[i] - v) < 1e-12, `${i}: ${ac[i]} vs ${v}`));
  });

  it('unsupported configurations are clear errors', () => {
    assert.throws(() => createScheduler('ddim', { prediction_type: 'v_prediction' }, 10), /v_prediction.*only epsilon/);
    assert.throws(() => createScheduler('ddim', { beta_schedule: 'squaredcos_cap_v2' }, 10), /squaredcos_cap_v2.*scaled_linear or linear/);
    assert.throws(() => createScheduler('euler', { timestep_spacing: 'karras' }, 10), /karras.*leading, trailing or linspace/);
    assert.throws(() => createScheduler('euler-ancestral', {}, 4).step([0, 0], 0, new Float64Array(2)), /draws noise/);
  });
});
