// Part of bench/gpu-check.sh: the shipped code model through the engine on the CPU and on each GPU
// provider this machine has; greedy outputs must agree with the CPU's, and per-token times are
// printed side by side. Figures only.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EngineProcess } from '../src/client/engineProcess';
import { DEFAULTS } from '../src/defaults';
import type { DeviceSetting, ExecutionDevice, ModelStatus } from '../src/protocol';
import { ROOT, benchSettings } from './benchSettings';
import { median, row } from './stats';

const PROMPTS = ['function fibonacci(n) {\n', 'import os\n\ndef main():\n', 'fn parse(input: &str) -> Result<', 'package main\n\nfunc main() {\n'];
const REPEATS = 3;

interface DeviceRun {
  requested: DeviceSetting;
  device?: ExecutionDevice;
  fallbackReason?: string;
  texts: string[];
  msPerToken: number[];
  firstTokenMs: number[];
}

async function runOn(requested: DeviceSetting): Promise<DeviceRun> {
  const engine = new EngineProcess({ enginePath: join(ROOT, 'dist', 'engine.js'), settings: { ...benchSettings(), device: requested } });
  const run: DeviceRun = { requested, texts: [], msPerToken: [], firstTokenMs: [] };
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
    const checks = await engine.checkDevices();
    if (requested === 'cpu') for (const c of checks) console.log(`  ${c.device.padEnd(7)} ${!c.tried ? 'not tried' : c.works ? 'works' : 'failed'}: ${c.detail}`);
  } finally {
    await engine.dispose();
  }
  return run;
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
  }
  console.log('image model: none shipped yet (the diffusion issue adds it); nothing to compare.');
  console.log(
    `gpu-check device=${best?.device ?? 'none'} agree=${best?.agree ?? 'n/a'} ms_per_token_cpu=${median(cpu.msPerToken).toFixed(2)} ms_per_token_gpu=${best ? best.ms.toFixed(2) : 'n/a'} ratio=${best ? (best.ms / median(cpu.msPerToken)).toFixed(2) : 'n/a'}`,
  );
}

void main();
