import assert from 'node:assert/strict';
import { acceptDraft, DraftGate, draftTokens } from '../../../src/core/promptLookup';

describe('prompt-lookup drafting', () => {
  const options = { maxNgram: 3, minNgram: 2, maxDraft: 4 };

  it('guesses what followed the latest earlier occurrence of the longest matching tail', () => {
    // Tail [7, 8, 9] occurred at 1..3 (followed by 4, 5) and [8, 9] also at 10..11 (followed by 6): the 3-gram wins.
    assert.deepEqual(draftTokens([0, 7, 8, 9, 4, 5, 1, 2, 3, 0, 8, 9, 6, 7, 8, 9], options), [4, 5, 1, 2]);
    // Only the 2-gram [8, 9] recurs; of its occurrences the latest counts.
    assert.deepEqual(draftTokens([8, 9, 1, 8, 9, 2, 3, 8, 9], options), [2, 3, 8, 9]);
  });

  it('stops the guess at the end of the tokens and at maxDraft', () => {
    assert.deepEqual(draftTokens([5, 6, 7, 5, 6], options), [7, 5, 6]);
    assert.deepEqual(draftTokens([1, 2, 3, 4, 5, 6, 7, 1, 2], { ...options, maxDraft: 2 }), [3, 4]);
  });

  it('guesses nothing without a repeated n-gram of at least minNgram tokens', () => {
    assert.deepEqual(draftTokens([1, 2, 3, 4, 5, 3], options), []);
    assert.deepEqual(draftTokens([], options), []);
    assert.deepEqual(draftTokens([4], options), []);
  });

  it('keeps guesses while they are what the model would choose, then the model\'s own next token', () => {
    const modelChoices = [10, 11, 99, 13];
    assert.deepEqual(acceptDraft([10, 11, 12], (i) => modelChoices[i]), { accepted: 2, next: 99 });
    assert.deepEqual(acceptDraft([10, 11], (i) => modelChoices[i]), { accepted: 2, next: 99 });
    assert.deepEqual(acceptDraft([5], (i) => modelChoices[i]), { accepted: 0, next: 10 });
    assert.deepEqual(acceptDraft([], (i) => modelChoices[i]), { accepted: 0, next: 10 });
  });
});

describe('the draft gate: guesses only while the model confirms enough of them', () => {
  const options = { window: 12, minRate: 0.1, pausePasses: 5 };

  it('stays open while at least a tenth of the guessed tokens are confirmed', () => {
    const gate = new DraftGate(options);
    for (let pass = 0; pass < 20; pass++) {
      assert.ok(gate.open, `pass ${pass}`);
      gate.record(6, pass % 2 === 0 ? 2 : 0);
    }
  });

  it('pauses for a number of passes when guesses are not confirmed, then tries again', () => {
    const gate = new DraftGate(options);
    gate.record(6, 0);
    assert.ok(gate.open, 'one pass is not enough to judge');
    gate.record(6, 1);
    assert.ok(!gate.open, '1 of 12 is under a tenth');
    for (let pass = 0; pass < 5; pass++) {
      assert.ok(!gate.open, `paused pass ${pass}`);
      gate.record(0, 0);
    }
    assert.ok(gate.open, 'tried again after the pause');
    gate.record(6, 3);
    gate.record(6, 3);
    assert.ok(gate.open, 'half confirmed: it keeps guessing');
  });

  it('passes without a guess do not count toward the judgement', () => {
    const gate = new DraftGate(options);
    for (let pass = 0; pass < 50; pass++) gate.record(0, 0);
    assert.ok(gate.open);
  });
});
