// The two ways a prompt steers denoising: classifier-free guidance over a batch of two predictions,
// and LCM's guidance-scale embedding fed to the UNet as `timestep_cond`.

/** eps_u + w (eps_c - eps_u), where the UNet output holds the unconditional batch row first. */
export function combineGuidance(batched: ArrayLike<number>, guidance: number): Float64Array {
  const n = batched.length / 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const uncond = batched[i];
    out[i] = uncond + guidance * (batched[n + i] - uncond);
  }
  return out;
}

/** diffusers' get_guidance_scale_embedding(w = guidance - 1): sin and cos of (1000 w) over a log-spaced frequency ladder. */
export function guidanceEmbedding(guidance: number, dim: number): Float32Array {
  const w = (guidance - 1) * 1000;
  const half = Math.floor(dim / 2);
  const out = new Float32Array(dim);
  const scale = Math.log(10000) / (half - 1);
  for (let i = 0; i < half; i++) {
    const angle = w * Math.exp(-scale * i);
    out[i] = Math.sin(angle);
    out[half + i] = Math.cos(angle);
  }
  return out;
}
