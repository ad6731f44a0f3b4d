import assert from 'node:assert/strict';
import { KvRows } from '../../../src/core/kvRows';

const rows = (first: number, count: number, width: number) => Float32Array.from({ length: count * width }, (_, i) => first + i);

describe('KvRows', () => {
  it('appends rows, views the first n as a plain prefix, and keeps them when the buffers grow', () => {
    const kv = new KvRows(['keys.0', 'values.0'], 3, 2);
    kv.write('keys.0', 0, rows(0, 2, 3));
    kv.write('values.0', 0, rows(100, 2, 3));
    // Past the initial two rows: both buffers grow, the written rows stay.
    kv.write('keys.0', 2, rows(6, 3, 3));
    kv.write('values.0', 2, rows(106, 3, 3));
    assert.deepEqual(Array.from(kv.view('keys.0', 5)), Array.from(rows(0, 5, 3)));
    assert.deepEqual(Array.from(kv.view('values.0', 5)), Array.from(rows(100, 5, 3)));
    assert.deepEqual(Array.from(kv.view('keys.0', 1)), [0, 1, 2]);
  });

  it('writes over rows after a shorter length (rejected guesses are replaced in place)', () => {
    const kv = new KvRows(['keys.0'], 2);
    kv.write('keys.0', 0, rows(0, 4, 2));
    kv.write('keys.0', 2, rows(50, 1, 2));
    assert.deepEqual(Array.from(kv.view('keys.0', 3)), [0, 1, 2, 3, 50, 51]);
  });

  it('rejects partial rows and unknown names', () => {
    const kv = new KvRows(['keys.0'], 4);
    assert.throws(() => kv.write('keys.0', 0, new Float32Array(6)), /6 floats are not whole rows of 4/);
    assert.throws(() => kv.view('keys.9', 1), /no rows named keys.9/);
  });
});
