import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseError } from 'vscode-jsonrpc';
import { APPEND_KV_FILE } from '../../../src/engine/appendKvDecoder';
import { ENGINE_CONNECTION_OPTIONS } from '../../../src/engine/requests';
import { EngineError } from '../../../src/engine/errors';
import { onDownloadProgress } from '../../../src/engine/hubDownload';
import { EngineErrorCode } from '../../../src/protocol';
import { Notifications, Requests } from '../../../src/protocolMessages';
import { CODE_MODEL_DIR, cleanTemps, copyOfCodeModel, settings, tempDir } from '../support/builders';
import { connectedEngine } from '../support/engineConnection';
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

  it('lists downloaded models with their size, and deletes one after unloading it (only a listed one)', async () => {
    const cache = tempDir();
    const pair = connectedEngine(ENGINE_CONNECTION_OPTIONS, settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }));
    try {
      assert.deepEqual((await pair.client.sendRequest(Requests.models)).downloaded, []);
      await pair.client.sendRequest(Requests.load, { model: HUB_ID });
      const [downloaded] = (await pair.client.sendRequest(Requests.models)).downloaded;
      assert.equal(downloaded.id, HUB_ID);
      assert.equal(downloaded.kind, 'causal-lm');
      assert.ok(downloaded.sizeMB >= 5, `${downloaded.sizeMB} MB`);
      for (const bad of ['../..', `${HUB_ID}/../..`, 'genai-studio/other']) {
        const error = await pair.client.sendRequest(Requests.deleteDownloaded, { id: bad }).then(() => assert.fail(`${bad} was deleted`), (e: ResponseError) => e);
        assert.equal(error.code, EngineErrorCode.ModelNotFound);
        assert.match(error.message, new RegExp(`is not a downloaded model\\. Downloaded: ${HUB_ID}`));
      }
      await pair.client.sendRequest(Requests.deleteDownloaded, { id: HUB_ID });
      const after = await pair.client.sendRequest(Requests.models);
      assert.deepEqual(after.downloaded, []);
      assert.ok(!after.loaded.some((s) => s.model === HUB_ID && s.state === 'ready'), 'the deleted model is not loaded');
      assert.ok(!existsSync(downloaded.path));
    } finally {
      await pair.dispose();
    }
  });

  it('runs the weights the setting names, reloads when it changes, and says what a repository lacks', async () => {
    const cache = tempDir();
    const pair = connectedEngine(ENGINE_CONNECTION_OPTIONS, settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }));
    const statuses: { state: string; weights?: string; detail?: string }[] = [];
    pair.client.onNotification(Notifications.status, (s) => {
      if (s.model === HUB_ID) statuses.push(s);
    });
    try {
      assert.equal((await pair.client.sendRequest(Requests.load, { model: HUB_ID })).weights, 'onnx/model_quantized.onnx', '8-bit on the CPU');
      await pair.client.sendRequest(Requests.configure, settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache, dtypes: { [HUB_ID]: 'fp32' } }));
      assert.deepEqual(statuses.at(-1), { ...statuses.at(-1), state: 'unloaded', detail: 'the weights setting changed' });
      assert.equal((await pair.client.sendRequest(Requests.load, { model: HUB_ID })).weights, 'onnx/model.onnx');
      await pair.client.sendRequest(Requests.configure, settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache, dtypes: { [HUB_ID]: 'q4f16' } }));
      const error = await pair.client.sendRequest(Requests.load, { model: HUB_ID }).then(() => assert.fail('loaded'), (e: ResponseError) => e);
      assert.match(error.message, /no q4f16 weights \(onnx\/model_q4f16\.onnx\); it has .*fp32.*q8/);
    } finally {
      await pair.dispose();
    }
  });

  it('a local folder runs what its hub repository would (8-bit on the CPU), and fp32 where it has the append-KV graph', async () => {
    const exported = copyOfCodeModel();
    rmSync(join(exported, 'onnx', APPEND_KV_FILE));
    const pair = connectedEngine(ENGINE_CONNECTION_OPTIONS, settings());
    try {
      assert.equal((await pair.client.sendRequest(Requests.load, { model: exported })).weights, 'onnx/model_quantized.onnx', 'an Optimum export: 8-bit, as from the hub');
      assert.equal((await pair.client.sendRequest(Requests.load, { model: CODE_MODEL_DIR })).weights, 'onnx/model.onnx', 'the shipped model decodes fp32 with its append-KV graph');
      await pair.client.sendRequest(Requests.configure, settings({ dtypes: { [exported]: 'fp32' } }));
      assert.equal((await pair.client.sendRequest(Requests.load, { model: exported })).weights, 'onnx/model.onnx', 'the setting still wins');
    } finally {
      await pair.dispose();
    }
  });

  it('offline mode refuses a model that is not cached, saying what to do', async () => {
    const before = mirror.downloads.size;
    const { manager, loader } = harness(settings({ hubEndpoint: mirror.endpoint, offline: true }));
    const error = await manager.use(HUB_ID, loader, async () => undefined).catch((e: unknown) => e);
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, EngineErrorCode.Offline);
    assert.match(error.message, /not in the local model cache \(config\.json is missing\) and offline mode is on .*Turn offline mode off once/);
    assert.equal(mirror.downloads.size, before, 'nothing was fetched');
  });

  it('an unreachable hub is a clear error', async () => {
    const { manager, loader } = harness(settings({ hubEndpoint: 'http://127.0.0.1:9' }));
    const error = await manager.use(HUB_ID, loader, async () => undefined).catch((e: unknown) => e);
    assert.ok(error instanceof EngineError, String(error));
    assert.equal(error.code, EngineErrorCode.HubUnreachable);
    assert.match(error.message, /cannot be reached.*hubEndpoint/);
  });

  it('an id the hub does not have (401, as the real hub answers) names every case it can be', async () => {
    const { manager, loader } = harness(settings({ hubEndpoint: mirror.endpoint }));
    const error = await manager.use('genai-studio/no-such-model', loader, async () => undefined).catch((e: unknown) => e);
    assert.ok(error instanceof EngineError, String(error));
    assert.equal(error.code, EngineErrorCode.ModelNotFound);
    assert.match(error.message, /could not be read from http:\/\/127\.0\.0\.1:\d+ \(HTTP 401\): the repository does not exist, is private, or is gated/);
    assert.match(error.message, /Set Hub Access Token/);
  });

  it('a gated repository loads with the access token, which goes to the hub endpoint only', async () => {
    const gated = await startHubMirror({ [HUB_ID]: CODE_MODEL_DIR }, { gated: { [HUB_ID]: 'hf_right' } });
    try {
      const without = harness(settings({ hubEndpoint: gated.endpoint }));
      const refused = await without.manager.use(HUB_ID, without.loader, async () => undefined).catch((e: unknown) => e);
      assert.ok(refused instanceof EngineError, String(refused));
      assert.match(refused.message, /HTTP 401\).*is private, or is gated/);

      const wrong = harness(settings({ hubEndpoint: gated.endpoint, hubToken: 'hf_wrong' }));
      const forbidden = await wrong.manager.use(HUB_ID, wrong.loader, async () => undefined).catch((e: unknown) => e);
      assert.ok(forbidden instanceof EngineError, String(forbidden));
      assert.match(forbidden.message, /HTTP 403\): your access token is not allowed to read it/);

      const right = harness(settings({ hubEndpoint: gated.endpoint, hubToken: 'hf_right' }));
      assert.equal(await right.manager.use(HUB_ID, right.loader, async (m) => m.device), 'cpu');
      assert.ok(gated.authorizations.includes('Bearer hf_right'));
      assert.ok(!mirror.authorizations.some((a) => a !== ''), 'no token went to another server');
    } finally {
      await gated.close();
    }
  });
});

