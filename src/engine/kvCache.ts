// Keeps the attention keys/values of the last prompt a model processed, so the next prompt
// resumes from their longest common token prefix: one more typed character costs a few tokens,
// not the whole prompt.
import * as ort from 'onnxruntime-node';
import { commonPrefixLength } from '../core/tokens';

export type Feeds = Record<string, ort.Tensor>;

export interface Resume {
  /** Cached keys/values for the first `reused` tokens of the prompt (empty when nothing is reused). */
  past: Feeds | undefined;
  reused: number;
}

export class KvCache {
  private tokens: number[] = [];
  private past: Feeds | undefined;

  /** The cache for the longest usable prefix of `prompt`, leaving at least one token to feed. */
  resume(prompt: readonly number[]): Resume {
    if (!this.past) return { past: undefined, reused: 0 };
    // The last prompt token must be fed again: its logits are what the next token is sampled from.
    const reused = Math.min(commonPrefixLength(this.tokens, prompt), prompt.length - 1);
    if (reused <= 0) return { past: undefined, reused: 0 };
    return { past: reused === this.tokens.length ? this.past : truncatePast(this.past, reused), reused };
  }

  /** Remembers the keys/values of exactly `tokens` (every token fed so far). */
  store(tokens: readonly number[], past: Feeds): void {
    this.tokens = [...tokens];
    this.past = past;
  }

  clear(): void {
    this.tokens = [];
    this.past = undefined;
  }

  get length(): number {
    return this.tokens.length;
  }
}

/** Keeps the first `length` positions of every `[batch, heads, sequence, headDim]` tensor. */
export function truncatePast(past: Feeds, length: number): Feeds {
  const out: Feeds = {};
  for (const [name, tensor] of Object.entries(past)) {
    const [batch, heads, sequence, headDim] = tensor.dims;
    const data = tensor.data as Float32Array | Uint16Array;
    const sliced = new (data.constructor as Float32ArrayConstructor | Uint16ArrayConstructor)(batch * heads * length * headDim);
    for (let row = 0; row < batch * heads; row++) {
      sliced.set(data.subarray(row * sequence * headDim, row * sequence * headDim + length * headDim), row * length * headDim);
    }
    out[name] = new ort.Tensor(tensor.type as 'float32', sliced, [batch, heads, length, headDim]);
  }
  return out;
}
