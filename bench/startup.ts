// `npm run bench:startup`: engine start, model load and engine memory, each beside a baseline
// measured in the same run (a bare Node child answering one IPC message; a raw ONNX Runtime
// session created in this process). Figures only: nothing here passes or fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { EngineProcess } from '../src/client/engineProcess';
import { DEFAULTS } from '../src/defaults';
import { ROOT, benchSettings } from './benchSettings';
import { median, row } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const settings = benchSettings();

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

/**
 * Activation inside a real VS Code: the integration runner starts a fresh VS Code server and
 * browser each time, and the activation test appends the extension's own figure to a file.
 */
function activationRuns(runs: number): number[] {
  if (!existsSync(join(ROOT, '.vscode-test', 'runtime.stamp'))) return [];
  const file = join(mkdtempSync(join(tmpdir(), 'genai-bench-')), 'activation.txt');
  for (let i = 0; i < runs; i++) {
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'run-integration.mjs'), '--grep', 'activates without starting'], {
      cwd: ROOT,
      env: { ...process.env, GENAI_BENCH_ACTIVATION_FILE: file },
      stdio: 'ignore',
    });
  }
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
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
  const activation = activationRuns(Number(process.env.BENCH_ACTIVATION_RUNS ?? 3));
  const lines = [
    `startup benchmark, ${RUNS} runs each, model ${DEFAULTS.model} (fp32), ${process.platform}-${process.arch}, Node ${process.version}`,
    activation.length ? row('activation in VS Code (bundle eval to activate end)', activation) : 'activation in VS Code: skipped (run `npm test` once to install the VS Code runtime)',
    row('engine start (spawn to first answer)', engineStart),
    row('  baseline: bare Node child IPC round trip', bareStart),
    row('model load in the engine (tokenizer+session)', load),
    row('  baseline: raw InferenceSession.create', rawLoad),
    row('engine RSS idle', idleRss, 'MB'),
    row('engine RSS with the model loaded', loadedRss, 'MB'),
  ];
  console.log(lines.join('\n'));
  console.log(
    `startup activation_ms=${median(activation).toFixed(1)} engine_start_ms=${median(engineStart).toFixed(0)} ratio_vs_bare_node=${(median(engineStart) / median(bareStart)).toFixed(2)} model_load_ms=${median(load).toFixed(0)} ratio_vs_raw_session=${(median(load) / median(rawLoad)).toFixed(2)} idle_rss_mb=${median(idleRss).toFixed(0)}`,
  );
}

void main();
