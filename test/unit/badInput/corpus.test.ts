// The bad-input corpus: models, settings, files, requests, CLI arguments and webview messages that are
// wrong in the ways users' inputs are. Each case must end in a clear error (what is wrong, and what to
// do) or a clear skip, and leave every input file as it was. Each case runs the real thing: the engine
// over JSON-RPC with the real runtime, the built CLI, the panels' own validators.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validatePanelMessage as validateImageStudio } from '../../../src/core/imageStudio/messages';
import { validatePanelMessage as validatePlayground } from '../../../src/core/playground/playgroundMessages';
import type { EngineSettings } from '../../../src/protocol';
import { Requests } from '../../../src/protocolMessages';
import { CODE_MODEL, REPO_ROOT, SHIPPED_MODELS, cleanTemps, copyOfCodeModel, settings, tempDir } from '../support/builders';
import { connectedEngine, type Pair } from '../support/engineConnection';
import { freePort } from '../../support/ports';

const CLI = join(REPO_ROOT, 'bin', 'genai-studio.js');
const exec = promisify(execFile);

/** Every file under `dir` with its SHA-256: the same before and after a case means nothing was changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = join(dir, rel, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) visit(join(rel, name));
      else if (stat?.isFile()) out[join(rel, name)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  visit('');
  return out;
}

/** The message a failing promise gives; a promise that succeeds is a failed case. */
async function errorOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected an error, the input was accepted');
}

