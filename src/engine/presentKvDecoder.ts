// The decoder for the Transformers.js model interface: every pass takes the whole past keys/values
// (`past_key_values.*`) and returns them with the new positions appended (`present.*`). On WebGPU
// the keys/values stay in GPU buffers between passes (Transformers.js asks for the `present.*`
// outputs there), so this module also owns their lifetime: every tensor it replaces is freed, and
// shortening GPU tensors happens on the GPU.
import * as ort from 'onnxruntime-node';
import { CancelledError } from '../core/jobScheduler';
import { emptyPast, tokenFeeds } from './decoderFeeds';
import { resumableLength, type Decoder } from './decoder';
import type { DeviceKvSlicer } from './kvSlice';

export type Feeds = Record<string, ort.Tensor>;

export class PresentKvDecoder implements Decoder {
  private held: number[] = [];
  private past: Feeds | undefined;

  /** `slicer` shortens tensors that live on a GPU; without one every tensor must be on the CPU. */
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly slicer?: DeviceKvSlicer,
  ) {}

  get tokens(): readonly number[] {
    return this.held;
  }

  async resume(prompt: readonly number[]): Promise<number> {
    const kept = resumableLength(this.held, prompt);
    if (kept === 0) this.clear();
    else await this.keep(kept);
    return kept;
  }

  async feed(ids: readonly number[], runOptions?: ort.InferenceSession.RunOptions): Promise<ort.Tensor> {
    // The pass consumes the held keys/values: nothing is held while it may be half-applied.
    const { held, past } = this.take();
    let outputs: ort.InferenceSession.OnnxValueMapType;
    try {
      outputs = await this.session.run({ ...tokenFeeds(this.session, ids, held.length), ...(past ?? emptyPast(this.session)) }, runOptions);
    } catch (error) {
      // Refused before it started: the keys/values were not touched and are still good.
      if (error instanceof CancelledError) {
        this.held = held;
        this.past = past;
      } else if (past) releasePast(past);
      throw error;
    }
    if (past) releasePast(past);
    this.past = presentToPast(outputs);
    this.held = [...held, ...ids];
    return outputs.logits as ort.Tensor;
  }

  async keep(length: number): Promise<void> {
    if (length >= this.held.length) return;
    const { held, past } = this.take();
    this.past = await this.shorten(past!, length);
    this.held = held.slice(0, length);
  }

  clear(): void {
    const { past } = this.take();
    if (past) releasePast(past);
  }

  async dispose(): Promise<void> {
    this.clear();
    await this.slicer?.release();
  }

  private take(): { held: number[]; past: Feeds | undefined } {
    const taken = { held: this.held, past: this.past };
    this.held = [];
    this.past = undefined;
    return taken;
  }

  /** The first `length` positions of `past`, on the device they are on; `past` itself is consumed. */
  private async shorten(past: Feeds, length: number): Promise<Feeds> {
    try {
      const onDevice = Object.values(past).some((tensor) => tensor.location === 'gpu-buffer');
      if (onDevice && !this.slicer) throw new Error('keys/values on a GPU need a DeviceKvSlicer to be shortened');
      return onDevice ? await this.slicer!.truncate(past, length) : truncateOnHost(past, length);
    } finally {
      releasePast(past);
    }
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
