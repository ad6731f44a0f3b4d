// A diffusion model by hub id, through a local mirror of the hub: download into the cache once,
// then offline from the cache, with clear errors otherwise.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { EngineProcess } from '../../../src/client/engineProcess';
import { DiffusionLoader, type DiffusionModel } from '../../../src/engine/diffusion/diffusionModel';
import { DeviceSelector } from '../../../src/engine/devices';
import { EngineError } from '../../../src/engine/errors';
import { HubRepoFiles, onDownloadProgress } from '../../../src/engine/hubDownload';
import { ModelManager } from '../../../src/engine/modelManager';
import { loadTransformers } from '../../../src/engine/transformers';
import { EngineErrorCode, type EngineSettings } from '../../../src/protocol';
import { startHubMirror, type HubMirror } from '../support/hubMirror';
import { DIST_ENGINE, REPO_ROOT, cleanTemps, settings, tempDir } from '../support/builders';

const HUB_ID = 'genai-studio/turbo-tiny';
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'diffusion', 'turbo-tiny');

describe('diffusion models by hub id (local mirror)', () => {
  let mirror: HubMirror;
  const managers: ModelManager[] = [];
  const downloaded: string[] = [];

  before(async () => {
    mirror = await startHubMirror({ [HUB_ID]: FIXTURE });
    onDownloadProgress((file, _loaded, _total, done) => done && downloaded.push(file));
  });
  after(async () => {
    onDownloadProgress(() => undefined);
    for (const m of managers) await m.dispose();
    await mirror.close();
    cleanTemps();
  });

  const load = (ref: string, engineSettings: EngineSettings): Promise<DiffusionModel> => {
    const manager = new ModelManager(engineSettings, new DeviceSelector(), { status: () => undefined, log: () => undefined });
    managers.push(manager);
    return manager.use(ref, new DiffusionLoader(loadTransformers), async (model) => model);
  };
  const failure = (promise: Promise<unknown>) => promise.then(() => assert.fail('the load should fail'), (e: unknown) => e as EngineError);

  it('downloads the repository once into the cache, then loads it offline from there', async () => {
    const cache = tempDir('genai-hub-');
    const model = await load(HUB_ID, settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }));
    assert.equal(model.variant, 'sd-turbo');
    assert.ok(existsSync(join(cache, HUB_ID, 'unet', 'model.onnx')));
    assert.ok(downloaded.includes('unet/model.onnx') && downloaded.includes('tokenizer/vocab.json'), downloaded.join(', '));
    assert.equal(mirror.downloads.get(`${HUB_ID}/unet/model.onnx`), 1);

    const offline = await load(HUB_ID, settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache, offline: true }));
    assert.equal(offline.variant, 'sd-turbo');
    assert.equal(mirror.downloads.get(`${HUB_ID}/unet/model.onnx`), 1, 'nothing downloaded again');
  });

  it('offline with an empty cache, an unknown repository and an unreachable hub are clear errors', async () => {
    let error = await failure(load(HUB_ID, settings({ hubEndpoint: mirror.endpoint, offline: true })));
    assert.equal(error.code, EngineErrorCode.Offline);
    assert.match(error.message, /not in the local model cache .* offline mode is on/);

    error = await failure(load('genai-studio/no-such-model', settings({ hubEndpoint: mirror.endpoint })));
    assert.equal(error.code, EngineErrorCode.ModelNotFound);
    assert.match(error.message, /HTTP 401\): the repository does not exist, is private, or is gated\. Check the hub id/);

    error = await failure(load(HUB_ID, settings({ hubEndpoint: 'http://127.0.0.1:9' })));
    assert.equal(error.code, EngineErrorCode.HubUnreachable);
    assert.match(error.message, /cannot be reached/);
  });

  it('engine/load of a hub id loads a diffusion repository as one (the engine looks for model_index.json first)', async () => {
    const engine = new EngineProcess({ enginePath: DIST_ENGINE, settings: settings({ hubEndpoint: mirror.endpoint, hubCacheDir: tempDir('genai-hub-') }) });
    const unetDownloads = () => mirror.downloads.get(`${HUB_ID}/unet/model.onnx`) ?? 0;
    const before = unetDownloads();
    try {
      const status = await engine.load(HUB_ID);
      assert.ok(status.error === undefined && (status.sizeMB ?? 0) > 0, JSON.stringify(status));
      // Generating by the same id reuses the preloaded model: nothing is downloaded again.
      await engine.generateImage({ jobId: 'after-load', model: HUB_ID, prompt: 'red circle', steps: 1, seed: 1 });
      assert.equal(unetDownloads() - before, 1);
    } finally {
      await engine.dispose();
    }
  });
});

