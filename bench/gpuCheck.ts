// Part of bench/gpu-check.sh: the shipped code and image models through the engine on the CPU and on
// each GPU provider this machine has; greedy tokens must agree with the CPU's and images stay within
// SAME_PICTURE (core/image/pixelDifference) of the CPU's pixels; per-token and per-step times are printed side by side. Figures only.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { EngineProcess } from '../src/client/engineProcess';
import { rgbPixels } from '../src/core/image/rgbImage';
import { SAME_PICTURE, pixelDifference, withinTolerance } from '../src/core/image/pixelDifference';
import { argmax } from '../src/core/sampling';
import { DEFAULTS, IMAGE_MODEL } from '../src/defaults';
import { emptyPast, tokenFeeds } from '../src/engine/decoderFeeds';
import { presentToPast, releasePast, type Feeds } from '../src/engine/presentKvDecoder';
import type { DeviceSetting, ExecutionDevice, ModelStatus, RunsOn } from '../src/protocol';
import { ROOT, benchSettings } from './benchSettings';
import { median, row } from './stats';

const PROMPTS = ['function fibonacci(n) {\n', 'import os\n\ndef main():\n', 'fn parse(input: &str) -> Result<', 'package main\n\nfunc main() {\n'];
const REPEATS = 3;
const IMAGE_PROMPTS = ['large red circle on a blue background', 'small yellow star at the top on a purple background'];

interface DeviceRun {
  requested: DeviceSetting;
  device?: RunsOn;
  fallbackReason?: string;
  texts: string[];
  msPerToken: number[];
  firstTokenMs: number[];
  images: Uint8Array[];
  msPerStep: number[];
  imageDevice?: ExecutionDevice;
}

async function runOn(requested: DeviceSetting): Promise<DeviceRun> {
  const engine = new EngineProcess({ enginePath: join(ROOT, 'dist', 'engine.js'), settings: { ...benchSettings(), device: requested } });
  const run: DeviceRun = { requested, texts: [], msPerToken: [], firstTokenMs: [], images: [], msPerStep: [] };
  engine.onStatus((s: ModelStatus) => {
    if (s.state === 'ready') run.fallbackReason = s.fallbackReason;
  });
  try {
    for (const prompt of PROMPTS) {
      for (let i = 0; i < REPEATS; i++) {
        const result = await engine.generate({ jobId: randomUUID(), model: DEFAULTS.model, prompt, maxTokens: 64, temperature: 0 });
        run.device = result.device;
        if (i === 0) run.texts.push(result.text);
        if (result.generatedTokens > 1) run.msPerToken.push(result.decodeMs / (result.generatedTokens - 1));
        run.firstTokenMs.push(result.firstTokenMs);
      }
    }
    for (const prompt of IMAGE_PROMPTS) {
      for (let i = 0; i < REPEATS; i++) {
        const result = await engine.generateImage({ jobId: randomUUID(), model: IMAGE_MODEL, prompt, steps: 20, guidance: 4, scheduler: 'ddim', seed: 7, previewEvery: 0 });
        run.imageDevice = result.device;
        if (i === 0) run.images.push(rgbPixels(result.images[0]));
        run.msPerStep.push(result.msPerStep);
      }
    }
    const checks = await engine.checkDevices();
    if (requested === 'cpu') for (const c of checks) console.log(`  ${c.device.padEnd(7)} ${!c.tried ? 'not tried' : c.works ? 'works' : 'failed'}: ${c.detail}`);
  } finally {
    await engine.dispose();
  }
  return run;
}

const RAW_PROMPT = Array.from({ length: 16 }, (_, i) => 100 + i);
const RAW_TOKENS = 64;

/**
 * Raw greedy decoding on WebGPU with the keys/values fed back from GPU buffers (what the engine
 * does) and, as the baseline, through host memory: what keeping them on the device saves per token.
 */