describe('stopping a hub download (Cancel in its notification, or offline mode turned on), then resuming it', () => {
  let stalled: HubMirror;
  let healthy: HubMirror;
  before(async () => {
    // Half of the weights, then silence on an open connection: the download waits until it is stopped.
    stalled = await startHubMirror({ [HUB_ID]: CODE_MODEL_DIR }, { faults: { [`${HUB_ID}/onnx/model_quantized.onnx`]: 'stall' } });
    healthy = await startHubMirror({ [HUB_ID]: CODE_MODEL_DIR });
  });
  after(async () => {
    await stalled.close();
    await healthy.close();
    cleanTemps();
  });

  for (const [how, stop, says] of [
    ['Cancel', (pair: ReturnType<typeof connectedEngine>) => pair.client.sendRequest(Requests.cancelDownload, { model: HUB_ID }).then((stopped) => assert.equal(stopped, true)), /was stopped: you cancelled it\. What arrived is kept: the next time it is used, only the rest is downloaded/],
    ['offline mode', (pair: ReturnType<typeof connectedEngine>, cache: string) => pair.client.sendRequest(Requests.configure, settings({ hubEndpoint: stalled.endpoint, hubCacheDir: cache, offline: true })), /was stopped: offline mode was turned on/],
  ] as const) {
    it(`${how} stops the transfer at once, the load fails saying why, and the next load downloads only the rest`, async () => {
      const cache = tempDir();
      const pair = connectedEngine(ENGINE_CONNECTION_OPTIONS, settings({ hubEndpoint: stalled.endpoint, hubCacheDir: cache }));
      try {
        // Wait for the state: the weights are arriving.
        const arriving = new Promise<void>((resolve) =>
          pair.client.onNotification(Notifications.download, (d) => {
            if (d.file.endsWith('model_quantized.onnx') && d.loadedBytes > 0) resolve();
          }),
        );
        const load = pair.client.sendRequest(Requests.load, { model: HUB_ID }).then(() => assert.fail('the load finished'), (e: ResponseError) => e);
        await arriving;
        await stop(pair, cache);
        const error = await load;
        assert.equal(error.code, EngineErrorCode.DownloadStopped);
        assert.match(error.message, says);
        const weights = join(cache, HUB_ID, 'onnx', 'model_quantized.onnx');
        assert.ok(!existsSync(weights), 'the weights are not cached as a whole file');
        const arrived = statSync(`${weights}.part`).size;
        assert.ok(arrived > 0, 'what arrived is kept as a part');
        assert.equal(await pair.client.sendRequest(Requests.cancelDownload, { model: HUB_ID }), false, 'nothing is downloading any more');
      } finally {
        await pair.dispose();
      }
      const resumed = harness(settings({ hubEndpoint: healthy.endpoint, hubCacheDir: cache }));
      await resumed.manager.use(HUB_ID, resumed.loader, async () => undefined);
      assert.deepEqual(readFileSync(join(cache, HUB_ID, 'onnx', 'model_quantized.onnx')), readFileSync(join(CODE_MODEL_DIR, 'onnx', 'model_quantized.onnx')));
      assert.ok(
        healthy.requests.some((r) => /^genai-studio\/genai-code-tiny\/onnx\/model_quantized\.onnx@main bytes=[1-9]\d*-$/.test(r)),
        `the weights were asked for from where they stopped: ${healthy.requests.join(', ')}`,
      );
      assert.equal(healthy.downloads.get(`${HUB_ID}/onnx/model_quantized.onnx`) ?? 0, 0, 'never whole');
      await disposeManagers();
      healthy.requests.length = 0;
    });
  }
});
