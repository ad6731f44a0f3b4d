// 10,000 random and malformed messages to each panel's validator (the Image Studio's and the Model
// Playground's), as a hostile or broken page could post them: none throws, each is accepted as a
// well-formed message or rejected with a reason, and nothing leaks onto Object.prototype.
import assert from 'node:assert/strict';
import { seededRandom } from '../../../src/core/sampling';
import { validatePanelMessage as imageStudio } from '../../../src/core/imageStudio/messages';
import { validatePanelMessage as playground } from '../../../src/core/playground/playgroundMessages';
import type { Validation } from '../../../src/core/webview/messageSchema';

const MESSAGES = 10_000;
const TYPES = ['ready', 'cancel', 'generate', 'save', 'copyPrompt', 'decode', 'interpolate', 'sample', 'gan', 'diffusion', 'nextToken', 'run', 'toString', '__proto__', 'constructor', ''];
const KEYS = ['type', 'request', 'id', 'prompt', 'steps', 'seed', 'latent', 'temperature', 'topK', 'count', 'width', 'height', 'model', '__proto__', 'constructor', 'prototype', 'a'.repeat(300)];

function value(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * 12);
  const numbers = [0, -1, 1.5, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 1, 7, 32, 512];
  switch (pick) {
    case 0: return null;
    case 1: return undefined;
    case 2: return next() < 0.5;
    case 3: return numbers[Math.floor(next() * numbers.length)];
    case 4: return 'x'.repeat(Math.floor(next() * 3) === 0 ? 100_000 : Math.floor(next() * 20));
    case 5: return TYPES[Math.floor(next() * TYPES.length)];
    case 6: return depth > 3 ? [] : Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default: {
      if (depth > 3) return {};
      const object: Record<string, unknown> = next() < 0.7 ? { type: TYPES[Math.floor(next() * TYPES.length)] } : {};
      for (let i = Math.floor(next() * 5); i > 0; i--) object[KEYS[Math.floor(next() * KEYS.length)]] = value(next, depth + 1);
      if (next() < 0.05) return JSON.parse(`{"type":"save","__proto__":{"polluted":true},"id":"x"}`);
      return object;
    }
  }
}

for (const [panel, validate] of [['Image Studio', imageStudio], ['Model Playground', playground]] as const) {
  describe(`${panel} panel messages under fuzzing`, () => {
    it(`answers ${MESSAGES} random and malformed messages without throwing: each accepted or rejected with a reason`, () => {
      const next = seededRandom(panel.length);
      let accepted = 0;
      for (let i = 0; i < MESSAGES; i++) {
        const message = value(next, 0);
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
