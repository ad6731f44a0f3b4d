import assert from 'node:assert/strict';
import { EngineError } from '../../../src/engine/errors';
import { onDownloadProgress } from '../../../src/engine/transformers';
import { EngineErrorCode } from '../../../src/protocol';
import { CODE_MODEL_DIR, cleanTemps, settings, tempDir } from '../support/builders';
import { startHubMirror, type HubMirror } from '../support/hubMirror';
import { disposeManagers, harness } from './harness';

const HUB_ID = 'genai-studio/genai-code-tiny';

describe('hub models through a local mirror', () => {
  let mirror: HubMirror;
  const downloads: { file: string; done: boolean }[] = [];

  before(async () => {
    mirror = await startHubMirror({ [HUB_ID]: CODE_MODEL_DIR });
    onDownloadProgress((file, _loaded, _total, done) => downloads.push({ file, done }));
  });
  after(async () => {
    onDownloadProgress(() => undefined);
    await mirror.close();
  });
  afterEach(async () => {
    await disposeManagers();
    cleanTemps();
    downloads.length = 0;
  });

  it('downloads with progress, then serves the second use from the cache', async () => {
    const cache = tempDir();
    const first = harness(settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }));
    const model = await first.manager.use(HUB_ID, first.loader, async (m) => m);
    assert.equal(model.device, 'cpu');
    assert.equal(mirror.downloads.get(`${HUB_ID}/onnx/model_quantized.onnx`), 1, 'the weights were downloaded once');
    assert.ok(downloads.some((d) => d.file === 'onnx/model_quantized.onnx' && d.done), 'download progress was reported');
    assert.ok(first.statuses.some((s) => s.state === 'loading' && (s.progress ?? 0) > 0), 'loading progress was reported');
    await disposeManagers();

    const second = harness(settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }));
    await second.manager.use(HUB_ID, second.loader, async () => undefined);
    assert.equal(mirror.downloads.get(`${HUB_ID}/onnx/model_quantized.onnx`), 1, 'no second download');

    const offline = harness(settings({ hubEndpoint: 'http://127.0.0.1:9', hubCacheDir: cache, offline: true }));
    await offline.manager.use(HUB_ID, offline.loader, async () => undefined);
  });

  it('offline mode refuses a model that is not cached, saying what to do', async () => {
    const before = mirror.downloads.size;
    const { manager, loader } = harness(settings({ hubEndpoint: mirror.endpoint, offline: true }));
    const error = await manager.use(HUB_ID, loader, async () => undefined).catch((e: unknown) => e);
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, EngineErrorCode.Offline);
    assert.match(error.message, /not in the local model cache and offline mode is on/);
    assert.equal(mirror.downloads.size, before, 'nothing was fetched');
  });

  it('an unreachable hub is a clear error', async () => {
    const { manager, loader } = harness(settings({ hubEndpoint: 'http://127.0.0.1:9' }));
    const error = await manager.use(HUB_ID, loader, async () => undefined).catch((e: unknown) => e);
    assert.ok(error instanceof EngineError, String(error));
    assert.equal(error.code, EngineErrorCode.HubUnreachable);
    assert.match(error.message, /cannot be reached.*hubEndpoint/);
  });

  it('an id the hub does not have is a clear error', async () => {
    const { manager, loader } = harness(settings({ hubEndpoint: mirror.endpoint }));
    const error = await manager.use('genai-studio/no-such-model', loader, async () => undefined).catch((e: unknown) => e);
    assert.ok(error instanceof EngineError, String(error));
    assert.equal(error.code, EngineErrorCode.ModelNotFound);
    assert.match(error.message, /was not found on http:\/\/127\.0\.0\.1/);
  });
});
