// The command line as an npm package: `npm pack` makes a tarball that `npm install -g` into a clean
// prefix turns into a working `genai-studio` command, with the shipped models and nothing else of
// the checkout (run after `npm run package`, which builds dist/).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

describe('the genai-studio npm package', () => {
  const work = mkdtempSync(join(tmpdir(), 'genai-cli-pack-'));
  const prefix = join(work, 'prefix');
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', GENAI_STUDIO_CACHE: join(work, 'cache'), npm_config_update_notifier: 'false' };
  let files: string[];
  const cli = (...args: string[]) => execFileSync(join(prefix, 'bin', 'genai-studio'), args, { env, encoding: 'utf8', cwd: work });

  before(function () {
    this.timeout(300_000);
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, env, encoding: 'utf8' }))[0];
    files = packed.files.map((f: { path: string }) => f.path);
    execFileSync('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename)], { env, stdio: 'ignore' });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('carries the bundles and the shipped models, and no sources, tests or int8 copy', () => {
    for (const file of ['bin/genai-studio.js', 'dist/cli.js', 'dist/engine.js', 'models/genai-code-tiny/onnx/model.onnx_data']) assert.ok(files.includes(file), file);
    assert.deepEqual(files.filter((f) => /^(src|test|tools|bench|scripts)\/|\.map$|model_quantized/.test(f)), []);
  });

  it('installs with only the packages the bundles cannot hold', () => {
    const installed = readdirSync(join(prefix, 'lib', 'node_modules', 'genai-studio', 'node_modules'));
    for (const bundled of ['@huggingface', 'vscode-jsonrpc', 'minisearch', 'fast-png', 'protobufjs']) assert.ok(!installed.includes(bundled), `${bundled} is bundled, not installed`);
    assert.ok(installed.includes('onnxruntime-node'));
  });

  it('`genai-studio models` lists the shipped models from the installed package', () => {
    const out = cli('models');
    assert.match(out, new RegExp(`genai-code-tiny\\s+\\(${join(prefix, 'lib', 'node_modules', 'genai-studio', 'models', 'genai-code-tiny').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
    assert.match(out, /cpu\s+available/);
  });

  it('`genai-studio complete` suggests code at a position of a file', () => {
    const file = join(work, 'math.ts');
    writeFileSync(file, 'export function add(a: number, b: number): number {\n  return \n}\n');
    const out = cli('complete', '--file', file, '--line', '2', '--col', '10');
    assert.ok(out.trim().length > 0, 'a suggestion was printed');
  });
});
