// Input tensors of a decoder-only ONNX model in the Transformers.js layout: token ids, the
// attention mask, positions (when declared) and the past keys/values.
import * as ort from 'onnxruntime-node';
import type { Feeds } from './presentKvDecoder';

/** Feeds for `ids` following `pastLength` cached tokens (batch of one). */
export function tokenFeeds(session: ort.InferenceSession, ids: readonly number[], pastLength: number): Feeds {
  const n = ids.length;
  const feeds: Feeds = {
    input_ids: idsTensor(ids),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLength + n).fill(1n), [1, pastLength + n]),
  };
  if (session.inputNames.includes('position_ids')) feeds.position_ids = positionsTensor(n, pastLength);
  return feeds;
}

/** `input_ids` for a batch of one. */
export function idsTensor(ids: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
}

/** `position_ids` of `n` tokens after `pastLength` cached ones, for a batch of one. */
export function positionsTensor(n: number, pastLength: number): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(pastLength + i)), [1, n]);
}

/** The first step's cache: every declared past input with its sequence dimension 0. */
export function emptyPast(session: ort.InferenceSession): Feeds {
  const feeds: Feeds = {};
  for (const meta of session.inputMetadata) {
    if (!meta.name.startsWith('past_key_values.') || !meta.isTensor) continue;
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0));
    const type = meta.type === 'float16' ? 'float16' : 'float32';
    feeds[meta.name] = new ort.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims);
  }
  return feeds;
}
