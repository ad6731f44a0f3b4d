// `npm run bench:installed`: a person's first minute with the VSIX, beside the same minute with this
// checkout (nothing to install). Each run installs the VSIX anew into empty folders with
// `code-server --install-extension`, starts the workbench in headless Chromium, opens a TypeScript file
// and types until the first inline suggestion shows. Activation is the extension's own figure (from
// loading its code to the end of activate), read from its log. Figures only: nothing passes or fails.
//
//   npm run package linux-x64 && npm run bench:installed [-- path/to/file.vsix]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startWorkbench, type Workbench } from '../test/e2e/harness';
import { ROOT } from './benchSettings';
import { median, row } from './stats';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const vsix = process.argv[2] ?? join(ROOT, '.package', `genai-studio-${version}-${process.platform}-${process.arch}.vsix`);

interface Run {
  /** From the start (install included for the VSIX) to the first ghost text. */
  toSuggestionMs: number;
  activationMs: number;
  /** Of which: evaluating the bundle. */
  evaluationMs: number;
}

/** The extension's "Activated in N ms (... code E ms ...)" line, from its log file under the run's user data. */
function loggedActivation(wb: Workbench): Pick<Run, 'activationMs' | 'evaluationMs'> {
  const logsDir = join(wb.runDir, 'data', 'logs');
  const logs = readdirSync(logsDir, { recursive: true, encoding: 'utf8' }).filter((path) => basename(path) === 'GenAI Studio.log').map((path) => join(logsDir, path));
  const match = logs.map((file) => /Activated in ([\d.]+) ms \(evaluating the extension's code ([\d.]+) ms/.exec(readFileSync(file, 'utf8'))).find(Boolean);
  if (!match) throw new Error(`no activation line in ${logs.join(', ') || 'any GenAI Studio.log'}`);
  return { activationMs: Number(match[1]), evaluationMs: Number(match[2]) };
}

async function firstSuggestion(fromVsix: boolean): Promise<Run> {
  const started = performance.now();
  const wb = await startWorkbench({ vsix: fromVsix ? vsix : undefined, freshInstall: true, settings: { 'editor.inlineSuggest.enabled': true } });
  try {
    await wb.openFile('src/math.ts');
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    const ghost = await wb.typeUntilSuggestion(['export function square(x: number): number ', '{\nreturn x * ']);
    if (!ghost.trim()) throw new Error('no suggestion appeared');
    return { toSuggestionMs: performance.now() - started, ...loggedActivation(wb) };
  } finally {
    await wb.close();
  }
}

async function main(): Promise<void> {
  if (process.env.GENAI_TEST_VSIX) throw new Error('unset GENAI_TEST_VSIX: this bench chooses the extension of each run itself');
  const installed: Run[] = [];
  const checkout: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    installed.push(await firstSuggestion(true));
    checkout.push(await firstSuggestion(false));
  }
  const lines = [
    `VSIX: ${vsix} (${(statSync(vsix).size / 1e6).toFixed(1)} MB); ${RUNS} runs each, alternating`,
    row('install to first suggestion (VSIX)', installed.map((r) => r.toSuggestionMs)),
    row('start to first suggestion (checkout)', checkout.map((r) => r.toSuggestionMs)),
    row('activation (VSIX)', installed.map((r) => r.activationMs)),
    row('activation (checkout)', checkout.map((r) => r.activationMs)),
    row('  of which evaluation (VSIX)', installed.map((r) => r.evaluationMs)),
    row('  of which evaluation (checkout)', checkout.map((r) => r.evaluationMs)),
    `installed activation_ms=${median(installed.map((r) => r.activationMs)).toFixed(1)} first_suggestion_ms=${median(installed.map((r) => r.toSuggestionMs)).toFixed(0)} ratio_vs_checkout=${(median(installed.map((r) => r.toSuggestionMs)) / median(checkout.map((r) => r.toSuggestionMs))).toFixed(2)}`,
  ];
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
