// The keys/values of one token sequence, one buffer per name (a layer's keys, a layer's values),
// each laid out [heads, capacity, headDim] as attention reads them. A decoder feeds the whole
// buffers to every pass and an attention bias hides the rows not held, so no pass copies the past;
// capacity grows in steps of ROW_STEP rows, because a pass reads every row it is given.

/** Capacity grows to the next multiple of this many rows. */
export const ROW_STEP = 64;

/** A bias that takes a key out of the softmax (exp(-1e9) is 0 in float32). */
const HIDDEN = -1e9;

export class KvBuffers {
  private readonly buffers = new Map<string, Float32Array>();
  private rows = ROW_STEP;

  constructor(
    readonly names: readonly string[],
    readonly heads: number,
    readonly headDim: number,
  ) {
    for (const name of names) this.buffers.set(name, new Float32Array(heads * this.rows * headDim));
  }

  /** Rows per head in every buffer now. */
  get capacity(): number {
    return this.rows;
  }

  /** The whole buffer of `name`, [heads, capacity, headDim]; replaced when the capacity grows. */
  buffer(name: string): Float32Array {
    const buffer = this.buffers.get(name);
    if (!buffer) throw new Error(`no keys/values named ${name}`);
    return buffer;
  }

  /**
   * Writes the rows of new tokens at row `at` of `name`: `rows` is [heads, tokens, headDim], as a
   * pass returns them. Rows before `at` are kept; the capacity grows first if needed.
   */
  write(name: string, at: number, rows: Float32Array): void {
    const { heads, headDim } = this;
    if (rows.length % (heads * headDim) !== 0) throw new Error(`${rows.length} floats are not whole rows of ${heads} heads x ${headDim}`);
    const tokens = rows.length / (heads * headDim);
    this.ensure(at + tokens, at);
    const buffer = this.buffer(name);
    const block = tokens * headDim;
    for (let h = 0; h < heads; h++) buffer.set(rows.subarray(h * block, (h + 1) * block), (h * this.rows + at) * headDim);
  }

  /**
   * The additive attention bias of a pass over `tokens` new tokens after `held` rows, [tokens,
   * capacity + tokens]: 0 where a new token may look (the held rows, and the new tokens up to
   * itself), -1e9 elsewhere (capacity not held, later new tokens).
   */
  attentionBias(held: number, tokens: number): Float32Array {
    const width = this.rows + tokens;
    const bias = new Float32Array(tokens * width).fill(HIDDEN);
    for (let t = 0; t < tokens; t++) {
      bias.fill(0, t * width, t * width + held);
      bias.fill(0, t * width + this.rows, t * width + this.rows + t + 1);
    }
    return bias;
  }

  /** Room for `needed` rows per head, keeping the first `keep` of each head. */
  private ensure(needed: number, keep: number): void {
    if (needed <= this.rows) return;
    const rows = Math.ceil(needed / ROW_STEP) * ROW_STEP;
    for (const [name, old] of this.buffers) {
      const grown = new Float32Array(this.heads * rows * this.headDim);
      for (let h = 0; h < this.heads; h++) {
        grown.set(old.subarray(h * this.rows * this.headDim, (h * this.rows + keep) * this.headDim), h * rows * this.headDim);
      }
      this.buffers.set(name, grown);
    }
    this.rows = rows;
  }
}
