// `npm run bench:startup`: engine start, model load and engine memory, each beside a baseline
// measured in the same run (a bare Node child answering one IPC message; a raw ONNX Runtime
// session created in this process). Figures only: nothing here passes or fails.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { EngineProcess } from '../src/client/engineProcess';
import { DEFAULTS } from '../src/defaults';
import type { EngineSettings } from '../src/protocol';
import { median, row } from './stats';

const ROOT = join(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const settings: EngineSettings = {
  shippedModelsDir: join(ROOT, 'models'),
  hubCacheDir: join(ROOT, '.vscode-test', 'bench-hub'),
  hubEndpoint: DEFAULTS.hubEndpoint,
  offline: true,
  device: 'cpu',
  memoryBudgetMB: DEFAULTS.memoryBudgetMB,
  idleUnloadSeconds: 0,
};

async function bareChildRoundTrip(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m))"], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  await new Promise<void>((resolve) => {
    child.once('message', () => resolve());
    child.send('ping');
  });
  const ms = performance.now() - started;
  child.kill();
  return ms;
}

async function main(): Promise<void> {
  const engineStart: number[] = [];
  const bareStart: number[] = [];
  const load: number[] = [];
  const rawLoad: number[] = [];
  const idleRss: number[] = [];
  const loadedRss: number[] = [];
  const modelFile = join(settings.shippedModelsDir, DEFAULTS.model, 'onnx', 'model.onnx');
  for (let i = 0; i < RUNS; i++) {
    bareStart.push(await bareChildRoundTrip());
    const engine = new EngineProcess({ enginePath: join(ROOT, 'dist', 'engine.js'), settings });
    let t = performance.now();
    const info = await engine.info();
    engineStart.push(performance.now() - t);
    idleRss.push(info.rssMB);
    t = performance.now();
    await engine.load(DEFAULTS.model);
    load.push(performance.now() - t);
    loadedRss.push((await engine.info()).rssMB);
    await engine.dispose();
    t = performance.now();
    const session = await ort.InferenceSession.create(modelFile);
    rawLoad.push(performance.now() - t);
    await session.release();
  }
  const lines = [
    `startup benchmark, ${RUNS} runs each, model ${DEFAULTS.model} (fp32), ${process.platform}-${process.arch}, Node ${process.version}`,
    row('engine start (spawn to first answer)', engineStart),
    row('  baseline: bare Node child IPC round trip', bareStart),
    row('model load in the engine (tokenizer+session)', load),
    row('  baseline: raw InferenceSession.create', rawLoad),
    row('engine RSS idle', idleRss, 'MB'),
    row('engine RSS with the model loaded', loadedRss, 'MB'),
  ];
  console.log(lines.join('\n'));
  console.log(
    `startup engine_start_ms=${median(engineStart).toFixed(0)} ratio_vs_bare_node=${(median(engineStart) / median(bareStart)).toFixed(2)} model_load_ms=${median(load).toFixed(0)} ratio_vs_raw_session=${(median(load) / median(rawLoad)).toFixed(2)} idle_rss_mb=${median(idleRss).toFixed(0)}`,
  );
}

void main();
