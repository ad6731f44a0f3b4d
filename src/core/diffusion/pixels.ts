// The VAE decoder's output ([1, 3, h, w], values in [-1, 1]) as interleaved 8-bit RGB.

export function decodedToRgb(sample: ArrayLike<number>, width: number, height: number): Uint8Array {
  const plane = width * height;
  if (sample.length < 3 * plane) throw new RangeError(`The decoded image has ${sample.length} values; ${3 * plane} were expected for ${width}x${height} RGB.`);
  const rgb = new Uint8Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const unit = Math.min(1, Math.max(0, sample[c * plane + p] / 2 + 0.5));
      rgb[3 * p + c] = Math.round(unit * 255);
    }
  }
  return rgb;
}

/** Latents scaled for the VAE decoder (diffusers divides by the VAE's scaling_factor). */
export function unscaleLatents(latents: ArrayLike<number>, scalingFactor: number): Float32Array {
  const out = new Float32Array(latents.length);
  for (let i = 0; i < latents.length; i++) out[i] = latents[i] / scalingFactor;
  return out;
}
