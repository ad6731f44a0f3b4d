import assert from 'node:assert/strict';
import { chooseEvictions, type Resident } from '../../../src/core/evictionPolicy';

const resident = (key: string, sizeMB: number, lastUsedMs: number, inUse = false): Resident => ({ key, sizeMB, lastUsedMs, inUse });

describe('chooseEvictions', () => {
  it('unloads models idle past the timeout', () => {
    const out = chooseEvictions([resident('a', 10, 0), resident('b', 10, 900)], { budgetMB: 1000, idleMs: 500 }, 1000);
    assert.deepEqual(out, [{ key: 'a', reason: 'idle' }]);
  });

  it('unloads least recently used first until the budget fits', () => {
    const out = chooseEvictions([resident('new', 40, 30), resident('old', 40, 10), resident('mid', 40, 20)], { budgetMB: 50, idleMs: 0 }, 100);
    assert.deepEqual(out, [
      { key: 'old', reason: 'budget' },
      { key: 'mid', reason: 'budget' },
    ]);
  });

  it('never unloads a model in use, even over budget or idle', () => {
    const out = chooseEvictions([resident('busy', 100, 0, true)], { budgetMB: 10, idleMs: 1 }, 1000);
    assert.deepEqual(out, []);
  });

  it('keeps everything when idle timeout is off and the budget fits', () => {
    assert.deepEqual(chooseEvictions([resident('a', 10, 0)], { budgetMB: 10, idleMs: 0 }, 1e9), []);
  });
});
