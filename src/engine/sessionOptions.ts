// Options for every ONNX Runtime session the engine creates.
import type * as ort from 'onnxruntime-node';

/**
 * ONNX Runtime's worker threads spin between runs by default: measured here, 50 small forward
 * passes 40 ms apart (a typist's pace) burned 1650 ms of CPU in 2 s, against 51 ms without spinning,
 * for a 16% slower pass (33 vs 38 ms in total). An editor idles between keystrokes: no spinning.
 */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
};
