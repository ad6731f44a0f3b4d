// 10,000 random and malformed messages to each panel's validator (the Image Studio's and the Model
// Playground's), as a hostile or broken page could post them: none throws, each is accepted as a
// well-formed message or rejected with a reason, and nothing leaks onto Object.prototype.
import assert from 'node:assert/strict';
import { validatePanelMessage as imageStudio } from '../../../src/core/imageStudio/messages';
import { validatePanelMessage as playground } from '../../../src/core/playground/playgroundMessages';
import { seededRandom } from '../../../src/core/sampling';
import type { Validation } from '../../../src/core/webview/messageSchema';
import { randomMessage } from '../../support/messageFuzz';

const MESSAGES = 10_000;

for (const [panel, validate] of [['Image Studio', imageStudio], ['Model Playground', playground]] as const) {
  describe(`${panel} panel messages under fuzzing`, () => {
    it(`answers ${MESSAGES} random and malformed messages without throwing: each accepted or rejected with a reason`, () => {
      const next = seededRandom(panel.length);
      let accepted = 0;
      for (let i = 0; i < MESSAGES; i++) {
        const message = randomMessage(next);
        let result: Validation<unknown>;
        try {
          result = (validate as (v: unknown) => Validation<unknown>)(message);
        } catch (error) {
          assert.fail(`message ${i} threw ${String(error)}: ${JSON.stringify(message)?.slice(0, 300)}`);
        }
        if (result.ok) {
          accepted++;
          assert.deepEqual((validate as (v: unknown) => Validation<unknown>)(result.value), result, 'an accepted message is accepted as it was returned');
        } else {
          assert.ok(result.reason.length > 0 && result.reason.length < 1000, `a reason: ${result.reason.slice(0, 200)}`);
        }
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'nothing leaked onto Object.prototype');
      assert.ok(accepted > 0 && accepted < MESSAGES, `${accepted} accepted: both paths are exercised`);
    });
  });
}
