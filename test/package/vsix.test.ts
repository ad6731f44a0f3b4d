// What each platform's VSIX (made by `npm run package`, which runs before this suite) carries: its own
// platform's ONNX Runtime only, the shipped models with the code model's weights once, the webview
// assets, no sources or tests, and sizes within the budget.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as yauzl from 'yauzl';
import packaging from '../../packaging/targets.json';

interface Entry {
  path: string;
  bytes: number;
}

/** The files of a VSIX with their unpacked sizes, and the text of the ones asked for. */
function readVsix(file: string, texts: string[]): Promise<{ entries: Entry[]; text: Map<string, string> }> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: Entry[] = [];
      const text = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push({ path: entry.fileName, bytes: entry.uncompressedSize });
        if (!texts.includes(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            text.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve({ entries, text }));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const root = join(__dirname, '..', '..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
const outDir = join(root, '.package');
const { targets: TARGETS, budgetMB: BUDGET_MB } = packaging;
const NATIVE = 'extension/node_modules/onnxruntime-node/bin/napi-v6/';

describe('the VSIX of each platform', () => {
  for (const [target, { os, arch }] of Object.entries(TARGETS)) {
    describe(target, () => {
      const file = join(outDir, `genai-studio-${version}-${target}.vsix`);
      let entries: Entry[];
      let text: Map<string, string>;
      let paths: Set<string>;

      before(async function () {
        if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run package\` first`);
        ({ entries, text } = await readVsix(file, ['extension.vsixmanifest', 'extension/package.json']));
        paths = new Set(entries.map((e) => e.path));
      });

      it('is made for this platform and carries only its ONNX Runtime binaries', () => {
        assert.match(text.get('extension.vsixmanifest')!, new RegExp(`TargetPlatform="${target}"`));
        const native = entries.filter((e) => e.path.startsWith(NATIVE)).map((e) => e.path.slice(NATIVE.length));
        assert.ok(native.includes(`${os}/${arch}/onnxruntime_binding.node`), `the binding for ${os}/${arch} is there: ${native.join(', ')}`);
        assert.deepEqual(
          native.filter((p) => !p.startsWith(`${os}/${arch}/`)),
          [],
          'no other platform',
        );
      });

      it('runs from what it carries: the bundles, the shipped packages and the manifest that names them', () => {
        const manifest = JSON.parse(text.get('extension/package.json')!);
        assert.ok(paths.has(`extension/${manifest.main.replace(/^\.\//, '')}`), 'the main file');
        assert.ok(paths.has('extension/dist/engine.js'), 'the engine');
        assert.deepEqual(Object.keys(manifest.dependencies).sort(), ['@vscode-elements/elements', '@vscode/codicons', 'onnxruntime-common', 'onnxruntime-node']);
        assert.equal(manifest.scripts, undefined, 'no scripts');
        assert.equal(manifest.devDependencies, undefined, 'no development packages');
        for (const asset of ['node_modules/@vscode/codicons/dist/codicon.css', 'node_modules/@vscode/codicons/dist/codicon.ttf', 'node_modules/@vscode-elements/elements/dist/bundled.js', 'LICENSE.txt', 'changelog.md', 'readme.md']) {
          assert.ok([...paths].some((p) => p.toLowerCase() === `extension/${asset}`.toLowerCase()), `${asset} is there`);
        }
      });

      it('ships every model once: the code model keeps its fp32 weights in one shared file and no int8 copy', () => {
        for (const model of ['genai-code-tiny', 'genai-image-tiny', 'genai-vae-tiny', 'genai-gan-tiny']) {
          assert.ok(paths.has(`extension/models/${model}/config.json`) || paths.has(`extension/models/${model}/model_index.json`), `${model} is there`);
        }
        const onnx = entries.filter((e) => e.path.startsWith('extension/models/genai-code-tiny/onnx/')).map((e) => e.path.split('/').pop());
        assert.deepEqual(onnx.sort(), ['model.onnx', 'model.onnx_data', 'model_append_kv.onnx']);
      });

      it('leaves out sources, tests, tools, source maps and what Node never loads', () => {
        const unwanted = entries.filter((e) =>
          /^extension\/(src|test|tools|bench|scripts|out|\.vscode-test|packaging)\//.test(e.path) ||
          /\.(ts|map)$/.test(e.path) ||
          /node_modules\/(onnxruntime-web|sharp|@img|@huggingface|typescript|mocha)\//.test(e.path),
        );
        assert.deepEqual(unwanted.map((e) => e.path), []);
      });

      it(`stays within the budget: ${BUDGET_MB.vsix} MB to download, ${BUDGET_MB.installed} MB installed`, () => {
        const download = statSync(file).size / 1e6;
        const installed = entries.reduce((sum, e) => sum + e.bytes, 0) / 1e6;
        assert.ok(download <= BUDGET_MB.vsix, `${download.toFixed(1)} MB to download`);
        assert.ok(installed <= BUDGET_MB.installed, `${installed.toFixed(1)} MB installed`);
      });
    });
  }
});
