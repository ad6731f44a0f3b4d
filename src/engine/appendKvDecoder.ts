// The decoder for graphs made by tools/code-model/append_kv.py (onnx/model_append_kv.onnx next to
// a model's onnx/model.onnx): the past keys/values go in as the buffers this module owns, whole, with
// an attention bias hiding the rows not held, and a pass returns only the rows of the tokens it was
// fed, which are copied into the buffers here. With the usual interface every pass returns the
// whole cache, which ONNX Runtime for Node copies into new JavaScript buffers for the garbage
// collector to free: for a small model with a few hundred tokens of context, most of what a pass
// costs. CPU only: on a GPU the usual interface keeps the cache in GPU memory instead.
import * as ort from 'onnxruntime-node';
import { KvBuffers } from '../core/kvBuffers';
import { EngineErrorCode } from '../protocol';
import { resumableLength, type Decoder } from './decoder';
import { idsTensor, positionsTensor } from './decoderFeeds';
import { EngineError } from './errors';

/** The graph's file name in a model's onnx/ folder. */
export const APPEND_KV_FILE = 'model_append_kv.onnx';

export class AppendKvDecoder implements Decoder {
  private held: number[] = [];
  private readonly kv: KvBuffers;
  private readonly pastTensors = new Map<string, ort.Tensor>();

  static async load(file: string, executionProvider: ort.InferenceSession.ExecutionProviderConfig): Promise<AppendKvDecoder> {
    const session = await ort.InferenceSession.create(file, { executionProviders: [executionProvider] });
    try {
      return new AppendKvDecoder(session, file);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  constructor(
    private readonly session: ort.InferenceSession,
    file: string,
  ) {
    const past = session.inputMetadata.filter((meta) => meta.name.startsWith('past_'));
    const layouts = new Set(past.map((meta) => (meta.isTensor ? `${meta.shape[1]}x${meta.shape[3]}` : '')));
    const [heads, headDim] = [...layouts][0]?.split('x').map(Number) ?? [];
    const outputs = new Set(session.outputNames);
    const names = past.map((meta) => meta.name.slice('past_'.length));
    const wellFormed = past.length > 0 && layouts.size === 1 && heads > 0 && headDim > 0 && session.inputNames.includes('attention_bias');
    if (!wellFormed || !outputs.has('logits') || names.some((name) => !outputs.has(`new_${name}`))) {
      throw new EngineError(
        EngineErrorCode.ModelInvalid,
        `${file} is not an append-KV graph of this version (attention_bias and past_*: [1, heads, capacity, head_dim] in, logits and new_*: [1, heads, tokens, head_dim] out). Delete it, or rewrite it with tools/code-model/append_kv.py.`,
      );
    }
    this.kv = new KvBuffers(names, heads, headDim);
  }

  get tokens(): readonly number[] {
    return this.held;
  }

  async resume(prompt: readonly number[]): Promise<number> {
    const kept = resumableLength(this.held, prompt);
    this.held = this.held.slice(0, kept);
    return kept;
  }

  async feed(ids: readonly number[], runOptions?: ort.InferenceSession.RunOptions): Promise<ort.Tensor> {
    const pastLength = this.held.length;
    const n = ids.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: idsTensor(ids),
      position_ids: positionsTensor(n, pastLength),
      attention_bias: new ort.Tensor('float32', this.kv.attentionBias(pastLength, n), [1, 1, n, this.kv.capacity + n]),
    };
    for (const name of this.kv.names) feeds[`past_${name}`] = this.pastTensor(name);
    const outputs = await this.session.run(feeds, runOptions);
    // Written only once the pass has succeeded, so a failed pass leaves the held tokens as they were.
    for (const name of this.kv.names) this.kv.write(name, pastLength, outputs[`new_${name}`].data as Float32Array);
    this.held.push(...ids);
    return outputs.logits as ort.Tensor;
  }

  /** The tensor over a buffer, made again only when growing replaced the buffer (passes write into it in place). */
  private pastTensor(name: string): ort.Tensor {
    const buffer = this.kv.buffer(name);
    let tensor = this.pastTensors.get(name);
    if (tensor?.data !== buffer) {
      tensor = new ort.Tensor('float32', buffer, [1, this.kv.heads, this.kv.capacity, this.kv.headDim]);
      this.pastTensors.set(name, tensor);
    }
    return tensor;
  }

  async keep(length: number): Promise<void> {
    if (length < this.held.length) this.held = this.held.slice(0, length);
  }

  clear(): void {
    this.held = [];
  }

  async dispose(): Promise<void> {
    this.clear();
    await this.session.release();
  }
}
