// Which weights file of a hub repository runs, by device: each ONNX export ships several precisions,
// and the fast one differs per execution provider. 8-bit (MatMulInteger) runs well on the CPU but has no
// WebGPU kernels; fp16 is what CUDA and DirectML run fastest; q4f16 (MatMulNBits with fp16 activations)
// is what Transformers.js recommends for WebGPU. A setting can name one precision instead.
import type { ExecutionDevice } from '../protocol';

export const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'q4', 'q4f16'] as const;
export type Dtype = (typeof DTYPES)[number];

/** The weight file Transformers.js reads, in onnx/, for each precision. */
export const DTYPE_FILES: Readonly<Record<Dtype, string>> = {
  fp32: 'model.onnx',
  fp16: 'model_fp16.onnx',
  q8: 'model_quantized.onnx',
  int8: 'model_int8.onnx',
  q4: 'model_q4.onnx',
  q4f16: 'model_q4f16.onnx',
};

/** Best first, for each device. */
const PREFERENCE: Readonly<Record<ExecutionDevice, readonly Dtype[]>> = {
  cpu: ['q8', 'int8', 'fp32', 'q4', 'fp16', 'q4f16'],
  coreml: ['fp16', 'fp32', 'q8', 'int8', 'q4', 'q4f16'],
  cuda: ['fp16', 'fp32', 'q4f16', 'q4', 'q8', 'int8'],
  dml: ['fp16', 'fp32', 'q4f16', 'q4', 'q8', 'int8'],
  webgpu: ['q4f16', 'fp16', 'q4', 'fp32', 'q8', 'int8'],
};

export function isDtype(value: string): value is Dtype {
  return (DTYPES as readonly string[]).includes(value);
}

/**
 * The precision to load: the requested one (a setting other than `auto`) if the repository has it,
 * else the device's best that it has. Throws with what the repository has when nothing fits.
 */
export function chooseDtype(available: readonly string[], device: ExecutionDevice, requested = 'auto'): Dtype {
  if (requested !== 'auto') {
    if (!isDtype(requested)) throw new Error(`"${requested}" is not a weights precision: use auto or one of ${DTYPES.join(', ')}.`);
    if (!available.includes(requested)) throw new Error(`the repository has no ${requested} weights (onnx/${DTYPE_FILES[requested]}); it has ${available.join(', ') || 'none'}. Set the weights setting to auto or one of those.`);
    return requested;
  }
  const choice = PREFERENCE[device].find((d) => available.includes(d));
  if (!choice) throw new Error(`it has no ONNX weights that GenAI Studio can run (found: ${available.join(', ') || 'none'}). Pick a repository with an onnx/ folder, e.g. from onnx-community.`);
  return choice;
}
