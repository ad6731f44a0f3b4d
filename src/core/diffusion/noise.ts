// Seeded Gaussian noise that is the same on every platform: mulberry32 (32-bit integer math only)
// for uniforms, Box-Muller for normals. Images are reproducible from their seed within GenAI Studio;
// no RNG of another language is reproduced (see models-offline.md).
import type { NoiseSource } from './schedulers';

/** Seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

export class GaussianNoise implements NoiseSource {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new RangeError(`A seed is a whole number from 0 to ${MAX_SEED}; got ${seed}.`);
    this.state = seed >>> 0;
  }

  /** A uniform draw in (0, 1): never 0, so the logarithm below is finite. */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }

  normal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  gaussian(length: number): Float64Array {
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = this.normal();
    return out;
  }
}

/** A fresh seed for a request that did not fix one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * (MAX_SEED + 1));
}
