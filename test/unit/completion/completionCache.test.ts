import assert from 'node:assert/strict';
import { CompletionCache } from '../../../src/core/completion/completionCache';

describe('CompletionCache', () => {
  it('returns the suggestion stored for the same prefix and suffix key', () => {
    const cache = new CompletionCache();
    cache.set('foo(', ')', 'bar)');
    assert.equal(cache.get('foo(', ')'), 'bar)');
    assert.equal(cache.get('foo(', ''), undefined);
  });

  it('returns the remainder when the user typed the start of a cached suggestion', () => {
    const cache = new CompletionCache();
    cache.set('foo(', '', 'bar)');
    assert.equal(cache.lookup('foo(', ''), 'bar)');
    assert.equal(cache.lookup('foo(b', ''), 'ar)');
    assert.equal(cache.lookup('foo(ba', ''), 'r)');
  });

  it('misses when the typed text departs from the suggestion or completes it', () => {
    const cache = new CompletionCache();
    cache.set('foo(', '', 'bar)');
    assert.equal(cache.lookup('foo(x', ''), undefined);
    assert.equal(cache.lookup('foo(bar)', ''), undefined);
  });

  it('prefers the nearest cached position when walking back', () => {
    const cache = new CompletionCache();
    cache.set('a', '', 'bcdef');
    cache.set('abc', '', 'dXY');
    assert.equal(cache.lookup('abcd', ''), 'XY');
  });

  it('walks back at most maxWalkBack characters', () => {
    const cache = new CompletionCache({ maxWalkBack: 2 });
    cache.set('x', '', 'abcdef');
    assert.equal(cache.lookup('xab', ''), 'cdef');
    assert.equal(cache.lookup('xabc', ''), undefined);
  });

  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new CompletionCache({ maxEntries: 2 });
    cache.set('a', '', '1');
    cache.set('b', '', '2');
    cache.get('a', '');
    cache.set('c', '', '3');
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b', ''), undefined);
    assert.equal(cache.get('a', ''), '1');
    assert.equal(cache.get('c', ''), '3');
  });

  it('keys on the end of long prefixes', () => {
    const cache = new CompletionCache({ keyChars: 5 });
    cache.set('AAAAAhello', '', ' world');
    assert.equal(cache.get('BBBBBhello', ''), ' world');
  });

  it('clears', () => {
    const cache = new CompletionCache();
    cache.set('a', '', 'b');
    cache.clear();
    assert.equal(cache.size, 0);
  });
});
