// Bundles the three entry points separately. ONNX Runtime (a native addon) stays external and is
// resolved from node_modules at run time; Transformers.js is bundled into dist/engine.js (with the
// onnxruntime-web build it carries), so a packaged extension needs no other JavaScript package.
// Test suites are compiled (not bundled) next to each other in out/.
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const external = ['vscode', 'onnxruntime-node', 'onnxruntime-common'];

// Transformers.js requires sharp (a per-platform native image library) when it loads, for image
// inputs that the engine never gives it: the diffusion pipeline makes its own pixels and PNGs. In
// sharp's place the bundle gets a function that says so if it is ever called.
const withoutSharp = {
  name: 'without-sharp',
  setup(build) {
    build.onResolve({ filter: /^sharp$/ }, () => ({ path: 'sharp', namespace: 'without-sharp' }));
    build.onLoad({ filter: /.*/, namespace: 'without-sharp' }, () => ({
      contents: "module.exports = function sharp() { throw new Error('GenAI Studio does not ship sharp: Transformers.js image inputs are not supported in its engine.'); };",
      loader: 'js',
    }));
  },
};

// VS Code hands each `require('vscode')` a very large API object, and esbuild turns every module's
// `import * as vscode` into a copy of it (~0.3 ms each in the extension host, ~7 ms of activation for
// twenty modules). One in-bundle module re-exports it, so it is copied once.
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  logLevel: 'warning',
};

function filesUnder(dir, suffix) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

// Each webview page script src/webviews/<panel>/main.ts becomes dist/webviews/<panel>.js (browser, one file).
const webviewPages = Object.fromEntries(
  readdirSync('src/webviews').filter((name) => statSync(join('src/webviews', name, 'main.ts'), { throwIfNoEntry: false })).map((name) => [name, join('src/webviews', name, 'main.ts')]),
);

const builds = [
  // The extension's activation time is measured from its bundle's first line (src/extension.ts).
  { ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', banner: { js: '"use strict";\nconst bundleStartedAt = performance.now();' }, plugins: [vscodeOnce] },
  { ...common, entryPoints: { engine: 'src/engine/main.ts', cli: 'src/cli/main.ts' }, outdir: 'dist', plugins: [withoutSharp] },
  // Integration and e2e suites and benchmarks run inside VS Code / Node against the built dist/;
  // every package is external.
  { ...common, entryPoints: [...filesUnder('test/integration', '.ts'), ...filesUnder('test/e2e', '.ts')], outdir: 'out/test', outbase: 'test', packages: 'external' },
  { ...common, entryPoints: filesUnder('bench', '.ts'), outdir: 'out/bench', packages: 'external' },
  { bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', sourcemap: true, logLevel: 'warning', entryPoints: webviewPages, outdir: 'dist/webviews' },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