describe('diffusion downloads that break on the way', () => {
  let mirror: HubMirror;
  const managers: ModelManager[] = [];
  before(async () => {
    mirror = await startHubMirror(
      { 'faults/corrupt': FIXTURE, 'faults/truncated': FIXTURE, 'faults/stalled': FIXTURE, 'faults/resumed': FIXTURE, 'faults/changed': FIXTURE, 'parts/orphaned': FIXTURE, 'parts/busy': FIXTURE },
      { faults: { 'faults/corrupt/unet/model.onnx': 'corrupt', 'faults/truncated/unet/model.onnx': 'truncate', 'faults/stalled/unet/model.onnx': 'stall', 'faults/resumed/unet/model.onnx': 'truncate-once', 'faults/changed/unet/model.onnx': 'truncate-once' } },
    );
  });
  after(async () => {
    for (const m of managers) await m.dispose();
    await mirror.close();
    cleanTemps();
  });

  /** Every file under the cache folder, relative to it. */
  const cached = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));

  const loadFrom = (repo: string, cache: string) => {
    const manager = new ModelManager(settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }), new DeviceSelector(), { status: () => undefined, log: () => undefined });
    managers.push(manager);
    return manager.use(repo, new DiffusionLoader(loadTransformers), async () => undefined).then(() => assert.fail('the load should fail'), (e: unknown) => e as EngineError);
  };

  it('corrupt: a clear error, and nothing of the broken file is kept', async () => {
    const cache = tempDir('genai-hub-');
    const error = await loadFrom('faults/corrupt', cache);
    assert.equal(error.code, EngineErrorCode.HubUnreachable);
    assert.match(error.message, /unet\/model\.onnx of faults\/corrupt is corrupt: its SHA-256 differs from the one the hub gives\. Nothing was kept; try again/);
    assert.ok(cached(cache).includes(join('faults/corrupt', 'model_index.json')), 'the files before it are cached');
    assert.ok(!cached(cache).some((f) => f.startsWith(join('faults/corrupt', 'unet'))), `no unet file is left: ${cached(cache).join(', ')}`);
  });

  it('truncated: a clear error; what arrived is kept as a part, never as the file', async () => {
    const cache = tempDir('genai-hub-');
    const error = await loadFrom('faults/truncated', cache);
    assert.equal(error.code, EngineErrorCode.HubUnreachable);
    assert.match(error.message, /unet\/model\.onnx of faults\/truncated was interrupted \(.*\)\. What arrived is kept: the next try downloads only the rest/);
    const unet = cached(cache).filter((f) => f.startsWith(join('faults/truncated', 'unet')));
    assert.deepEqual(unet.sort(), [join('faults/truncated', 'unet', 'model.onnx.part'), join('faults/truncated', 'unet', 'model.onnx.part.json')]);
  });

  it('an interrupted download resumes where it stopped, at the commit the first file named, and the file is whole', async () => {
    const cache = tempDir('genai-hub-');
    const repo = 'faults/resumed';
    await loadFrom(repo, cache);
    const part = statSync(join(cache, repo, 'unet', 'model.onnx.part')).size;
    const whole = statSync(join(FIXTURE, 'unet', 'model.onnx')).size;
    assert.ok(part > 0 && part < whole, `${part} of ${whole} bytes kept`);

    const manager = new ModelManager(settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }), new DeviceSelector(), { status: () => undefined, log: () => undefined });
    managers.push(manager);
    const model = await manager.use(repo, new DiffusionLoader(loadTransformers), async (m) => m);
    assert.equal(model.variant, 'sd-turbo');
    assert.deepEqual(readFileSync(join(cache, repo, 'unet', 'model.onnx')), readFileSync(join(FIXTURE, 'unet', 'model.onnx')));
    assert.ok(!cached(cache).some((f) => f.includes('.part')), `no part is left: ${cached(cache).join(', ')}`);
    const commit = mirror.commitOf(repo);
    const unetRequests = mirror.requests.filter((r) => r.startsWith(`${repo}/unet/model.onnx@`));
    // The second load had its first files cached, so it asks at the revision; If-Range guards the part.
    assert.deepEqual(unetRequests, [`${repo}/unet/model.onnx@${commit}`, `${repo}/unet/model.onnx@main bytes=${part}-`], 'the first try pinned the commit, the second asked for the rest only');
    assert.ok(mirror.requests.includes(`${repo}/model_index.json@main`), 'the first file was asked for at the revision');
  });

  it('a part of a file that changed on the hub since is not resumed: the file downloads whole', async () => {
    const cache = tempDir('genai-hub-');
    const repo = 'faults/changed';
    await loadFrom(repo, cache);
    const meta = join(cache, repo, 'unet', 'model.onnx.part.json');
    writeFileSync(meta, JSON.stringify({ ...JSON.parse(readFileSync(meta, 'utf8')), etag: '"an-older-version"' }));
    const manager = new ModelManager(settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }), new DeviceSelector(), { status: () => undefined, log: () => undefined });
    managers.push(manager);
    await manager.use(repo, new DiffusionLoader(loadTransformers), async () => undefined);
    assert.deepEqual(readFileSync(join(cache, repo, 'unet', 'model.onnx')), readFileSync(join(FIXTURE, 'unet', 'model.onnx')));
    assert.equal(mirror.downloads.get(`${repo}/unet/model.onnx`), 2, 'the range was refused (If-Range) and the whole file sent again');
  });

  it('resumes a part whose process died mid-download, and leaves alone one a live process is writing', async () => {
    const cache = tempDir('genai-hub-');
    const file = 'unet/model.onnx';
    const whole = readFileSync(join(FIXTURE, file));
    const sha = createHash('sha256').update(whole).digest('hex');
    const leavePart = (repo: string, holder: number) => {
      const target = join(cache, repo, file);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(`${target}.part`, whole.subarray(0, 1000));
      writeFileSync(`${target}.part.json`, JSON.stringify({ etag: `"${sha}"`, sha256: sha, total: whole.length }));
      writeFileSync(`${target}.part.lock`, String(holder));
      return target;
    };
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const orphaned = leavePart('parts/orphaned', gone);
    const source = (repo: string) => ({ kind: 'hub', ref: repo, id: repo, revision: 'main' }) as const;
    assert.equal(await new HubRepoFiles(source('parts/orphaned'), settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache })).fetch(file), true);
    assert.deepEqual(readFileSync(orphaned), whole);
    assert.ok(mirror.requests.includes(`parts/orphaned/${file}@main bytes=1000-`), 'the rest was asked for');
    assert.ok(!existsSync(`${orphaned}.part.lock`), 'the lock is let go');

    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const busy = leavePart('parts/busy', live.pid!);
      assert.equal(await new HubRepoFiles(source('parts/busy'), settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache })).fetch(file), true);
      assert.deepEqual(readFileSync(busy), whole);
      assert.equal(readFileSync(`${busy}.part`).length, 1000, "the other process's part is untouched");
      assert.equal(readFileSync(`${busy}.part.lock`, 'utf8'), String(live.pid), 'and so is its lock');
    } finally {
      live.kill();
    }
  });

  it('refuses a file name that would leave the model folder, and writes nothing', async () => {
    const cache = tempDir('genai-hub-');
    const repo = new HubRepoFiles({ kind: 'hub', ref: HUB_ID, id: HUB_ID, revision: 'main' }, settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }));
    for (const name of ['../escape.json', 'unet/../../escape.json', '/etc/escape.json', 'unet\\..\\..\\escape.json']) {
      const error = await repo.fetch(name).then(() => assert.fail(`${name} was fetched`), (e: unknown) => e as EngineError);
      assert.equal(error.code, EngineErrorCode.ModelInvalid);
      assert.match(error.message, /names a file outside its folder/);
    }
    assert.deepEqual(cached(cache), []);
  });

  it('stalled: gives up after the idle time, keeping what arrived', async () => {
    const cache = tempDir('genai-hub-');
    const source = { kind: 'hub', ref: 'faults/stalled', id: 'faults/stalled', revision: 'main' } as const;
    const repo = new HubRepoFiles(source, settings({ hubEndpoint: mirror.endpoint, hubCacheDir: cache }), 300);
    const error = await repo.fetch('unet/model.onnx').then(() => assert.fail('the download should fail'), (e: unknown) => e as EngineError);
    assert.match(error.message, /was interrupted \(no data for 0\.3 s\)\. What arrived is kept/);
    assert.deepEqual(cached(cache).sort(), [join('faults/stalled', 'unet', 'model.onnx.part'), join('faults/stalled', 'unet', 'model.onnx.part.json')]);
  });
});

