import assert from 'node:assert/strict';
import { StopStringMatcher } from '../../../src/core/stopStrings';

describe('StopStringMatcher', () => {
  const matcher = new StopStringMatcher(['\n\n', '<|endoftext|>']);

  it('cuts before the first stop string', () => {
    assert.deepEqual(matcher.scan('foo()\n\nbar'), { safe: 'foo()', stopped: true });
    assert.deepEqual(matcher.scan('x<|endoftext|>y\n\n'), { safe: 'x', stopped: true });
  });

  it('holds back a tail that may become a stop string', () => {
    assert.deepEqual(matcher.scan('foo\n'), { safe: 'foo', stopped: false });
    assert.deepEqual(matcher.scan('foo<|endo'), { safe: 'foo', stopped: false });
    assert.deepEqual(matcher.scan('foo<|endo', true), { safe: 'foo<|endo', stopped: false });
  });

  it('passes text through when there are no stop strings', () => {
    assert.deepEqual(new StopStringMatcher([]).scan('a\n\nb'), { safe: 'a\n\nb', stopped: false });
  });
});
