import assert from 'node:assert/strict';
import { SAME_PICTURE, pixelDifference, withinTolerance } from '../../../src/core/image/pixelDifference';

describe('pixelDifference', () => {
  it('measures the mean and the largest channel difference over every image', () => {
    const a = [Uint8Array.of(10, 20, 30), Uint8Array.of(0, 0, 0)];
    const b = [Uint8Array.of(12, 20, 30), Uint8Array.of(0, 0, 40)];
    assert.deepEqual(pixelDifference(a, b), { meanAbs: 42 / 6, maxAbs: 40 });
    assert.deepEqual(pixelDifference(a, a), { meanAbs: 0, maxAbs: 0 });
  });

  it('accepts rounding noise and refuses a different picture', () => {
    assert.equal(withinTolerance({ meanAbs: 0.4, maxAbs: 9 }), true);
    assert.equal(withinTolerance({ meanAbs: SAME_PICTURE.meanAbs + 0.1, maxAbs: 1 }), false);
    assert.equal(withinTolerance({ meanAbs: 0.1, maxAbs: SAME_PICTURE.maxAbs + 1 }), false);
  });

  it('refuses image sets of different shapes', () => {
    assert.throws(() => pixelDifference([Uint8Array.of(1, 2)], [Uint8Array.of(1)]), /differ in count or size/);
  });
});
