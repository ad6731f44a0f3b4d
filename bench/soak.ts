// `npm run soak`: the engine killed (SIGKILL) 100 times at random points while it works (typing,
// loading, image steps), beside a same-run baseline: a fresh engine's start to its first completion;
// then 10,000 completions, 500 images and 200 Ask requests, half of each cancelled at once, with the
// engine's memory after warm-up and at the end; then 10,000 random and malformed messages to each
// panel's validator. Figures only; the short version with assertions is test/unit/client/engineKills.test.ts.
// Last line: `soak kills=N recovered=N hung=N orphans=N unhandled=N rss_growth_pct=X fuzz_crashes=N`
// (the largest growth of the three).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource, type CancellationToken } from 'vscode-jsonrpc';
import { EngineProcess } from '../src/client/engineProcess';
import { DEFAULTS, IMAGE_MODEL } from '../src/defaults';
import { validatePanelMessage as imageStudioMessages } from '../src/core/imageStudio/messages';
import { validatePanelMessage as playgroundMessages } from '../src/core/playground/playgroundMessages';
import { killEngineRepeatedly } from '../test/support/engineKills';
import { fuzzCrashes } from '../test/support/messageFuzz';
import { ROOT, benchSettings } from './benchSettings';
import { median, percentile, row } from './stats';

const KILLS = Number(process.env.SOAK_KILLS ?? 100);
const COMPLETIONS = Number(process.env.SOAK_COMPLETIONS ?? 10_000);
const IMAGES = Number(process.env.SOAK_IMAGES ?? 500);
const ASKS = Number(process.env.SOAK_ASKS ?? 200);
const WORKSPACE = join(ROOT, 'test', 'fixtures', 'workspace');
const FUZZ_MESSAGES = 10_000;
const QUESTIONS = ['How is the mean of an empty list handled?', 'What does add return?', 'Where is the sum computed?', 'Which function squares a number?'];
const enginePath = join(ROOT, 'dist', 'engine.js');

async function coldStart(): Promise<number> {
  const started = performance.now();
  const engine = new EngineProcess({ enginePath, settings: benchSettings() });
  try {
    await engine.complete({ model: DEFAULTS.model, filePath: 'a.ts', languageId: 'typescript', prefix: 'let x = ', suffix: '\n', maxTokens: 4 });
    return performance.now() - started;
  } finally {
    await engine.dispose();
  }
}

interface MemoryRun {
  label: string;
  count: number;
  cancelled: number;
  warmMB: number;
  endMB: number;
  /** Live JavaScript objects, warm and at the end. */
  heapUsedMB: [number, number];
}

/**
 * The engine's resident memory once warm and at the end, every other request cancelled at once. RSS is
 * sampled a hundred times; each figure is the median of a tenth's samples (one sample lands anywhere in
 * the garbage collector's cycle). Warm is the sixth tenth, not the second: V8 sizes its heap in steps
 * over the first thousands of requests (measured on 10,000 completions: heap capacity 36 -> 52 MB
 * around the 2,500th while the live objects stayed at 18-26 MB, then flat to the end), and a leak shows
 * as growth over the second half.
 */
async function memoryUnder(label: string, count: number, send: (engine: EngineProcess, i: number, token: CancellationToken) => Promise<unknown>): Promise<MemoryRun> {
  const engine = new EngineProcess({ enginePath, settings: benchSettings() });
  const every = Math.max(1, Math.floor(count / 100));
  const samples: { at: number; rssMB: number; heapUsedMB: number }[] = [];
  let cancelled = 0;
  try {
    for (let i = 0; i < count; i++) {
      const source = new CancellationTokenSource();
      const request = send(engine, i, source.token);
      if (i % 2 === 1) source.cancel();
      await request.catch(() => cancelled++);
      if ((i + 1) % every === 0) samples.push({ at: (i + 1) / count, ...(await engine.info()) });
    }
    const within = (from: number, to: number, pick: (s: (typeof samples)[number]) => number) => median(samples.filter((s) => s.at > from && s.at <= to).map(pick));
    return {
      label,
      count,
      cancelled,
      warmMB: within(0.5, 0.6, (s) => s.rssMB),
      endMB: within(0.9, 1, (s) => s.rssMB),
      heapUsedMB: [within(0.5, 0.6, (s) => s.heapUsedMB), within(0.9, 1, (s) => s.heapUsedMB)],
    };
  } finally {
    await engine.dispose();
  }
}

async function main(): Promise<void> {
  const cold: number[] = [];
  for (let i = 0; i < 10; i++) cold.push(await coldStart());
  const report = await killEngineRepeatedly({ enginePath, settings: benchSettings(), kills: KILLS, seed: 1 });
  const recovery = report.rounds.map((r) => r.recoveryMs);
  const count = (predicate: (r: (typeof report.rounds)[number]) => boolean) => report.rounds.filter(predicate).length;
  for (const scenario of ['typing', 'loading', 'image'] as const) {
    const rounds = report.rounds.filter((r) => r.scenario === scenario);
    console.log(row(`kill while ${scenario}: kill to next answer`, rounds.map((r) => r.recoveryMs)));
  }
  console.log(row('baseline: fresh engine start to first answer', cold));
  const recovered = count((r) => r.recovered);
  const hanging = report.rounds.reduce((sum, r) => sum + r.hanging, 0);
  console.log(`kill to next answer p95 ${percentile(recovery, 95).toFixed(0)} ms; a fresh engine's start to its first answer p95 ${percentile(cold, 95).toFixed(0)} ms`);
  const storageDir = mkdtempSync(join(tmpdir(), 'genai-soak-'));
  const runs = [
    await memoryUnder('completions', COMPLETIONS, (engine, i, token) =>
      engine.complete({ model: DEFAULTS.model, filePath: 'a.ts', languageId: 'typescript', prefix: `const v${i % 500} = compute(${i % 37}, `, suffix: ');\n', maxTokens: 16 }, token),
    ),
    await memoryUnder('images', IMAGES, (engine, i, token) => engine.generateImage({ jobId: `soak-${i}`, model: IMAGE_MODEL, prompt: i % 2 ? 'red circle' : 'blue square', steps: 10, seed: i }, undefined, token)),
    await memoryUnder('Ask requests', ASKS, (engine, i, token) =>
      engine.ask({ jobId: `ask-${i}`, model: DEFAULTS.model, folder: WORKSPACE, storageDir, question: QUESTIONS[i % QUESTIONS.length], maxTokens: 32 }, undefined, token),
    ),
  ];
  for (const run of runs) {
    const growth = (100 * (run.endMB - run.warmMB)) / run.warmMB;
    console.log(`${run.count} ${run.label}, ${run.cancelled} cancelled: engine RSS ${run.warmMB} MB in the sixth tenth, ${run.endMB} MB in the last (medians) (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%); live JavaScript objects ${run.heapUsedMB[0]} -> ${run.heapUsedMB[1]} MB`);
  }
  const fuzz = [imageStudioMessages, playgroundMessages].reduce((sum, validate, i) => sum + fuzzCrashes(validate, FUZZ_MESSAGES, i + 1), 0);
  console.log(`${FUZZ_MESSAGES} random and malformed messages to each panel's validator: ${fuzz} threw`);
  const growth = Math.max(...runs.map((r) => (100 * (r.endMB - r.warmMB)) / r.warmMB));
  console.log(`soak kills=${report.rounds.length} recovered=${recovered} hung=${hanging} orphans=${report.orphans} unhandled=${report.unhandledRejections} rss_growth_pct=${growth.toFixed(1)} fuzz_crashes=${fuzz}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
