import assert from 'node:assert/strict';
import { CODE_MODEL, CODE_MODEL_DIR, cleanTemps, settings } from '../support/builders';
import { BUSY_STATUS_DELAY_MS } from '../../../src/engine/modelManager';
import { generate } from '../../../src/engine/textGenerator';
import { waitFor } from '../../support/processes';
import { disposeManagers, harness } from './harness';

describe('ModelManager with the shipped code model', () => {
  afterEach(async () => {
    await disposeManagers();
    cleanTemps();
  });

  it('shares one load among concurrent requests for the same model', async () => {
    const { manager, loader, statuses } = harness(settings());
    const models = await Promise.all(Array.from({ length: 5 }, () => manager.use(CODE_MODEL, loader, async (m) => m)));
    assert.equal(loader.loads, 1);
    for (const m of models) assert.equal(m.session, models[0].session);
    const ready = statuses.filter((s) => s.state === 'ready' && s.device === 'cpu');
    assert.ok(ready.length >= 1, 'a ready status on cpu is reported');
    assert.ok(statuses.some((s) => s.state === 'loading'), 'loading is reported first');
  });

  it('shows a request as busy only once it has lasted BUSY_STATUS_DELAY_MS, then ready again', async () => {
    const { manager, loader, statuses } = harness(settings());
    await manager.use(CODE_MODEL, loader, async (m) => m);
    const states = () => statuses.splice(0).map((s) => s.state);
    states();
    // Work that ends before the delay's timer can fire, however loaded the machine is.
    await manager.use(CODE_MODEL, loader, async () => undefined);
    assert.deepEqual(states(), [], 'a short request sends no status: the spinner would only flicker');
    await manager.use(CODE_MODEL, loader, () => new Promise((r) => setTimeout(r, BUSY_STATUS_DELAY_MS + 100)));
    assert.deepEqual(states(), ['busy', 'ready']);
  });

  it('falls back to CPU when the requested device is unavailable, and says why', async () => {
    for (const [device, why] of [
      ['cuda', /CUDA: .*(provider library|no CUDA build)/],
      ['dml', /DirectML: DirectML exists only on Windows/],
      ['coreml', /CoreML: CoreML exists only on macOS/],
      ['webgpu', /WebGPU: /],
    ] as const) {
      const { manager, loader, statuses } = harness(settings({ device }));
      const model = await manager.use(CODE_MODEL, loader, async (m) => m);
      assert.equal(model.device, 'cpu', `${device} falls back to cpu`);
      assert.match(model.fallbackReason ?? '', why);
      assert.match(statuses.at(-1)?.fallbackReason ?? '', why, 'the status event carries the reason');
    }
  });

  it('unloads a model after the idle timeout and releases its session', async () => {
    const { manager, loader, statuses } = harness(settings({ idleUnloadSeconds: 0.3 }));
    const model = await manager.use(CODE_MODEL, loader, async (m) => m);
    assert.ok(await waitFor(() => statuses.at(-1)?.state === 'unloaded', 30_000), `unloaded (statuses: ${statuses.map((s) => s.state).join(', ')})`);
    assert.deepEqual(manager.statuses(), []);
    const sampling = { temperature: 0, topK: 0, topP: 1, seed: 0, stop: [] };
    await assert.rejects(generate(model, { prompt: 'x', maxTokens: 2, ...sampling }, new AbortController().signal, () => undefined), /Session already disposed/);
    await manager.use(CODE_MODEL, loader, async () => undefined);
    assert.equal(loader.loads, 2, 'the next use loads it again');
  });

  it('unloads the least recently used model to stay within the memory budget', async () => {
    const { manager, loader, logs } = harness(settings());
    const { sizeMB } = await manager.use(CODE_MODEL, loader, async (m) => m);
    // Room for one copy of the model, not two: loading it under a second reference evicts the first.
    const budget = Math.ceil(sizeMB * 1.5);
    await manager.configure(settings({ memoryBudgetMB: budget }));
    await manager.use(CODE_MODEL_DIR, loader, async () => undefined);
    assert.deepEqual(manager.statuses().filter((s) => s.state !== 'unloaded').map((s) => s.model), [CODE_MODEL_DIR]);
    assert.ok(logs.some((l) => l.includes(`Unloaded genai-code-tiny: over the ${budget} MB memory budget`)), logs.join('\n'));
  });

  it('counts what a model holds in memory, not what its files say', async () => {
    const { manager } = harness(settings());
    let held: Buffer | undefined;
    // The count is the engine's resident growth over the load: garbage the tests before left (sessions,
    // tensors) is collected first, or collecting it during the load would shrink the growth measured.
    global.gc?.();
    // Weights that take far more memory once loaded than on disk (as decompressed or converted ones do).
    const loader = {
      kind: 'resident-test',
      load: async () => {
        held = Buffer.alloc(96 * 1048576, 1);
        return { sizeMB: 1, dispose: async () => void (held = undefined) };
      },
    };
    const model = await manager.use(CODE_MODEL, loader, async (m) => m);
    assert.ok(held);
    assert.ok(model.sizeMB >= 90, `counted ${model.sizeMB} MB`);
    assert.ok((manager.statuses()[0].sizeMB ?? 0) >= 90);
  });

  it('applies a new device setting at once by unloading models loaded for the old one', async () => {
    const { manager, loader } = harness(settings());
    await manager.use(CODE_MODEL, loader, async () => undefined);
    await manager.configure(settings({ device: 'dml' }));
    assert.deepEqual(manager.statuses(), []);
    const model = await manager.use(CODE_MODEL, loader, async (m) => m);
    assert.match(model.fallbackReason ?? '', /DirectML/);
  });

  it('a device change while a model is busy: new work gets a model for the new device, the busy one is unloaded when its work ends', async () => {
    const { manager, loader } = harness(settings());
    let release!: () => void;
    const busy = manager.use(CODE_MODEL, loader, (m) => new Promise<typeof m>((resolve) => (release = () => resolve(m))));
    while (!release) await new Promise((r) => setImmediate(r));
    await manager.configure(settings({ device: 'dml' }));
    const next = await manager.use(CODE_MODEL, loader, async (m) => m);
    assert.match(next.fallbackReason ?? '', /DirectML/, 'the work after the change ran on a model loaded for the new device');
    assert.equal(loader.loads, 2);
    release();
    const old = await busy;
    assert.equal(old.fallbackReason, undefined, 'the busy work finished on the model it started with');
    assert.equal(manager.statuses().length, 1, 'the old model was unloaded when its work ended');
  });

  it('reloads models when the GPU index changes, and keeps them when nothing that matters did', async () => {
    const { manager, loader } = harness(settings());
    await manager.use(CODE_MODEL, loader, async () => undefined);
    await manager.configure({ ...manager.getSettings(), gpuDeviceId: 0 });
    assert.equal(manager.statuses().length, 1, 'index 0 is the default: nothing changed');
    await manager.configure({ ...manager.getSettings(), gpuDeviceId: 1 });
    assert.deepEqual(manager.statuses(), []);
    await manager.use(CODE_MODEL, loader, async () => undefined);
    assert.equal(loader.loads, 2);
  });
});
