import assert from 'node:assert/strict';
import { readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EngineError } from '../../../src/engine/errors';
import { EngineErrorCode, type EngineSettings } from '../../../src/protocol';
import { cleanTemps, copyOfCodeModel, settings, tempDir } from '../support/builders';
import { disposeManagers, harness } from './harness';

async function loadError(ref: string, overrides: Partial<EngineSettings> = {}): Promise<EngineError> {
  const { manager, loader } = harness(settings(overrides));
  const error = await manager.use(ref, loader, async () => undefined).then(
    () => assert.fail(`loading ${ref} should fail`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
  return error;
}

describe('bad model input gives errors that say what is wrong and what to do', () => {
  afterEach(async () => {
    await disposeManagers();
    cleanTemps();
  });

  it('a corrupt .onnx file', async () => {
    const dir = copyOfCodeModel();
    writeFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.from('this is not a protobuf model'.repeat(100)));
    const error = await loadError(dir);
    assert.equal(error.code, EngineErrorCode.ModelInvalid);
    assert.match(error.message, /corrupt or incomplete.*Re-export or re-download/);
  });

  it('a truncated .onnx file (an interrupted download)', async () => {
    const dir = copyOfCodeModel();
    truncateSync(join(dir, 'onnx', 'model.onnx'), 4096);
    const error = await loadError(dir);
    assert.equal(error.code, EngineErrorCode.ModelInvalid);
  });

  for (const [what, damage] of [
    ['truncated', (file: string) => truncateSync(file, 1 << 20)],
    ['missing', (file: string) => rmSync(file)],
  ] as const) {
    it(`a ${what} external weights file (model.onnx_data, shared by both graphs)`, async () => {
      const dir = copyOfCodeModel();
      damage(join(dir, 'onnx', 'model.onnx_data'));
      const error = await loadError(dir);
      assert.equal(error.code, EngineErrorCode.ModelInvalid);
      assert.match(error.message, /model\.onnx_data.*Re-export or re-download/);
    });
  }

  it('a model folder inside an untrusted workspace folder, even through a symbolic link, is refused until the workspace is trusted', async () => {
    const model = copyOfCodeModel();
    const workspace = dirname(model);
    const link = join(tempDir(), 'linked-model');
    symlinkSync(model, link, 'dir');
    for (const ref of [model, link]) {
      const error = await loadError(ref, { untrustedFolders: [workspace] });
      assert.equal(error.code, EngineErrorCode.Untrusted);
      assert.match(error.message, /not trusted.*Trust the workspace \(Workspaces: Manage Workspace Trust\)/);
    }
    const { manager, loader } = harness(settings({ untrustedFolders: [] }));
    assert.equal(await manager.use(link, loader, async () => 'loaded'), 'loaded');
  });

  it('a missing tokenizer.json', async () => {
    const dir = copyOfCodeModel();
    rmSync(join(dir, 'tokenizer.json'));
    const error = await loadError(dir);
    assert.equal(error.code, EngineErrorCode.ModelInvalid);
    assert.match(error.message, /tokenizer is missing.*tokenizer\.json does not exist/);
  });

  for (const [file, content] of [['tokenizer.json', undefined], ['config.json', 'not json'], ['tokenizer_config.json', '']] as const) {
    it(`a ${content === undefined ? 'truncated' : content ? 'non-JSON' : 'zero-byte'} ${file} names the file and what to do`, async () => {
      const dir = copyOfCodeModel();
      const path = join(dir, file);
      if (content === undefined) truncateSync(path, Math.floor(readFileSync(path).length / 2));
      else writeFileSync(path, content);
      const error = await loadError(dir);
      assert.equal(error.code, EngineErrorCode.ModelInvalid);
      assert.ok(error.message.startsWith(`${path} is not valid JSON`), error.message);
      assert.match(error.message, /truncated or corrupt\. Re-export or re-download the model\.$/);
    });
  }

  it('a folder that does not exist', async () => {
    const error = await loadError('/nonexistent/models/qwen');
    assert.equal(error.code, EngineErrorCode.ModelNotFound);
    assert.match(error.message, /\/nonexistent\/models\/qwen does not exist/);
  });

  it('a folder that is not a model', async () => {
    const error = await loadError(tempDir());
    assert.equal(error.code, EngineErrorCode.ModelInvalid);
    assert.match(error.message, /not a model folder: config\.json is missing/);
  });

  it('a folder without ONNX weights', async () => {
    const dir = copyOfCodeModel();
    rmSync(join(dir, 'onnx'), { recursive: true });
    const error = await loadError(dir);
    assert.match(error.message, /No ONNX weights/);
  });

  it('an unknown shipped name lists the shipped models', async () => {
    const error = await loadError('no-such-model');
    assert.equal(error.code, EngineErrorCode.ModelNotFound);
    assert.match(error.message, /no shipped model named "no-such-model".*genai-code-tiny/);
  });

  it('a reference that is neither name, folder nor hub id', async () => {
    const error = await loadError('some/relative/path');
    assert.equal(error.code, EngineErrorCode.ModelNotFound);
    assert.match(error.message, /not a model reference/);
  });

  it('recovers after the folder is fixed: a failed load is not cached', async () => {
    const dir = copyOfCodeModel();
    const { manager, loader } = harness(settings());
    const tokenizer = join(dir, 'tokenizer.json');
    const saved = readFileSync(tokenizer);
    rmSync(tokenizer);
    await assert.rejects(manager.use(dir, loader, async () => undefined), /tokenizer is missing/);
    writeFileSync(tokenizer, saved);
    await manager.use(dir, loader, async () => undefined);
    assert.equal(loader.loads, 2);
  });
});
