// A causal LM's forward passes over one growing token sequence. The decoder holds the attention
// keys/values of every token it was fed, so the next prompt resumes from their longest common prefix
// (one more typed character costs a few tokens, not the whole prompt) and the keys/values of
// prompt-lookup guesses the model rejected are dropped without another pass. Two implementations:
// presentKvDecoder (any Transformers.js-layout model, CPU or GPU) and appendKvDecoder (graphs made
// by tools/code-model/append_kv.py, on the CPU).
import type * as ort from 'onnxruntime-node';
import { commonPrefixLength } from '../core/tokens';

export interface Decoder {
  /** The tokens whose keys/values are held, in order. */
  readonly tokens: readonly number[];
  /**
   * Keeps the keys/values of the longest prefix of `prompt` it holds, short of the prompt's last token
   * (whose logits are what the next token is drawn from), and drops the rest; returns how many it kept.
   */
  resume(prompt: readonly number[]): Promise<number>;
  /**
   * One forward pass over `ids` after the held tokens, which then include them; returns the logits,
   * `[1, ids.length, vocab]`. If the pass fails, `tokens` still names exactly what is held; a pass
   * that `runOptions` refuse before it starts (engine/cancellableRun) leaves everything held.
   */
  feed(ids: readonly number[], runOptions?: ort.InferenceSession.RunOptions): Promise<ort.Tensor>;
  /** Drops the held tokens after the first `length`. */
  keep(length: number): Promise<void>;
  clear(): void;
  dispose(): Promise<void>;
}

/** How many tokens a decoder holding `held` keeps for `prompt` (see Decoder.resume). */
export function resumableLength(held: readonly number[], prompt: readonly number[]): number {
  return Math.max(0, Math.min(commonPrefixLength(held, prompt), prompt.length - 1));
}
