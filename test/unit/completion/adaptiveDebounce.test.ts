import assert from 'node:assert/strict';
import { AdaptiveDebounce } from '../../../src/core/completion/adaptiveDebounce';

const TYPING = { afterTriggerCharacter: false, atLineEnd: false };

describe('AdaptiveDebounce', () => {
  it('waits half the initial latency before any measurement', () => {
    assert.equal(new AdaptiveDebounce({ initialLatencyMs: 300 }).delayMs(TYPING), 150);
  });

  it('follows measured latency as a moving average', () => {
    const debounce = new AdaptiveDebounce({ initialLatencyMs: 300, smoothing: 0.5 });
    debounce.recordLatency(500);
    assert.equal(debounce.averageLatencyMs, 400);
    debounce.recordLatency(800);
    assert.equal(debounce.averageLatencyMs, 600);
    assert.equal(debounce.delayMs(TYPING), 300);
  });

  it('waits less after a trigger character and at the end of a line', () => {
    const debounce = new AdaptiveDebounce({ initialLatencyMs: 800 });
    assert.equal(debounce.delayMs(TYPING), 400);
    assert.equal(debounce.delayMs({ afterTriggerCharacter: true, atLineEnd: false }), 200);
    assert.equal(debounce.delayMs({ afterTriggerCharacter: true, atLineEnd: true }), 100);
  });

  it('clamps the delay between its bounds', () => {
    const fast = new AdaptiveDebounce({ initialLatencyMs: 20 });
    assert.equal(fast.delayMs(TYPING), 50);
    const slow = new AdaptiveDebounce({ initialLatencyMs: 5000 });
    assert.equal(slow.delayMs(TYPING), 600);
  });
});
