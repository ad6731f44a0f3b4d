// Bundles the three entry points separately. Native modules and Transformers.js stay external
// (resolved from node_modules at run time) so no ONNX Runtime binary or onnxruntime-web code
// ends up in dist/. Test suites are compiled (not bundled) next to each other in out/.
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const external = ['vscode', 'onnxruntime-node', 'onnxruntime-common', 'onnxruntime-web', 'sharp', '@huggingface/transformers'];

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
  { ...common, entryPoints: { extension: 'src/extension.ts', engine: 'src/engine/main.ts', cli: 'src/cli/main.ts' }, outdir: 'dist' },
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
