// Cancellation that reaches a forward pass while it waits for its turn on the event loop, so a loop
// of passes needs no yield of its own before each one to see a cancel in time.
//
// onnxruntime-node starts session.run from a setImmediate and reads the run options natively only
// then. The event loop polls the IPC channel first, so a cancel that arrived during the previous pass
// has aborted the signal by the time the options are read: their `tag` then throws, and the run is
// rejected with CancelledError before it computes anything.
import type * as ort from 'onnxruntime-node';
import { CancelledError } from '../core/jobScheduler';

/** Run options for every session.run of one request; `tag` names the request in ONNX Runtime's logs. */
export function cancellableRunOptions(signal: AbortSignal, tag: string): ort.InferenceSession.RunOptions {
  return {
    get tag(): string {
      if (signal.aborted) throw new CancelledError();
      return tag;
    },
  };
}