async function cliError(args: string[]): Promise<string> {
  try {
    await exec(process.execPath, [CLI, ...args], { env: { ...process.env, GENAI_STUDIO_CACHE: tempDir() } });
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error('expected the CLI to fail');
}

function copyOfImageModel(): string {
  const dir = join(tempDir('genai-image-'), 'genai-image-tiny');
  cpSync(join(SHIPPED_MODELS, 'genai-image-tiny'), dir, { recursive: true });
  return dir;
}

function workspace(files: Record<string, string | Buffer>): string {
  const dir = tempDir('genai-ws-');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

interface Context {
  /** An engine with default test settings (or `overrides`), shared by the cases that need the same ones. */
  engine(overrides?: Partial<EngineSettings>): Pair;
  /** Folders whose files must not change: the case's inputs. */
  inputs: string[];
}

interface BadInput {
  area: 'model' | 'settings' | 'file' | 'request' | 'cli' | 'message';
  input: string;
  /** Returns the error (or skip reason) the user sees. */
  run(context: Context): Promise<string>;
  /** What the message must say: what is wrong and what to do. */
  says: RegExp;
}

const FIB = { filePath: 'a.py', languageId: 'python', prefix: 'def f(x):\n    return ', suffix: '\n' };

/** A model folder copy with one file damaged, loaded through the engine. */
function damagedModel(input: string, file: string, damage: (path: string) => void, says: RegExp): BadInput {
  return {
    area: 'model',
    input,
    says,
    run: async ({ engine, inputs }) => {
      const dir = copyOfCodeModel();
      damage(join(dir, file));
      inputs.push(dir);
      return errorOf(engine().client.sendRequest(Requests.load, { model: dir }));
    },
  };
}

function damagedImageModel(input: string, damage: (dir: string) => void, says: RegExp): BadInput {
  return {
    area: 'model',
    input,
    says,
    run: async ({ engine, inputs }) => {
      const dir = copyOfImageModel();
      damage(dir);
      inputs.push(dir);
      return errorOf(engine().client.sendRequest(Requests.generateImage, { jobId: 'i', model: dir, prompt: 'a circle', steps: 2, seed: 1 }));
    },
  };
}

function badRequest<P>(input: string, send: (pair: Pair) => Promise<P>, says: RegExp): BadInput {
  return { area: 'request', input, says, run: ({ engine }) => errorOf(send(engine())) };
}

function badCli(input: string, args: string[], says: RegExp): BadInput {
  return { area: 'cli', input, says, run: () => cliError(args) };
}

function badMessage(input: string, validate: (message: unknown) => { ok: boolean; reason?: string }, message: unknown, says: RegExp): BadInput {
  return {
    area: 'message',
    input,
    says,
    run: async () => {
      const result = validate(message);
      assert.equal(result.ok, false, 'the validator accepted it');
      return result.reason ?? '';
    },
  };
}

/** A workspace file Ask must skip (and say why), or a request about the workspace the engine must refuse. */
function askFile(input: string, files: Record<string, string | Buffer>, skipped: string, says: RegExp): BadInput {
  return {
    area: 'file',
    input,
    says,
    run: async ({ engine, inputs }) => {
      const folder = workspace({ 'README.md': '# Project\n\nThe server listens on port 7420.\n', ...files });
      inputs.push(folder);
      const summary = await engine().client.sendRequest(Requests.indexWorkspace, { folder, storageDir: tempDir(), maxFileBytes: 64 * 1024 });
      const entry = summary.skipped.find((s) => s.path === skipped);
      assert.ok(entry, `${skipped} is reported as skipped: ${JSON.stringify(summary.skipped)}`);
      return entry.reason;
    },
  };
}

const notJson = (path: string) => writeFileSync(path, 'not json {');
const zeroBytes = (path: string) => writeFileSync(path, '');
const truncated = (path: string) => truncateSync(path, Math.floor(statSync(path).size / 2));
const garbage = (path: string) => writeFileSync(path, Buffer.from('this is not a protobuf model'.repeat(100)));

const CASES: BadInput[] = [
  damagedModel('a corrupt model.onnx', 'onnx/model.onnx', garbage, /corrupt or incomplete.*Re-export or re-download/s),
  damagedModel('a truncated model.onnx (an interrupted download)', 'onnx/model.onnx', truncated, /the \.onnx file is corrupt or incomplete \(Load model from .*onnx\/model\.onnx.*Re-export or re-download it/s),
  damagedModel('a zero-byte model.onnx', 'onnx/model.onnx', zeroBytes, /the \.onnx file is corrupt or incomplete \(Load model from .*onnx\/model\.onnx.*Re-export or re-download it/s),
  damagedModel('a missing model.onnx_data', 'onnx/model.onnx_data', (p) => rmSync(p), /model\.onnx_data.*(missing|does not exist|not found)/is),
  damagedModel('a truncated model.onnx_data', 'onnx/model.onnx_data', truncated, /model\.onnx_data.*(truncated|shorter|incomplete)/is),
  damagedModel('a missing tokenizer.json', 'tokenizer.json', (p) => rmSync(p), /tokenizer\.json/),
  damagedModel('a truncated tokenizer.json', 'tokenizer.json', truncated, /tokenizer\.json.*(not valid JSON|truncated|damaged)/is),
  damagedModel('a zero-byte tokenizer.json', 'tokenizer.json', zeroBytes, /tokenizer\.json/),
  damagedModel('a config.json that is not JSON', 'config.json', notJson, /config\.json/),
  damagedModel('a zero-byte config.json', 'config.json', zeroBytes, /config\.json/),
  damagedModel('a tokenizer_config.json that is not JSON', 'tokenizer_config.json', notJson, /tokenizer_config\.json/),
  damagedModel('a model folder without onnx/', 'onnx', (p) => rmSync(p, { recursive: true }), /onnx/),
  damagedImageModel('an image model without its UNet', (dir) => rmSync(join(dir, 'unet'), { recursive: true }), /unet/i),
  damagedImageModel('an image model whose model_index.json is not JSON', (dir) => notJson(join(dir, 'model_index.json')), /model_index\.json/),
  damagedImageModel('an image model with a corrupt text encoder', (dir) => garbage(join(dir, 'text_encoder', 'model.onnx')), /text_encoder.*(corrupt|incomplete)|corrupt.*text_encoder/is),
  {
    area: 'model',
    input: 'a model folder that does not exist',
    says: /does not exist\. Check the path in your settings/,
    run: ({ engine }) => errorOf(engine().client.sendRequest(Requests.load, { model: '/nonexistent/model' })),
  },
  {
    area: 'model',
    input: 'a file where a model folder belongs',
    says: /is a file, not a model folder\. Point the setting at the folder that holds config\.json/,
    run: ({ engine }) => errorOf(engine().client.sendRequest(Requests.load, { model: join(SHIPPED_MODELS, CODE_MODEL, 'config.json') })),
  },
  {
    area: 'model',
    input: 'an unknown shipped name',
    says: /no shipped model named "genai-code-huge"\. Shipped models: .*genai-code-tiny/,
    run: ({ engine }) => errorOf(engine().client.sendRequest(Requests.load, { model: 'genai-code-huge' })),
  },
  {
    area: 'model',
    input: 'a reference that is neither a name, a folder nor a hub id',
    says: /is not a model reference\. Use a shipped model name/,
    run: ({ engine }) => errorOf(engine().client.sendRequest(Requests.load, { model: 'not a model' })),
  },
  {
    area: 'model',
    input: 'a hub id that is not cached, offline',
    says: /offline/i,
    run: ({ engine }) => errorOf(engine({ offline: true }).client.sendRequest(Requests.load, { model: 'someone/not-cached' })),
  },
  {
    area: 'model',
    input: 'a hub id with an endpoint that cannot be reached',
    says: /127\.0\.0\.1:9|reach|mirror|hubEndpoint/i,
    run: ({ engine }) => errorOf(engine({ hubEndpoint: 'http://127.0.0.1:9' }).client.sendRequest(Requests.load, { model: 'someone/unreachable' })),
  },
  {
    area: 'model',
    input: 'a model folder inside a workspace that is not trusted',
    says: /not trusted, so GenAI Studio loads no model from it\. Trust the workspace/,
    run: ({ engine }) => {
      const dir = copyOfCodeModel();
      return errorOf(engine({ untrustedFolders: [join(dir, '..')] }).client.sendRequest(Requests.load, { model: dir }));
    },
  },
  {
    area: 'settings',
    input: 'a remote:<name> that genaiStudio.remotes does not have',
    says: /No server named "gone" in genaiStudio\.remotes \(none is configured\)\. Add/,
    run: ({ engine }) => errorOf(engine().client.sendRequest(Requests.complete, { ...FIB, model: 'remote:gone' })),
  },
  {
    area: 'settings',
    input: 'a genaiStudio.remotes entry with a URL that is not http(s)',
    says: /No server named "ftp".*Add/s,
    run: ({ engine }) => errorOf(engine({ remotes: [{ name: 'ftp', url: 'ftp://box', api: 'openai' }] }).client.sendRequest(Requests.complete, { ...FIB, model: 'remote:ftp' })),
  },
  {
    area: 'settings',
    input: 'a remote server that is not running',
    says: /connection refused\. Start the server, or fix "url"/,
    run: async ({ engine }) => errorOf(engine({ remotes: [{ name: 'off', url: `http://127.0.0.1:${await freePort()}`, api: 'openai' }] }).client.sendRequest(Requests.complete, { ...FIB, model: 'remote:off' })),
  },
  {
    area: 'settings',
    input: 'a remote server on a port fetch will not connect to',
    says: /uses a port that fetch refuses to connect to .* Serve on another port/,
    run: ({ engine }) => errorOf(engine({ remotes: [{ name: 'blocked', url: 'http://127.0.0.1:6000', api: 'openai' }] }).client.sendRequest(Requests.complete, { ...FIB, model: 'remote:blocked' })),
  },
  {
    area: 'settings',
    input: 'a device that does not exist',
    says: /The device setting is "quantum", which is not one: use one of auto, cpu, cuda, dml, coreml, webgpu\. No setting was changed/,
    run: ({ engine }) => errorOf(engine().client.sendRequest(Requests.configure, { ...settings(), device: 'quantum' as never })),
  },
  badRequest('a prompt budget of 3 tokens', (p) => p.client.sendRequest(Requests.complete, { ...FIB, model: CODE_MODEL, promptTokens: 3 }), /promptTokens must be a whole number of at least 16; got 3/),
  badRequest('0 tokens to generate', (p) => p.client.sendRequest(Requests.generate, { jobId: 'g', model: CODE_MODEL, prompt: 'x', maxTokens: 0 }), /maxTokens must be a whole number from 1 to 4096; got 0/),
  badRequest('a million tokens to generate', (p) => p.client.sendRequest(Requests.generate, { jobId: 'g', model: CODE_MODEL, prompt: 'x', maxTokens: 1e6 }), /maxTokens must be a whole number from 1 to 4096/),
  badRequest('an empty prompt', (p) => p.client.sendRequest(Requests.generate, { jobId: 'g', model: CODE_MODEL, prompt: '' }), /The prompt is empty/),
  badRequest('an image with 0 steps', (p) => p.client.sendRequest(Requests.generateImage, { jobId: 'i', model: 'genai-image-tiny', prompt: 'a circle', steps: 0 }), /steps/),
  badRequest('an image size the model cannot make', (p) => p.client.sendRequest(Requests.generateImage, { jobId: 'i', model: 'genai-image-tiny', prompt: 'a circle', width: 33, height: 33, steps: 2 }), /33.*(nearest|multiple)/s),
  badRequest('a playground demo with temperature 0', (p) => p.client.sendRequest(Requests.demoNextToken, { prompt: 'x', temperature: 0, topK: 5, seed: 1 }), /params\.temperature/),
  badRequest('Ask on a folder that does not exist', (p) => p.client.sendRequest(Requests.search, { folder: '/nonexistent/ws', storageDir: tempDir(), question: 'q' }), /\/nonexistent\/ws does not exist or is not a folder/),
  {
    area: 'file',
    input: 'an index update naming a path outside the workspace (a/../../x)',
    says: /a\/\.\.\/\.\.\/x is outside the workspace folder .*: the index reads files inside it only, so nothing was read/,
    run: async ({ engine, inputs }) => {
      const folder = workspace({ 'a/b.md': 'text' });
      inputs.push(folder);
      return errorOf(engine().client.sendRequest(Requests.updateIndex, { folder, storageDir: tempDir(), paths: ['a/../../x'] } as never));
    },
  },
  askFile('a binary file in the workspace', { 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]) }, 'logo.png', /binary/),
  askFile('a huge file in the workspace', { 'data/dump.sql': 'INSERT INTO t VALUES (1);\n'.repeat(10_000) }, 'data/dump.sql', /large|KB|size/i),
  {
    area: 'file',
    input: 'a text file that is not UTF-8 (Latin-1)',
    says: /indexed/,
    run: async ({ engine, inputs }) => {
      const folder = workspace({ 'notes.txt': Buffer.from('caf\xe9 cr\xe8me port 7420\n', 'latin1') });
      inputs.push(folder);
      const summary = await engine().client.sendRequest(Requests.indexWorkspace, { folder, storageDir: tempDir() });
      const found = await engine().client.sendRequest(Requests.search, { folder, storageDir: tempDir(), question: 'port 7420' });
      assert.equal(summary.skippedCount, 0);
      assert.equal(found.sources[0]?.path, 'notes.txt', 'the file is still searchable');
      return 'indexed, its invalid bytes read as replacement characters';
    },
  },
  {
    area: 'file',
    input: 'a symbolic link out of the workspace',
    says: /not indexed/,
    run: async ({ engine, inputs }) => {
      const outside = workspace({ 'secret.md': 'the password is hunter2' });
      const folder = workspace({ 'README.md': 'project' });
      symlinkSync(join(outside, 'secret.md'), join(folder, 'linked.md'));
      inputs.push(folder, outside);
      const found = await engine().client.sendRequest(Requests.search, { folder, storageDir: tempDir(), question: 'password hunter2' });
      assert.equal(found.sources.length, 0, 'nothing from outside the workspace');
      return 'not indexed: symbolic links are not followed';
    },
  },
  badCli('an unknown command', ['frobnicate'], /Unknown command "frobnicate"/),
  badCli('--device that does not exist', ['generate', '--prompt', 'x', '--device', 'quantum'], /--device must be one of auto, cpu/),
  badCli('--max-tokens that is not a number', ['generate', '--prompt', 'x', '--max-tokens', 'many'], /--max-tokens must be a number; got "many"/),
  badCli('complete on a file that does not exist', ['complete', '--file', '/nonexistent/a.py', '--line', '1', '--col', '1'], /Cannot read \/nonexistent\/a\.py/),
  badCli('generate without --prompt', ['generate'], /generate needs --prompt/),
  {
    area: 'cli',
    input: 'image --out in a folder that cannot be written',
    says: /cannot write|not writable|permission|EACCES|does not exist/i,
    run: () => cliError(['image', '--prompt', 'a circle', '--steps', '1', '--seed', '1', '--device', 'cpu', '--out', '/nonexistent/dir/out.png']),
  },
  badMessage('an Image Studio message of an unknown type', validateImageStudio, { type: 'rm -rf' }, /type/),
  badMessage('an Image Studio generate with steps as a string', validateImageStudio, { type: 'generate', params: { prompt: 'x', steps: '20' } }, /steps|params/),
  badMessage('a Playground message that is not an object', validatePlayground, 'hello', /object|message/),
  badMessage('a Playground message with an extra field', validatePlayground, { type: 'ready', script: 'alert(1)' }, /script|unexpected|field/),
];

describe('the bad-input corpus: a clear error for each, no input file changed', () => {
  const pairs = new Map<string, Pair>();
  const context = (inputs: string[]): Context => ({
    inputs,
    engine: (overrides = {}) => {
      const key = JSON.stringify(overrides);
      if (!pairs.has(key)) pairs.set(key, connectedEngine(undefined, settings(overrides)));
      return pairs.get(key)!;
    },
  });

  after(async () => {
    for (const pair of pairs.values()) await pair.dispose();
    cleanTemps();
  });

  it(`has at least 40 cases across models, settings, files, requests, CLI arguments and messages (${CASES.length})`, () => {
    assert.ok(CASES.length >= 40);
    assert.deepEqual([...new Set(CASES.map((c) => c.area))].sort(), ['cli', 'file', 'message', 'model', 'request', 'settings']);
  });

  for (const c of CASES) {
    it(`${c.area}: ${c.input}`, async () => {
      const inputs: string[] = [];
      const ctx = context(inputs);
      // Inputs are snapshotted as the case creates them, so wrap push: the snapshot is taken on entry.
      const before = new Map<string, Record<string, string>>();
      const push = inputs.push.bind(inputs);
      inputs.push = (...dirs: string[]) => {
        for (const dir of dirs) before.set(dir, snapshot(dir));
        return push(...dirs);
      };
      const message = await c.run(ctx);
      assert.match(message, c.says);
      for (const [dir, files] of before) assert.deepEqual(snapshot(dir), files, `${dir} is unchanged`);
    });
  }
});
