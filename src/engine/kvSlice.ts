// Cuts GPU-resident keys/values to a length without leaving the GPU. onnxruntime-node 1.30 cannot
// download a WebGPU tensor (`getData()` aborts the process), and a round trip through host memory
// is what keeping the cache on the device avoids anyway, so truncation runs a one-node ONNX `Slice`
// graph on the same execution provider. The graph is encoded here with protobufjs from the few
// fields of onnx.proto it needs.
import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import type { Feeds } from './presentKvDecoder';

/** The subset of onnx.proto (field numbers as in the ONNX spec) that a one-node graph needs. */
const ONNX_SUBSET = {
  nested: {
    ModelProto: { fields: { irVersion: { type: 'int64', id: 1 }, graph: { type: 'GraphProto', id: 7 }, opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 } } },
    OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
    GraphProto: {
      fields: {
        node: { rule: 'repeated', type: 'NodeProto', id: 1 },
        name: { type: 'string', id: 2 },
        input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
        output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
      },
    },
    NodeProto: { fields: { input: { rule: 'repeated', type: 'string', id: 1 }, output: { rule: 'repeated', type: 'string', id: 2 }, opType: { type: 'string', id: 4 } } },
    ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
    TypeProto: { fields: { tensorType: { type: 'TensorTypeProto', id: 1 } } },
    TensorTypeProto: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
    TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
    Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
  },
};

/** TensorProto.DataType codes. */
const ELEM_TYPE = { float32: 1, int64: 7, float16: 10 } as const;
export type KvType = 'float32' | 'float16';

function tensorInfo(name: string, elemType: number, dims: (string | number)[]) {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/** `kept = Slice(past, starts, ends, axes)` over a `[batch, heads, sequence, headDim]` tensor of `type`. */
export function sliceGraph(type: KvType): Uint8Array {
  const ModelProto = protobuf.Root.fromJSON(ONNX_SUBSET).lookupType('ModelProto');
  const bounds = ['starts', 'ends', 'axes'].map((name) => tensorInfo(name, ELEM_TYPE.int64, [1]));
  return ModelProto.encode(
    ModelProto.fromObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'kv_slice',
        node: [{ opType: 'Slice', input: ['past', 'starts', 'ends', 'axes'], output: ['kept'] }],
        input: [tensorInfo('past', ELEM_TYPE[type], ['batch', 'heads', 'sequence', 'head_dim']), ...bounds],
        output: [tensorInfo('kept', ELEM_TYPE[type], ['batch', 'heads', 'kept_sequence', 'head_dim'])],
      },
    }),
  ).finish();
}

const SEQUENCE_AXIS = 2n;

/** Truncates keys/values on `device`; one small session per element type, made on first use. */
export class DeviceKvSlicer {
  private readonly sessions = new Map<KvType, Promise<ort.InferenceSession>>();

  constructor(private readonly provider: ort.InferenceSession.ExecutionProviderConfig) {}

  async truncate(past: Feeds, length: number): Promise<Feeds> {
    const bounds = {
      starts: new ort.Tensor('int64', BigInt64Array.of(0n), [1]),
      ends: new ort.Tensor('int64', BigInt64Array.of(BigInt(length)), [1]),
      axes: new ort.Tensor('int64', BigInt64Array.of(SEQUENCE_AXIS), [1]),
    };
    const out: Feeds = {};
    for (const [name, tensor] of Object.entries(past)) {
      const session = await this.session(tensor.type as KvType);
      out[name] = (await session.run({ past: tensor, ...bounds })).kept as ort.Tensor;
    }
    return out;
  }

  async release(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (session) => (await session).release()));
  }

  private session(type: KvType): Promise<ort.InferenceSession> {
    let session = this.sessions.get(type);
    if (!session) {
      session = ort.InferenceSession.create(sliceGraph(type), { executionProviders: [this.provider], preferredOutputLocation: 'gpu-buffer' });
      this.sessions.set(type, session);
    }
    return session;
  }
}
