// Picks the next token from logits: greedy, or temperature + top-k + top-p with a seeded RNG,
// so a seed reproduces a generation exactly.

export interface SamplingOptions {
  /** 0 (or below) means greedy. */
  temperature: number;
  /** 0 disables top-k. */
  topK: number;
  /** 1 disables nucleus sampling. */
  topP: number;
}

export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/** Softmax of `logits / temperature`, numerically stable. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp((logits[i] - max) / temperature);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, random: () => number): number {
  if (options.temperature <= 0) return argmax(logits);
  const probs = softmax(logits, options.temperature);
  let order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
  if (options.topK > 0) order = order.slice(0, options.topK);
  if (options.topP < 1) {
    let cumulative = 0;
    let cut = order.length;
    for (let i = 0; i < order.length; i++) {
      cumulative += probs[order[i]];
      if (cumulative >= options.topP) {
        cut = i + 1;
        break;
      }
    }
    order = order.slice(0, cut);
  }
  const total = order.reduce((sum, id) => sum + probs[id], 0);
  let r = random() * total;
  for (const id of order) {
    r -= probs[id];
    if (r <= 0) return id;
  }
  return order[order.length - 1];
}

/** mulberry32: small, fast, and the same sequence on every platform for a given seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
