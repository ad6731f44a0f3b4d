// The short version of `npm run soak`: the real engine killed six times mid-work (typing, loading, an
// image), with the real shipped models.
import assert from 'node:assert/strict';
import { killEngineRepeatedly } from '../../support/engineKills';
import { DIST_ENGINE, cleanTemps, settings } from '../support/builders';

describe('the engine killed at random points while it works', () => {
  after(cleanTemps);

  it('recovers every time: no request hangs, no process is left, no rejection goes unhandled', async function () {
    this.timeout(180_000);
    const report = await killEngineRepeatedly({ enginePath: DIST_ENGINE, settings: settings(), kills: 6, seed: 7 });
    assert.deepEqual(
      report.rounds.map((r) => r.scenario),
      ['typing', 'loading', 'image', 'typing', 'loading', 'image'],
    );
    for (const round of report.rounds) {
      assert.equal(round.hanging, 0, `${round.scenario}: requests left hanging`);
      assert.ok(round.recovered, `${round.scenario}: the next request failed`);
    }
    assert.equal(report.orphans, 0, 'engine processes left behind');
    assert.equal(report.unhandledRejections, 0);
  });
});