async function kvResidency(): Promise<{ onDevice: number[]; viaHost: number[]; agree: boolean } | undefined> {
  const file = join(benchSettings().shippedModelsDir, DEFAULTS.model, 'onnx', 'model.onnx');
  const probe = await ort.InferenceSession.create(file);
  const presents = probe.outputNames.filter((name) => name.startsWith('present'));
  await probe.release();
  const decode = async (onDevice: boolean) => {
    const session = await ort.InferenceSession.create(file, {
      executionProviders: ['webgpu'],
      ...(onDevice ? { preferredOutputLocation: Object.fromEntries(presents.map((name) => [name, 'gpu-buffer' as const])) } : {}),
    });
    const ids = [...RAW_PROMPT];
    const ms: number[] = [];
    let past: Feeds = emptyPast(session);
    let input = ids.slice();
    for (let i = 0; i < RAW_TOKENS; i++) {
      const started = performance.now();
      const outputs = await session.run({ ...tokenFeeds(session, input, ids.length - input.length), ...past });
      const logits = outputs.logits as ort.Tensor;
      const vocab = logits.dims[2];
      const next = argmax((logits.data as Float32Array).subarray((logits.dims[1] - 1) * vocab));
      releasePast(past);
      past = presentToPast(outputs);
      if (i > 0) ms.push(performance.now() - started);
      ids.push(next);
      input = [next];
    }
    releasePast(past);
    await session.release();
    return { ms, tokens: ids.slice(RAW_PROMPT.length) };
  };
  try {
    const [device, host] = [await decode(true), await decode(false)];
    return { onDevice: device.ms, viaHost: host.ms, agree: device.tokens.join() === host.tokens.join() };
  } catch (error) {
    console.log(`webgpu: raw decoding failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  console.log('execution providers (one forward pass each, compared with the CPU):');
  const cpu = await runOn('cpu');
  const gpus: DeviceRun[] = [];
  for (const device of ['webgpu', 'cuda'] as const) gpus.push(await runOn(device));
  console.log(`\nshipped code model ${DEFAULTS.model}, ${PROMPTS.length} prompts x ${REPEATS}, 64 greedy tokens each`);
  console.log(row('cpu: ms per generated token', cpu.msPerToken));
  console.log(row('cpu: first token (prompt pass)', cpu.firstTokenMs));
  let best: { device: string; agree: boolean; ms: number } | undefined;
  for (const gpu of gpus) {
    if (gpu.device !== gpu.requested) {
      console.log(`${gpu.requested}: not used, ran on ${gpu.device ?? 'nothing'} because ${gpu.fallbackReason ?? 'it failed'}`);
      continue;
    }
    const agree = gpu.texts.every((t, i) => t === cpu.texts[i]);
    console.log(row(`${gpu.requested}: ms per generated token`, gpu.msPerToken));
    console.log(row(`${gpu.requested}: first token (prompt pass)`, gpu.firstTokenMs));
    console.log(`${gpu.requested}: greedy outputs ${agree ? 'identical to' : 'DIFFER from'} the CPU's on ${PROMPTS.length} prompts; ratio to CPU per token ${(median(gpu.msPerToken) / median(cpu.msPerToken)).toFixed(2)}`);
    if (!best || median(gpu.msPerToken) < best.ms) best = { device: gpu.requested, agree, ms: median(gpu.msPerToken) };
    if (gpu.requested === 'webgpu') {
      const residency = await kvResidency();
      if (residency) {
        console.log(row('webgpu raw: keys/values kept on the GPU, ms/token', residency.onDevice));
        console.log(row('(baseline) keys/values through host memory', residency.viaHost));
        console.log(`webgpu raw: the same ${RAW_TOKENS} greedy tokens both ways: ${residency.agree}; kept on the GPU / through host: ${(median(residency.onDevice) / median(residency.viaHost)).toFixed(2)}`);
      }
    }
  }
  console.log(`\nshipped image model ${IMAGE_MODEL}, ${IMAGE_PROMPTS.length} prompts x ${REPEATS}, 20 DDIM steps at guidance 4, seed 7`);
  console.log(row('cpu: ms per UNet step (batch of 2)', cpu.msPerStep));
  let bestImage: { within: boolean; ms: number } | undefined;
  for (const gpu of gpus) {
    if (gpu.imageDevice !== gpu.requested) continue;
    const diff = pixelDifference(gpu.images, cpu.images);
    const within = withinTolerance(diff);
    console.log(row(`${gpu.requested}: ms per UNet step (batch of 2)`, gpu.msPerStep));
    console.log(
      `${gpu.requested}: images ${within ? 'within' : 'OUTSIDE'} tolerance of the CPU's (mean |diff| ${diff.meanAbs.toFixed(2)}, max ${diff.maxAbs} of 255; tolerance mean ${SAME_PICTURE.meanAbs}, max ${SAME_PICTURE.maxAbs}); ratio to CPU per step ${(median(gpu.msPerStep) / median(cpu.msPerStep)).toFixed(2)}`,
    );
    if (gpu.requested === best?.device) bestImage = { within, ms: median(gpu.msPerStep) };
  }
  console.log(
    `gpu-check device=${best?.device ?? 'none'} agree=${best?.agree ?? 'n/a'} ms_per_token_cpu=${median(cpu.msPerToken).toFixed(2)} ms_per_token_gpu=${best ? best.ms.toFixed(2) : 'n/a'} ratio=${best ? (best.ms / median(cpu.msPerToken)).toFixed(2) : 'n/a'} image_within_tolerance=${bestImage?.within ?? 'n/a'} ms_per_step_cpu=${median(cpu.msPerStep).toFixed(2)} ms_per_step_gpu=${bestImage ? bestImage.ms.toFixed(2) : 'n/a'}`,
  );
}

void main();
