// `npm run soak`: the engine killed (SIGKILL) 100 times at random points while it works (typing,
// loading, image steps), beside a same-run baseline: a fresh engine's start to its first completion;
// then 10,000 completions, half of them cancelled at once, and the engine's memory after warm-up and
// at the end. Figures only; the short version with assertions is test/unit/client/engineKills.test.ts.
// Last lines: `soak kills=... recovered=... hanging=... orphans=... unhandled=...` and `soak completions=... rss_growth_pct=...`.
import { join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { EngineProcess } from '../src/client/engineProcess';
import { DEFAULTS } from '../src/defaults';
import { killEngineRepeatedly } from '../test/support/engineKills';
import { ROOT, benchSettings } from './benchSettings';
import { percentile, row } from './stats';

const KILLS = Number(process.env.SOAK_KILLS ?? 100);
const COMPLETIONS = Number(process.env.SOAK_COMPLETIONS ?? 10_000);
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

/** The engine's resident memory after 1,000 warm-up completions and after all of them. */
async function completionMemory(): Promise<{ warmMB: number; endMB: number; cancelled: number }> {
  const engine = new EngineProcess({ enginePath, settings: benchSettings() });
  let cancelled = 0;
  let warmMB = 0;
  try {
    for (let i = 0; i < COMPLETIONS; i++) {
      const source = new CancellationTokenSource();
      const request = engine.complete({ model: DEFAULTS.model, filePath: 'a.ts', languageId: 'typescript', prefix: `const v${i % 500} = compute(${i % 37}, `, suffix: ');\n', maxTokens: 16 }, source.token);
      if (i % 2 === 1) source.cancel();
      await request.catch(() => cancelled++);
      if (i === 999) warmMB = (await engine.info()).rssMB;
    }
    return { warmMB, endMB: (await engine.info()).rssMB, cancelled };
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
  console.log(
    `soak kills=${report.rounds.length} recovered=${recovered} hanging=${hanging} orphans=${report.orphans} unhandled=${report.unhandledRejections} recovery_p95_ms=${percentile(recovery, 95).toFixed(0)} cold_start_p95_ms=${percentile(cold, 95).toFixed(0)}`,
  );
  const memory = await completionMemory();
  console.log(`${COMPLETIONS} completions, ${memory.cancelled} cancelled: engine RSS ${memory.warmMB} MB after 1,000, ${memory.endMB} MB at the end`);
  console.log(`soak completions=${COMPLETIONS} rss_warm_mb=${memory.warmMB} rss_end_mb=${memory.endMB} rss_growth_pct=${((100 * (memory.endMB - memory.warmMB)) / memory.warmMB).toFixed(1)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
