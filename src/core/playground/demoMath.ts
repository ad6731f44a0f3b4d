// The playground's pure math: interpolation, the diffusion forward process, greyscale images as RGB
// bytes, reconstruction error and the top of a token distribution.

/** a + t (b - a), element by element. */
export function lerp(a: ArrayLike<number>, b: ArrayLike<number>, t: number): number[] {
  if (a.length !== b.length) throw new RangeError(`Cannot interpolate vectors of ${a.length} and ${b.length} values.`);
  return Array.from({ length: a.length }, (_, i) => a[i] + t * (b[i] - a[i]));
}

/** The diffusion forward process at one noise level: x_t = sqrt(acp) x0 + sqrt(1 - acp) eps. */
export function forwardNoise(x0: ArrayLike<number>, eps: ArrayLike<number>, alphaCumprod: number): Float64Array {
  if (x0.length !== eps.length) throw new RangeError(`x0 has ${x0.length} values and the noise ${eps.length}.`);
  const signal = Math.sqrt(alphaCumprod);
  const noise = Math.sqrt(1 - alphaCumprod);
  return Float64Array.from({ length: x0.length }, (_, i) => signal * x0[i] + noise * eps[i]);
}

/** One greyscale channel in [0, 1] (clipped) as interleaved 8-bit RGB. */
export function greyToRgb(values: ArrayLike<number>): Uint8Array {
  const rgb = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) rgb.fill(Math.round(Math.min(1, Math.max(0, values[i])) * 255), 3 * i, 3 * i + 3);
  return rgb;
}

export function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`Cannot compare images of ${a.length} and ${b.length} values.`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}

export interface TopEntries {
  /** The k most probable indices, most probable first, with their probabilities. */
  top: { index: number; probability: number }[];
  /** The probability of every other index. */
  other: number;
}

export function topEntries(probabilities: ArrayLike<number>, k: number): TopEntries {
  const order = Array.from({ length: probabilities.length }, (_, i) => i).sort((a, b) => probabilities[b] - probabilities[a]);
  const top = order.slice(0, k).map((index) => ({ index, probability: probabilities[index] }));
  let other = 0;
  for (const index of order.slice(k)) other += probabilities[index];
  return { top, other };
}
