import assert from 'node:assert/strict';
import { acceptDraft, draftTokens } from '../../../src/core/promptLookup';

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
