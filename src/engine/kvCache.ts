// Keeps the attention keys/values of the last prompt a model processed, so the next prompt
// resumes from their longest common token prefix: one more typed character costs a few tokens,
// not the whole prompt. On WebGPU the keys/values stay in GPU buffers between passes
// (Transformers.js asks for the `present.*` outputs there), so this module also owns their
// lifetime: every tensor it replaces is freed, and shortening GPU tensors happens on the GPU.
import * as ort from 'onnxruntime-node';
import { commonPrefixLength } from '../core/tokens';
import type { DeviceKvSlicer } from './kvSlice';

export type Feeds = Record<string, ort.Tensor>;

export interface Resume {
  /** Keys/values for the first `reused` tokens of the prompt (undefined when nothing is reused); the caller owns them. */
  past: Feeds | undefined;
  reused: number;
}

export class KvCache {
  private tokens: number[] = [];
  private past: Feeds | undefined;

  /** `slicer` shortens tensors that live on a GPU; without one every tensor must be on the CPU. */
  constructor(private readonly slicer?: DeviceKvSlicer) {}

  /**
   * Hands over the keys/values for the longest usable prefix of `prompt`, leaving at least one token
   * to feed, and empties the cache: while a forward pass may be half-applied nothing is kept here.
   */
  async take(prompt: readonly number[]): Promise<Resume> {
    const { tokens, past } = this;
    this.tokens = [];
    this.past = undefined;
    if (!past) return { past: undefined, reused: 0 };
    // The last prompt token must be fed again: its logits are what the next token is sampled from.
    const reused = Math.min(commonPrefixLength(tokens, prompt), prompt.length - 1);
    if (reused <= 0) {
      releasePast(past);
      return { past: undefined, reused: 0 };
    }
    return { past: reused === tokens.length ? past : await this.shorten(past, reused), reused };
  }

  /** Remembers the keys/values of exactly `tokens` (every token fed so far) and takes ownership of them. */
  store(tokens: readonly number[], past: Feeds): void {
    if (this.past !== past) this.clear();
    this.tokens = [...tokens];
    this.past = past;
  }

  /** The first `length` positions of `past`, on the device they are on; `past` itself is consumed. */
  async shorten(past: Feeds, length: number): Promise<Feeds> {
    const onDevice = Object.values(past).some((tensor) => tensor.location === 'gpu-buffer');
    if (onDevice && !this.slicer) throw new Error('keys/values on a GPU need a DeviceKvSlicer to be shortened');
    const kept = onDevice ? await this.slicer!.truncate(past, length) : truncateOnHost(past, length);
    releasePast(past);
    return kept;
  }

  clear(): void {
    if (this.past) releasePast(this.past);
    this.tokens = [];
    this.past = undefined;
  }

  async dispose(): Promise<void> {
    this.clear();
    await this.slicer?.release();
  }

  get length(): number {
    return this.tokens.length;
  }
}

/** The `present.*` outputs of a pass, named as the next pass's `past_key_values.*` inputs. */
export function presentToPast(outputs: ort.InferenceSession.OnnxValueMapType): Feeds {
  const feeds: Feeds = {};
  for (const [name, value] of Object.entries(outputs)) {
    if (name.startsWith('present')) feeds[name.replace(/^present/, 'past_key_values')] = value as ort.Tensor;
  }
  return feeds;
}

/** Frees the GPU buffers of keys/values nobody feeds again (CPU tensors are left to the GC). */
export function releasePast(past: Feeds): void {
  for (const tensor of Object.values(past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
}

/** Keeps the first `length` positions of every `[batch, heads, sequence, headDim]` CPU tensor. */
export function truncateOnHost(past: Feeds, length: number): Feeds {
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
