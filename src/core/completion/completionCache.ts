// Remembers suggestions by the text before the cursor so that typing into a
// suggestion (or coming back to a position) needs no new model call.

export interface CompletionCacheOptions {
  /** Least recently used entries go first beyond this. */
  readonly maxEntries?: number;
  /** How many typed characters `lookup` walks back over. */
  readonly maxWalkBack?: number;
  /** Keys keep only this many trailing characters of the prefix, bounding memory on big files. */
  readonly keyChars?: number;
}

export class CompletionCache {
  private readonly entries = new Map<string, string>();
  private readonly maxEntries: number;
  private readonly maxWalkBack: number;
  private readonly keyChars: number;

  constructor(options: CompletionCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 500;
    this.maxWalkBack = options.maxWalkBack ?? 64;
    this.keyChars = options.keyChars ?? 2000;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * `suffixKey` tells apart positions with the same prefix but different text
   * after the cursor; callers pass e.g. the rest of the line and the next one.
   */
  set(prefix: string, suffixKey: string, completion: string): void {
    const key = this.key(prefix, suffixKey);
    this.entries.delete(key);
    this.entries.set(key, completion);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The suggestion stored for exactly this position. */
  get(prefix: string, suffixKey: string): string | undefined {
    return this.touch(this.key(prefix, suffixKey));
  }

  /**
   * Walks back along `prefix`: when the characters typed since a cached
   * position start its suggestion, returns what is left of it (cached at
   * "foo(" → "bar)"; prefix "foo(b" → "ar)"). Nearest position first.
   */
  lookup(prefix: string, suffixKey: string): string | undefined {
    const stop = Math.max(0, prefix.length - this.maxWalkBack);
    for (let end = prefix.length; end >= stop; end--) {
      const key = this.key(prefix.slice(0, end), suffixKey);
      const completion = this.entries.get(key);
      const typed = prefix.slice(end);
      if (completion !== undefined && completion.length > typed.length && completion.startsWith(typed)) {
        this.touch(key);
        return completion.slice(typed.length);
      }
    }
    return undefined;
  }

  clear(): void {
    this.entries.clear();
  }

  /** Marks an entry most recently used: Map iteration follows insertion order. */
  private touch(key: string): string | undefined {
    const completion = this.entries.get(key);
    if (completion !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, completion);
    }
    return completion;
  }

  private key(prefix: string, suffixKey: string): string {
    return `${suffixKey}\u0000${prefix.slice(-this.keyChars)}`;
  }
}
