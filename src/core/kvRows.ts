// The keys/values of one token sequence as rows of `width` floats per name (one name per layer's
// keys and per layer's values), in buffers that grow by doubling. The first n rows of a name are a
// plain view of its buffer, which is what a decoder feeds as the past without copying it.

export class KvRows {
  private readonly buffers = new Map<string, Float32Array>();
  private capacity: number;

  constructor(
    readonly names: readonly string[],
    readonly width: number,
    initialRows = 64,
  ) {
    this.capacity = initialRows;
    for (const name of names) this.buffers.set(name, new Float32Array(initialRows * width));
  }

  /** The first `length` rows of `name`; a view, valid until a write grows the buffers. */
  view(name: string, length: number): Float32Array {
    return this.buffer(name).subarray(0, length * this.width);
  }

  /** Writes whole rows of `name` starting at row `at`; the rows before `at` are kept. */
  write(name: string, at: number, rows: Float32Array): void {
    if (rows.length % this.width !== 0) throw new Error(`${rows.length} floats are not whole rows of ${this.width}`);
    this.ensure(at + rows.length / this.width, at);
    this.buffer(name).set(rows, at * this.width);
  }

  /** Room for `rows` rows in every buffer, keeping the first `keep` of each. */
  private ensure(rows: number, keep: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, 2 * this.capacity);
    for (const [name, old] of this.buffers) {
      const grown = new Float32Array(capacity * this.width);
      grown.set(old.subarray(0, keep * this.width));
      this.buffers.set(name, grown);
    }
    this.capacity = capacity;
  }

  private buffer(name: string): Float32Array {
    const buffer = this.buffers.get(name);
    if (!buffer) throw new Error(`no rows named ${name}`);
    return buffer;
  }
}
