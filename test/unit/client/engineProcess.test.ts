import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { EngineProcess, withHugePages } from '../../../src/client/engineProcess';
import { CRASHED_PROVIDERS_FILE, EngineErrorCode, type ModelStatus } from '../../../src/protocol';
import { CODE_MODEL, DIST_ENGINE, REPO_ROOT, cleanTemps, settings, tempDir } from '../support/builders';
import { isAlive, waitFor } from '../../support/processes';
import { softwareVulkanEnv } from '../support/softwareVulkan';

describe('EngineProcess: the real engine in its own process', () => {
  let engine: EngineProcess;
  beforeEach(() => {
    engine = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings(), backoffMs: [100] });
  });
  afterEach(async () => {
    await engine.dispose();
    cleanTemps();
  });

  it('starts on the first request, loads the model and streams a generation', async () => {
    assert.equal(engine.state, 'stopped');
    assert.equal(engine.pid, undefined, 'nothing runs before the first request');
    const statuses: ModelStatus[] = [];
    engine.onStatus((s) => statuses.push(s));
    const chunks: string[] = [];
    const result = await engine.generate({ jobId: 'j1', model: CODE_MODEL, prompt: 'import os\n', maxTokens: 12 }, (t) => chunks.push(t));
    assert.equal(engine.state, 'running');
    assert.ok(result.generatedTokens > 0);
    assert.equal(chunks.join(''), result.text);
    assert.equal(result.device, 'cpu');
    assert.deepEqual([...new Set(statuses.map((s) => s.state))].slice(0, 2), ['loading', 'ready']);
    const models = await engine.models();
    assert.ok(models.shipped.some((m) => m.name === CODE_MODEL));
    assert.equal(models.loaded[0]?.model, CODE_MODEL);
  });

  it('applies settings changed while the engine starts', async () => {
    const first = engine.info();
    assert.ok(await waitFor(() => engine.state === 'starting', 5000), 'the engine is starting');
    const changed = { ...settings(), memoryBudgetMB: 1234, offline: true };
    await engine.configure(changed);
    await first;
    const { settings: applied } = await engine.models();
    assert.equal(applied.memoryBudgetMB, 1234);
    assert.equal(applied.offline, true);
  });

  it('backs the loaded model with huge pages where the system offers them (Linux, glibc)', async function () {
    const thp = '/sys/kernel/mm/transparent_hugepage/enabled';
    if (process.platform !== 'linux' || !existsSync(thp) || /\[never\]/.test(readFileSync(thp, 'utf8'))) this.skip();
    await engine.generate({ jobId: 'thp', model: CODE_MODEL, prompt: 'import os\n', maxTokens: 2 }, () => undefined);
    const rollup = readFileSync(`/proc/${engine.pid}/smaps_rollup`, 'utf8');
    const hugeKb = Number(/AnonHugePages:\s+(\d+) kB/.exec(rollup)?.[1]);
    assert.ok(hugeKb >= 10 * 1024, `the engine holds ${hugeKb} kB in huge pages; the code model's weights alone are 10 MB`);
  });

  it('cancels a running generation inside the engine', async () => {
    const source = new CancellationTokenSource();
    let chunks = 0;
    const result = await engine.generate({ jobId: 'j2', model: CODE_MODEL, prompt: 'def main():\n', maxTokens: 400 }, () => {
      if (++chunks === 2) source.cancel();
    }, source.token);
    assert.equal(result.finishReason, 'cancelled');
    assert.ok(result.generatedTokens < 400);
  });

  it('fails in-flight requests clearly when the engine dies, restarts, and the next request works', async () => {
    await engine.load(CODE_MODEL);
    const pid = engine.pid!;
    const inFlight = engine.generate({ jobId: 'j3', model: CODE_MODEL, prompt: 'x', maxTokens: 4000 }, () => process.kill(pid, 'SIGKILL'));
    const error = await inFlight.then(
      () => assert.fail('the request should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ResponseError, String(error));
    assert.equal(error.code, EngineErrorCode.EngineStopped);
    assert.match(error.message, /engine stopped while handling this request \(killed by SIGKILL\).*try again/);
    const result = await engine.generate({ jobId: 'j4', model: CODE_MODEL, prompt: 'let x = ', maxTokens: 4 });
    assert.ok(result.generatedTokens > 0);
    assert.notEqual(engine.pid, pid);
  });

  it('supervises one engine at a time when it dies before answering, and stops restarting after repeated crashes', async () => {
    // An engine that dies at start-up (as one whose GPU provider aborts the process would): it records its pid first.
    const dir = tempDir();
    const pids = join(dir, 'pids');
    writeFileSync(join(dir, 'crash.js'), `require('node:fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n'); process.exit(3);`);
    const crashing = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings(), backoffMs: [10], maxCrashes: 3, env: { NODE_OPTIONS: `--require ${join(dir, 'crash.js')}` } });
    const crashed = new Promise<void>((resolve) => crashing.onState((state) => state === 'crashed' && resolve()));
    try {
      const first = await crashing.info().then(() => assert.fail('the engine cannot answer'), (e: unknown) => e);
      assert.ok(first instanceof ResponseError, String(first));
      assert.equal(first.code, EngineErrorCode.EngineStopped);
      assert.match(first.message, /stopped while starting \(exit code 3\)/);
      await crashed;
      const started = () => readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      assert.equal(started().length, 3, 'the first start and two restarts, one at a time');
      const refused = await crashing.info().then(() => assert.fail('a crashed engine is not restarted by a request'), (e: unknown) => e);
      assert.match(String((refused as Error).message), /keeps crashing \(3 times in a row\).*Restart Engine/);
      assert.equal(started().length, 3, 'no engine was started for that request');
      assert.ok(started().every((pid) => !isAlive(pid)), 'no engine process is left');
    } finally {
      await crashing.dispose();
    }
  });

  it('remembers a GPU provider that crashed the engine, and the restarted engine runs on the CPU saying why', async function () {
    // WebGPU is offered only where a Vulkan driver is (scripts/software-vulkan.sh installs Mesa's on Debian).
    const vulkan = softwareVulkanEnv();
    if (!vulkan) this.skip();
    // A provider that takes the process down natively while it starts (a driver abort): every
    // InferenceSession created with WebGPU ends the process at once, as an abort would.
    const dir = tempDir();
    const ort = JSON.stringify(join(REPO_ROOT, 'node_modules', 'onnxruntime-node'));
    writeFileSync(
      join(dir, 'webgpu-aborts.js'),
      `const ort = require(${ort}); const create = ort.InferenceSession.create; ort.InferenceSession.create = function (...args) { if (JSON.stringify(args).includes('webgpu')) process.exit(134); return create.apply(this, args); };`,
    );
    const stateDir = join(dir, 'state');
    const gpu = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings({ device: 'webgpu', stateDir }), backoffMs: [10], env: { ...vulkan, NODE_OPTIONS: `--require ${join(dir, 'webgpu-aborts.js')}` } });
    try {
      const first = await gpu.load(CODE_MODEL).then(() => assert.fail('the engine died loading on WebGPU'), (e: unknown) => e);
      assert.equal((first as ResponseError).code, EngineErrorCode.EngineStopped);
      const status = await gpu.load(CODE_MODEL);
      assert.equal(status.device, 'cpu');
      assert.match(status.fallbackReason ?? '', /WebGPU crashed the engine when it last started \(ONNX Runtime 1\.\d+\.\d+, .*\).*Restart Engine/);
      const check = (await gpu.checkDevices()).find((c) => c.device === 'webgpu')!;
      assert.equal(check.tried, false, 'Check GPU Support does not try it again');
      assert.match(check.detail, /crashed the engine/);
      assert.equal(JSON.parse(readFileSync(join(stateDir, CRASHED_PROVIDERS_FILE), 'utf8'))[0].device, 'webgpu');
    } finally {
      await gpu.dispose();
    }
  });

  it('leaves no engine process behind after dispose', async () => {
    const info = await engine.info();
    assert.ok(isAlive(info.pid));
    await engine.dispose();
    assert.ok(await waitFor(() => !isAlive(info.pid), 5000), 'the engine process is gone');
  });

  it('exits by itself when its parent is killed (no orphans)', async () => {
    const parent = spawn(process.execPath, ['-r', 'tsx/cjs', join(__dirname, '..', 'support', 'engineParent.ts')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const enginePid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    assert.ok(isAlive(enginePid));
    parent.kill('SIGKILL');
    assert.ok(await waitFor(() => !isAlive(enginePid), 10000), `engine ${enginePid} outlived its parent`);
  });
});

describe('the engine process environment', () => {
  it('asks glibc for huge pages, keeping the tunables and any hugetlb choice already set', () => {
    assert.equal(withHugePages(undefined), 'glibc.malloc.hugetlb=1');
    assert.equal(withHugePages(''), 'glibc.malloc.hugetlb=1');
    assert.equal(withHugePages('glibc.malloc.arena_max=2'), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
    assert.equal(withHugePages('glibc.malloc.hugetlb=0'), 'glibc.malloc.hugetlb=0');
    assert.equal(withHugePages('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2'), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2');
  });
});
