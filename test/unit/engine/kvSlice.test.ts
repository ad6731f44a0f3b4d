// The one-node Slice graph that shortens GPU-resident keys/values, run here on ONNX Runtime's CPU
// provider (the WebGPU run is in webgpu.test.ts): the same numbers as slicing on the host.
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { truncateOnHost, type Feeds } from '../../../src/engine/presentKvDecoder';
import { DeviceKvSlicer } from '../../../src/engine/kvSlice';

function past(type: 'float32' | 'float16', sequence: number): Feeds {
  const size = 2 * sequence * 4;
  const data = type === 'float32' ? Float32Array.from({ length: size }, (_, i) => i / 7) : Uint16Array.from({ length: size }, (_, i) => 0x3c00 + i);
  return { 'past_key_values.0.key': new ort.Tensor(type, data, [1, 2, sequence, 4]), 'past_key_values.0.value': new ort.Tensor(type, data.slice().reverse(), [1, 2, sequence, 4]) };
}

describe('DeviceKvSlicer', () => {
  const slicer = new DeviceKvSlicer('cpu');
  after(() => slicer.release());

  for (const type of ['float32', 'float16'] as const) {
    it(`keeps the first positions of every ${type} head, as slicing on the host does`, async () => {
      const full = past(type, 9);
      const onDevice = await slicer.truncate(full, 5);
      const onHost = truncateOnHost(full, 5);
      for (const name of Object.keys(full)) {
        assert.deepEqual(onDevice[name].dims, [1, 2, 5, 4]);
        assert.equal(onDevice[name].type, type);
        assert.deepEqual(Array.from(onDevice[name].data as Float32Array), Array.from(onHost[name].data as Float32Array));
      }
    });
  }
});
