import assert from 'node:assert/strict';
import { argmax, sampleToken, seededRandom, softmax, topIndices, type SamplingOptions } from '../../../src/core/sampling';

/** The plain way: sort the whole vocabulary (stable, so ties keep id order), cut, draw. */
function referenceSample(logits: ArrayLike<number>, options: SamplingOptions, random: () => number): number {
  const probs = softmax(logits, options.temperature);
  let order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
  if (options.topK > 0) order = order.slice(0, options.topK);
  let cumulative = 0;
  const cut = options.topP < 1 ? order.findIndex((id) => (cumulative += probs[id]) >= options.topP) + 1 || order.length : order.length;
  order = order.slice(0, cut);
  let r = random() * order.reduce((sum, id) => sum + probs[id], 0);
  for (const id of order) if ((r -= probs[id]) <= 0) return id;
  return order[order.length - 1];
}

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

  it('topIndices gives the largest values first, ties by id, as a full stable sort does', () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 5000 }, () => Math.round(random() * 300));
    const sorted = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
    for (const k of [1, 7, 64, 4999, 5000]) assert.deepEqual(topIndices(values, k), sorted.slice(0, k));
    assert.deepEqual(topIndices(values, 0), []);
  });

  it('on a hub-sized vocabulary, draws exactly what sorting every token would draw', () => {
    const random = seededRandom(9);
    // A peaked and a flat distribution over 151,936 ids (Qwen2.5's vocabulary).
    for (const spread of [8, 0.5]) {
      const logits = Float32Array.from({ length: 151_936 }, () => (random() - 0.5) * spread);
      for (const options of [{ temperature: 0.8, topK: 0, topP: 0.95 }, { temperature: 1, topK: 40, topP: 0.9 }, { temperature: 0.7, topK: 200, topP: 1 }]) {
        const [ours, theirs] = [seededRandom(5), seededRandom(5)];
        for (let i = 0; i < 2; i++) assert.equal(sampleToken(logits, options, ours), referenceSample(logits, options, theirs), JSON.stringify(options));
      }
    }
  });
});
