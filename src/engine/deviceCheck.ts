// "Check GPU Support": tries one forward pass of the shipped code model on every execution
// provider this platform's ONNX Runtime has, and compares the answer with the CPU's.
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { argmax } from '../core/sampling';
import type { DeviceCheck, EngineSettings, ExecutionDevice } from '../protocol';
import { emptyPast, tokenFeeds } from './decoderFeeds';
import { deviceLabel, executionProvider, plainReason, type DeviceSelector } from './devices';
import { errorMessage } from './errors';

const PROVIDERS: Exclude<ExecutionDevice, 'cpu'>[] = ['webgpu', 'cuda', 'dml', 'coreml'];
const PROBE_TOKENS = [1, 2, 3, 4, 5, 6, 7, 8];

export async function checkDevices(settings: EngineSettings, selector: DeviceSelector, modelName: string): Promise<DeviceCheck[]> {
  const modelFile = join(settings.shippedModelsDir, modelName, 'onnx', 'model.onnx');
  const cpu = await forwardPass(modelFile, 'cpu');
  const results: DeviceCheck[] = [{ device: 'cpu', tried: true, works: true, ms: cpu.ms, detail: `reference: one forward pass of ${modelName} over ${PROBE_TOKENS.length} tokens` }];
  const probes = selector.describe();
  for (const device of PROVIDERS) {
    const probe = probes.find((p) => p.device === device)!;
    if (!probe.available) {
      results.push({ device, tried: false, works: false, detail: probe.reason ?? 'not available here' });
      continue;
    }
    try {
      const run = await selector.attempt(device, () => forwardPass(modelFile, executionProvider(device, settings.gpuDeviceId)));
      const agrees = run.argmax.every((token, i) => token === cpu.argmax[i]);
      results.push({
        device,
        tried: true,
        works: agrees,
        ms: run.ms,
        detail: agrees ? `the same next tokens as the CPU, max logit difference ${maxDifference(run.logits, cpu.logits).toExponential(1)}` : `${deviceLabel(device)} ran but its answers differ from the CPU's`,
      });
    } catch (error) {
      results.push({ device, tried: true, works: false, detail: `${deviceLabel(device)} failed to start: ${plainReason(errorMessage(error))}` });
    }
  }
  return results;
}

async function forwardPass(modelFile: string, provider: ort.InferenceSession.ExecutionProviderConfig): Promise<{ ms: number; argmax: number[]; logits: Float32Array }> {
  const session = await ort.InferenceSession.create(modelFile, { executionProviders: [provider] });
  try {
    const n = PROBE_TOKENS.length;
    const feeds = { ...tokenFeeds(session, PROBE_TOKENS, 0), ...emptyPast(session) };
    const started = performance.now();
    const outputs = await session.run(feeds);
    const ms = performance.now() - started;
    const logits = outputs.logits.data as Float32Array;
    const vocab = outputs.logits.dims[2];
    return { ms, logits, argmax: Array.from({ length: n }, (_, i) => argmax(logits.subarray(i * vocab, (i + 1) * vocab))) };
  } finally {
    await session.release();
  }
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
