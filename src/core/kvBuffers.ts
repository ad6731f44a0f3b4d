// The keys/values of one token sequence, one buffer per name (a layer's keys, a layer's values),
// each laid out [heads, capacity, headDim] as attention reads them. A decoder feeds the whole
// buffers to every pass and the attention mask marks the held rows, so no pass copies the past;
// capacity grows in steps of ROW_STEP rows, because a pass reads every row it is given.

/** Capacity grows to the next multiple of this many rows. */
export const ROW_STEP = 64;

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
   * Writes the rows of new tokens at row `at` of `name`: `rows` is [tokens, heads * headDim], each
   * token's heads side by side (how a pass returns them). Rows before `at` are kept; the capacity
   * grows first if needed.
   */
  write(name: string, at: number, rows: Float32Array): void {
    const width = this.heads * this.headDim;
    if (rows.length % width !== 0) throw new Error(`${rows.length} floats are not whole rows of ${width}`);
    const tokens = rows.length / width;
    this.ensure(at + tokens, at);
    const buffer = this.buffer(name);
    const { heads, headDim } = this;
    // Element by element: a subarray per head and token made a few hundred objects per pass.
    for (let t = 0; t < tokens; t++) {
      for (let h = 0; h < heads; h++) {
        const from = t * width + h * headDim;
        const to = (h * this.rows + at + t) * headDim;
        for (let d = 0; d < headDim; d++) buffer[to + d] = rows[from + d];
      }
    }
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
