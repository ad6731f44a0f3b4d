// `npm run package`: one VSIX per platform target, each with only its own platform's ONNX Runtime.
//
//   node scripts/package.mjs                  # every target, into .package/
//   node scripts/package.mjs linux-x64        # some targets
//
// Each target is staged in .package/stage-<target>/ with exactly what ships (bundled dist/ without
// source maps, models/, media/, walkthroughs/, and the few packages that cannot be bundled, pruned),
// then `vsce package --target` packs that folder. A table of what each part weighs is printed and
// written to .package/sizes.md. Nothing is published.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.package');

const { targets: TARGETS, budgetMB: BUDGET_MB } = JSON.parse(readFileSync(join(root, 'packaging', 'targets.json'), 'utf8'));

// What of each run-time package ships (paths inside the package; folders are copied whole).
// The shipped package.json keeps only what Node and vsce read: the code is already bundled or
// native, so the packages need none of their own dependencies.
const RUNTIME_PACKAGES = {
  'onnxruntime-node': ({ os, arch }) => [
    ...filesIn('node_modules/onnxruntime-node/dist', (name) => name.endsWith('.js')).map((f) => `dist/${f}`),
    // darwin's libonnxruntime.1.30.0.dylib is a second copy of the libonnxruntime.1.dylib the binding loads.
    ...filesIn(`node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}`, (name) => name !== 'libonnxruntime.1.30.0.dylib').map((f) => `bin/napi-v6/${os}/${arch}/${f}`),
  ],
  'onnxruntime-common': () => ['dist/cjs'],
  '@vscode/codicons': () => ['LICENSE', 'dist/codicon.css', 'dist/codicon.ttf'],
  '@vscode-elements/elements': () => ['LICENSE', 'dist/bundled.js'],
};

// The extension's own files; source maps, tests, tools and the int8 code model (which the
// extension never loads: it runs the fp32 weights, stored once) and the command line's bundle stay out.
const OWN_FILES = ['dist', 'models', 'media', 'walkthroughs', 'LICENSE', 'CHANGELOG.md'];
const LEFT_OUT = [/\.map$/, /^dist\/cli\.js$/, /^models\/genai-code-tiny\/onnx\/model_quantized\.onnx$/, /^models\/genai-code-tiny\/training\.json$/];

function filesIn(dir, keep) {
  return readdirSync(join(root, dir)).filter((name) => statSync(join(root, dir, name)).isFile() && keep(name));
}

function copyPackage(stage, name, paths) {
  const from = join(root, 'node_modules', name);
  const to = join(stage, 'node_modules', name);
  for (const path of paths) cpSync(join(from, path), join(to, path), { recursive: true, filter: (src) => !/\.(map|d\.ts)$/.test(src) });
  const { version, main, license, exports } = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  writeFileSync(join(to, 'package.json'), `${JSON.stringify({ name, version, license, main, exports }, null, 2)}\n`);
  return version;
}

/** The manifest that ships: no scripts, no development or command-line entries (`bin`, the npm `files`), the shipped packages as dependencies. */
function stagedManifest(dependencies) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const key of ['scripts', 'devDependencies', 'bin', 'files']) delete manifest[key];
  manifest.dependencies = dependencies;
  return manifest;
}

function stageTarget(target) {
  const stage = join(outDir, `stage-${target}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const entry of OWN_FILES) {
    cpSync(join(root, entry), join(stage, entry), {
      recursive: true,
      filter: (src) => !LEFT_OUT.some((pattern) => pattern.test(relative(root, src))),
    });
  }
  cpSync(join(root, 'packaging', 'README.md'), join(stage, 'README.md'));
  const dependencies = {};
  for (const [name, paths] of Object.entries(RUNTIME_PACKAGES)) dependencies[name] = copyPackage(stage, name, paths(TARGETS[target]));
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(stagedManifest(dependencies), null, 2)}\n`);
  // Everything staged ships; vsce wants the file to exist.
  writeFileSync(join(stage, '.vscodeignore'), '');
  return stage;
}

function sizeOf(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);

/** What each part of a staged extension weighs on disk, largest first. */
function parts(stage) {
  const named = [
    ['ONNX Runtime (native)', 'node_modules/onnxruntime-node/bin'],
    ['ONNX Runtime (JavaScript)', 'node_modules/onnxruntime-node/dist'],
    ['code model', 'models/genai-code-tiny'],
    ['image model', 'models/genai-image-tiny'],
    ['playground models', ['models/genai-vae-tiny', 'models/genai-gan-tiny']],
    ['bundled JavaScript (dist)', 'dist'],
    ['webview controls and icons', ['node_modules/@vscode/codicons', 'node_modules/@vscode-elements/elements', 'node_modules/onnxruntime-common']],
    ['media and walkthrough', ['media', 'walkthroughs']],
  ];
  const rows = named.map(([label, paths]) => [label, [paths].flat().reduce((sum, p) => sum + (existsSync(join(stage, p)) ? sizeOf(join(stage, p)) : 0), 0)]);
  return rows.sort((a, b) => b[1] - a[1]);
}

function vsce(stage, target, out) {
  const cli = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [cli, 'package', '--target', target, '--out', out], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });
}

function packageTargets(targets) {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  mkdirSync(outDir, { recursive: true });
  const results = [];
  for (const target of targets) {
    if (!TARGETS[target]) throw new Error(`unknown target ${target}; targets: ${Object.keys(TARGETS).join(', ')}`);
    const stage = stageTarget(target);
    const vsix = join(outDir, `genai-studio-${version}-${target}.vsix`);
    vsce(stage, target, vsix);
    results.push({ target, vsix, vsixBytes: statSync(vsix).size, installedBytes: sizeOf(stage), parts: parts(stage) });
  }
  return results;
}

function table(results) {
  const lines = [
    `| target | VSIX MB (budget ${BUDGET_MB.vsix}) | installed MB (budget ${BUDGET_MB.installed}) | ${results[0].parts.map(([label]) => label).join(' | ')} |`,
    `|---|---|---|${results[0].parts.map(() => '---').join('|')}|`,
  ];
  for (const r of results) {
    const byLabel = new Map(r.parts);
    lines.push(`| ${r.target} | ${mb(r.vsixBytes)} | ${mb(r.installedBytes)} | ${results[0].parts.map(([label]) => mb(byLabel.get(label))).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

const targets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(TARGETS);
execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
const results = packageTargets(targets);
const text = table(results);
writeFileSync(join(outDir, 'sizes.md'), text);
console.log(`\n${text}`);
const over = results.filter((r) => r.vsixBytes > BUDGET_MB.vsix * 1e6 || r.installedBytes > BUDGET_MB.installed * 1e6);
if (over.length > 0) {
  console.error(`over budget: ${over.map((r) => r.target).join(', ')}`);
  process.exit(1);
}
