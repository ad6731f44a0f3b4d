import assert from 'node:assert/strict';
import { CompletionStats } from '../../../src/core/completion/completionStats';

describe('CompletionStats', () => {
  it('starts at zero without dividing by zero', () => {
    assert.deepEqual(new CompletionStats().snapshot(), {
      shown: 0,
      accepted: 0,
      partiallyAccepted: 0,
      acceptanceRate: 0,
      meanLatencyMs: 0,
      latencySamples: 0,
    });
  });

  it('counts outcomes and averages latency', () => {
    const stats = new CompletionStats();
    for (let i = 0; i < 4; i++) stats.recordShown();
    stats.recordAccepted();
    stats.recordPartiallyAccepted();
    stats.recordLatency(100);
    stats.recordLatency(200);
    assert.deepEqual(stats.snapshot(), {
      shown: 4,
      accepted: 1,
      partiallyAccepted: 1,
      acceptanceRate: 0.25,
      meanLatencyMs: 150,
      latencySamples: 2,
    });
  });

  it('snapshots are copies', () => {
    const stats = new CompletionStats();
    const before = stats.snapshot();
    stats.recordShown();
    assert.equal(before.shown, 0);
    assert.equal(stats.snapshot().shown, 1);
  });
});
