// Mocha runner loaded inside the real VS Code extension host (extensionTestsPath points at the compiled
// out/test/integration/index.js). It runs every out/test/integration/**/*.test.js with the BDD interface
// (describe/it/before/after). Output goes to the console, which the extension host forwards to the
// test driver (codeAutomationLog in scripts/run-integration.mjs, the terminal with @vscode/test-electron).
//
// Environment (set by scripts/run-integration.mjs and passed through to the extension host):
//   GENAI_TEST_GREP     only run tests whose full title matches this regular expression
//   GENAI_TEST_TIMEOUT  per-test timeout in ms (default 120000)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import type MochaType from 'mocha';

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return findTests(full);
      return entry.isFile() && entry.name.endsWith('.test.js') ? [full] : [];
    })
    .sort();
}

function isShutdown(file: string): boolean {
  return path.basename(file) === 'shutdown.test.js';
}

export async function run(): Promise<void> {
  // mocha 12 is an ES module package whose CommonJS build is lib/mocha.cjs; require() of either works on
  // Node >= 20.19 (require(esm)). Take the constructor from whichever shape comes back.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('mocha') as { default?: typeof MochaType } & typeof MochaType;
  const Mocha: typeof MochaType = loaded.default ?? loaded;

  // The extension host forwards console calls with their arguments joined, without printf formatting
  // (and its console methods cannot be replaced), so mocha's console.log('%s%s', a, b) would arrive as
  // '%s%s a b'. Mocha's reporters all print through Base.consoleLog: format there.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  base.consoleLog = (...args: unknown[]) => console.log(format(...args));

  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.GENAI_TEST_TIMEOUT) || 120_000,
    slow: 5_000,
    grep: process.env.GENAI_TEST_GREP || undefined,
  });

  const testsRoot = __dirname; // out/test/integration
  // Deactivation disposes every command, so the shutdown suite runs after all the others.
  const files = findTests(testsRoot).sort((a, b) => Number(isShutdown(a)) - Number(isShutdown(b)));
  if (files.length === 0) throw new Error(`no *.test.js files under ${testsRoot}; run node esbuild.mjs`);
  for (const file of files) mocha.addFile(file);
  console.log(`[integration] VS Code ${require('vscode').version}, Node ${process.version}, ${files.length} test file(s)`);

  await new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
