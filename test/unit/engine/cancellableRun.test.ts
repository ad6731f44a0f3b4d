// The run options that refuse a pass queued behind a cancel, on a real session: they depend on how
// onnxruntime-node schedules session.run, so an upgrade that changes it fails here first.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CancelledError } from '../../../src/core/jobScheduler';
import { cancellableRunOptions } from '../../../src/engine/cancellableRun';
import { SHIPPED_MODELS } from '../support/builders';

describe('cancellableRunOptions (shipped VAE decoder, real ONNX Runtime)', () => {
  let session: ort.InferenceSession;
  const feeds = () => ({ latent_sample: new ort.Tensor('float32', new Float32Array(4 * 4 * 4).fill(0.1), [1, 4, 4, 4]) });
  before(async () => {
    session = await ort.InferenceSession.create(join(SHIPPED_MODELS, 'genai-image-tiny', 'vae_decoder', 'model.onnx'));
  });
  after(() => session.release());

  it('runs as usual while the signal is not aborted', async () => {
    const abort = new AbortController();
    const outputs = await session.run(feeds(), cancellableRunOptions(abort.signal, 'test'));
    const plain = await session.run(feeds());
    assert.deepEqual(outputs.sample.data, plain.sample.data);
  });

  it('refuses a run that was asked for but had not started when the signal aborted', async () => {
    const abort = new AbortController();
    const run = session.run(feeds(), cancellableRunOptions(abort.signal, 'test'));
    abort.abort();
    await assert.rejects(run, CancelledError);
    const after = await session.run(feeds());
    assert.equal(after.sample.dims.join('x'), '1x3x16x16', 'the session keeps working');
  });
});
