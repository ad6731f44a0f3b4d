import assert from 'node:assert/strict';
import { KvBuffers, ROW_STEP } from '../../../src/core/kvBuffers';

/** `tokens` rows of 2 heads x 3 floats as a pass returns them ([heads, tokens, 3]), numbered from `first`. */
const rows = (first: number, tokens: number) => Float32Array.from({ length: tokens * 6 }, (_, i) => first + i);

/** Row `row` of head `head` as stored. */
const stored = (kv: KvBuffers, name: string, head: number, row: number) =>
  Array.from(kv.buffer(name).subarray((head * kv.capacity + row) * kv.headDim, (head * kv.capacity + row + 1) * kv.headDim));

describe('KvBuffers', () => {
  it('stores each head\'s new rows after its held rows, as attention reads them', () => {
    const kv = new KvBuffers(['keys.0'], 2, 3);
    kv.write('keys.0', 0, rows(0, 2));
    assert.deepEqual(stored(kv, 'keys.0', 0, 0), [0, 1, 2]);
    assert.deepEqual(stored(kv, 'keys.0', 0, 1), [3, 4, 5]);
    assert.deepEqual(stored(kv, 'keys.0', 1, 0), [6, 7, 8]);
    assert.deepEqual(stored(kv, 'keys.0', 1, 1), [9, 10, 11]);
    assert.equal(kv.buffer('keys.0').length, 2 * ROW_STEP * 3);
  });

  it('grows in steps of ROW_STEP rows, keeping the rows before the write, and overwrites rejected rows in place', () => {
    const kv = new KvBuffers(['keys.0', 'values.0'], 2, 3);
    kv.write('keys.0', 0, rows(0, ROW_STEP - 1));
    kv.write('keys.0', ROW_STEP - 1, rows(1000, 3));
    assert.equal(kv.capacity, 2 * ROW_STEP);
    assert.equal(kv.buffer('values.0').length, 2 * 2 * ROW_STEP * 3);
    // Head 1's row 5 of the first write: after head 0's ROW_STEP - 1 rows.
    const first = (ROW_STEP - 1 + 5) * 3;
    assert.deepEqual(stored(kv, 'keys.0', 1, 5), [first, first + 1, first + 2]);
    assert.deepEqual(stored(kv, 'keys.0', 0, ROW_STEP + 1), [1006, 1007, 1008]);
    kv.write('keys.0', 2, rows(500, 1));
    assert.deepEqual(stored(kv, 'keys.0', 1, 2), [503, 504, 505]);
  });

  it('rejects partial rows and unknown names', () => {
    const kv = new KvBuffers(['keys.0'], 2, 2);
    assert.throws(() => kv.write('keys.0', 0, new Float32Array(6)), /6 floats are not whole rows of 2 heads x 2/);
    assert.throws(() => kv.buffer('keys.9'), /no keys\/values named keys.9/);
  });

  it('builds the attention bias: held rows and earlier new tokens visible, the rest of the capacity and later tokens hidden', () => {
    const kv = new KvBuffers(['keys.0'], 1, 1);
    const bias = kv.attentionBias(2, 2);
    const width = ROW_STEP + 2;
    assert.equal(bias.length, 2 * width);
    const visible = (t: number) => [...bias.subarray(t * width, (t + 1) * width)].flatMap((v, i) => (v === 0 ? [i] : []));
    assert.deepEqual(visible(0), [0, 1, ROW_STEP]);
    assert.deepEqual(visible(1), [0, 1, ROW_STEP, ROW_STEP + 1]);
    assert.ok(bias.every((v) => v === 0 || v === -1e9));
  });
});
