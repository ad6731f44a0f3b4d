// Random and malformed webview messages, as a hostile or broken page could post them (shared by the
// fuzz test of the panels' validators and the soak benchmark).
import { seededRandom } from '../../src/core/sampling';

const TYPES = ['ready', 'cancel', 'generate', 'save', 'copyPrompt', 'decode', 'interpolate', 'sample', 'gan', 'diffusion', 'nextToken', 'run', 'toString', '__proto__', 'constructor', ''];
const KEYS = ['type', 'request', 'id', 'prompt', 'steps', 'seed', 'latent', 'temperature', 'topK', 'count', 'width', 'height', 'model', '__proto__', 'constructor', 'prototype', 'a'.repeat(300)];

/** One random value: primitives, huge strings, nested objects with the panels' keys, prototype keys. */
export function randomMessage(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * 12);
  const numbers = [0, -1, 1.5, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 1, 7, 32, 512];
  switch (pick) {
    case 0: return null;
    case 1: return undefined;
    case 2: return next() < 0.5;
    case 3: return numbers[Math.floor(next() * numbers.length)];
    case 4: return 'x'.repeat(Math.floor(next() * 3) === 0 ? 100_000 : Math.floor(next() * 20));
    case 5: return TYPES[Math.floor(next() * TYPES.length)];
    case 6: return depth > 3 ? [] : Array.from({ length: Math.floor(next() * 4) }, () => randomMessage(next, depth + 1));
    default: {
      if (depth > 3) return {};
      const object: Record<string, unknown> = next() < 0.7 ? { type: TYPES[Math.floor(next() * TYPES.length)] } : {};
      for (let i = Math.floor(next() * 5); i > 0; i--) object[KEYS[Math.floor(next() * KEYS.length)]] = randomMessage(next, depth + 1);
      if (next() < 0.05) return JSON.parse(`{"type":"save","__proto__":{"polluted":true},"id":"x"}`);
      return object;
    }
  }
}

/** How many of `count` random messages made `validate` throw (it must answer each with ok or a reason). */
export function fuzzCrashes(validate: (value: unknown) => unknown, count: number, seed: number): number {
  const next = seededRandom(seed);
  let crashes = 0;
  for (let i = 0; i < count; i++) {
    try {
      validate(randomMessage(next));
    } catch {
      crashes++;
    }
  }
  return crashes;
}
