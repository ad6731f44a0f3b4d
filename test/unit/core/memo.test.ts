import assert from 'node:assert/strict';
import { memoizeLru } from '../../../src/core/memo';

describe('memoizeLru', () => {
  it('computes each key once while it stays in the table, and evicts the least recently used', () => {
    const calls: string[] = [];
    const length = memoizeLru((s) => {
      calls.push(s);
      return s.length;
    }, 2);
    assert.equal(length('ab'), 2);
    assert.equal(length('ab'), 2);
    assert.equal(length('abc'), 3);
    length('ab'); // touch: 'abc' is now the oldest
    length('abcd'); // evicts 'abc'
    length('ab');
    length('abc');
    assert.deepEqual(calls, ['ab', 'abc', 'abcd', 'abc']);
  });
});
