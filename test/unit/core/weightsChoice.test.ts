import assert from 'node:assert/strict';
import { chooseDtype } from '../../../src/core/weightsChoice';

describe('which weights file runs', () => {
  const all = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];

  it('follows the device: 8-bit on the CPU, fp16 on CUDA and DirectML, q4f16 on WebGPU', () => {
    assert.equal(chooseDtype(all, 'cpu'), 'q8');
    assert.equal(chooseDtype(all, 'cuda'), 'fp16');
    assert.equal(chooseDtype(all, 'dml'), 'fp16');
    assert.equal(chooseDtype(all, 'webgpu'), 'q4f16');
  });

  it('takes the next best the repository has (no 8-bit kernels on WebGPU: fp32 before q8)', () => {
    assert.equal(chooseDtype(['fp32', 'q8'], 'webgpu'), 'fp32');
    assert.equal(chooseDtype(['fp32', 'fp16'], 'cpu'), 'fp32');
    assert.equal(chooseDtype(['q4'], 'cuda'), 'q4');
  });

  it('takes the precision a setting names, or says what the repository has', () => {
    assert.equal(chooseDtype(all, 'cpu', 'fp16'), 'fp16');
    assert.throws(() => chooseDtype(['fp32', 'q8'], 'cpu', 'q4f16'), /no q4f16 weights \(onnx\/model_q4f16\.onnx\); it has fp32, q8\. Set the weights setting to auto or one of those/);
    assert.throws(() => chooseDtype(all, 'cpu', 'fp8'), /"fp8" is not a weights precision: use auto or one of fp32, fp16, q8, int8, q4, q4f16/);
    assert.throws(() => chooseDtype([], 'cpu'), /no ONNX weights that GenAI Studio can run \(found: none\)/);
  });
});
