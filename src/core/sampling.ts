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
  let order = candidates(probs, options);
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

/**
 * The token ids top-k and top-p choose from, most probable first (ties by id). A hub model's
 * vocabulary has ~150k entries, and sorting all of them for every token costs more than the
 * forward pass: a nucleus is found among the top 64, then 1024 ids instead, and only a flat
 * distribution, whose nucleus is a large share of the vocabulary, pays for a full sort.
 */
function candidates(probs: Float64Array, options: SamplingOptions): number[] {
  const limit = options.topK > 0 ? Math.min(options.topK, probs.length) : probs.length;
  // Beyond this many ids, one sort of the whole vocabulary is cheaper than the heap.
  const heapMost = probs.length / 16;
  if (options.topP < 1) {
    for (let n = 64; n < limit && n <= heapMost; n *= 16) {
      const top = topIndices(probs, n);
      if (top.reduce((sum, id) => sum + probs[id], 0) >= options.topP) return top;
    }
  }
  // A flat distribution's nucleus is a large share of the vocabulary.
  if (limit > heapMost) return Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b).slice(0, limit);
  return topIndices(probs, limit);
}

/** The `k` ids of the largest values, largest first, ties by smaller id: a min-heap of k over one pass. */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  // `before(a, b)`: a ranks above b.
  const before = (a: number, b: number) => values[a] > values[b] || (values[a] === values[b] && a < b);
  const heap: number[] = [];
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && before(heap[worst], heap[l])) worst = l;
      if (r < heap.length && before(heap[worst], heap[r])) worst = r;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst], heap[i]];
      i = worst;
    }
  };
  for (let id = 0; id < values.length; id++) {
    if (heap.length < k) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!before(heap[parent], heap[i])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (k > 0 && before(id, heap[0])) {
      heap[0] = id;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (before(a, b) ? -1 : 1));
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
