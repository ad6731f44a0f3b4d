import assert from 'node:assert/strict';
import { forwardNoise, greyToRgb, lerp, meanSquaredError, topEntries } from '../../../src/core/playground/demoMath';

describe('playground math', () => {
  it('lerp runs from a (t = 0) to b (t = 1)', () => {
    assert.deepEqual(lerp([0, 2], [4, -2], 0), [0, 2]);
    assert.deepEqual(lerp([0, 2], [4, -2], 1), [4, -2]);
    assert.deepEqual(lerp([0, 2], [4, -2], 0.25), [1, 1]);
    assert.throws(() => lerp([0], [1, 2], 0.5), /2 values/);
  });

  it('forward noising keeps x0 at acp = 1 and is pure noise at acp = 0', () => {
    assert.deepEqual(Array.from(forwardNoise([1, -1], [5, 7], 1)), [1, -1]);
    assert.deepEqual(Array.from(forwardNoise([1, -1], [5, 7], 0)), [5, 7]);
    const x = forwardNoise([1], [1], 0.64);
    assert.ok(Math.abs(x[0] - (0.8 + 0.6)) < 1e-12);
  });

  it('greyscale to RGB bytes clips to [0, 1]', () => {
    assert.deepEqual(Array.from(greyToRgb([0, 1, 0.5, -3, 9])), [0, 0, 0, 255, 255, 255, 128, 128, 128, 0, 0, 0, 255, 255, 255]);
  });

  it('mean squared error and the top entries with the remainder', () => {
    assert.equal(meanSquaredError([0, 1], [1, 1]), 0.5);
    const { top, other } = topEntries([0.1, 0.5, 0.15, 0.25], 2);
    assert.deepEqual(top.map((t) => t.index), [1, 3]);
    assert.ok(Math.abs(other - 0.25) < 1e-12);
  });
});
