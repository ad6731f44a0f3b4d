// How far two renderings of the same images are apart, channel by channel: execution providers
// round floats differently, so a GPU's image is compared with the CPU's within a tolerance.

export interface PixelDifference {
  /** Mean absolute difference per channel, in levels of 255. */
  meanAbs: number;
  maxAbs: number;
}

/** After 20 denoising steps a few levels per channel on average is still the same picture. */
export const SAME_PICTURE: PixelDifference = { meanAbs: 2, maxAbs: 32 };

export function pixelDifference(a: readonly Uint8Array[], b: readonly Uint8Array[]): PixelDifference {
  if (a.length !== b.length || a.some((image, i) => image.length !== b[i].length)) throw new Error('the image sets differ in count or size');
  let sum = 0;
  let count = 0;
  let maxAbs = 0;
  a.forEach((image, i) => {
    image.forEach((value, j) => {
      const d = Math.abs(value - b[i][j]);
      sum += d;
      count++;
      maxAbs = Math.max(maxAbs, d);
    });
  });
  return { meanAbs: count === 0 ? 0 : sum / count, maxAbs };
}

export function withinTolerance(difference: PixelDifference, tolerance: PixelDifference = SAME_PICTURE): boolean {
  return difference.meanAbs <= tolerance.meanAbs && difference.maxAbs <= tolerance.maxAbs;
}
