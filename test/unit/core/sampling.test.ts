import assert from 'node:assert/strict';
import { argmax, sampleToken, seededRandom, softmax } from '../../../src/core/sampling';

describe('sampling', () => {
  const logits = Float32Array.from([1, 3, 2, -1, 0.5]);

  it('is greedy at temperature 0', () => {
    assert.equal(sampleToken(logits, { temperature: 0, topK: 0, topP: 1 }, () => 0.99), 1);
    assert.equal(argmax(logits), 1);
  });

  it('softmax sums to 1 and keeps the order', () => {
    const p = softmax(logits);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(p[1] > p[2] && p[2] > p[0]);
  });

  it('top-k 1 is greedy whatever the random draw', () => {
    for (const r of [0, 0.5, 0.999]) assert.equal(sampleToken(logits, { temperature: 1, topK: 1, topP: 1 }, () => r), 1);
  });

  it('top-p keeps only the nucleus', () => {
    const peaked = Float32Array.from([10, 0, 0, 0]);
    for (let i = 0; i < 20; i++) assert.equal(sampleToken(peaked, { temperature: 1, topK: 0, topP: 0.9 }, Math.random), 0);
  });

  it('the same seed gives the same draws', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 5 }, () => [a(), b()]);
    for (const [x, y] of draws) assert.equal(x, y);
    assert.notEqual(seededRandom(1)(), seededRandom(2)());
    const sample = (seed: number) => {
      const r = seededRandom(seed);
      return Array.from({ length: 30 }, () => sampleToken(logits, { temperature: 1.5, topK: 0, topP: 1 }, r));
    };
    assert.deepEqual(sample(7), sample(7));
    assert.ok(new Set(sample(7)).size > 1, 'sampling at temperature 1.5 should not always pick one token');
  });
});
