// `npm run bench:contention`: how long a keystroke's completion takes while a long Generate Text runs
// on the same engine, beside the same completions on an idle engine (the baseline, same run). Each
// forward pass of a generation is its own scheduler job, so a completion should wait for at most one
// pass of it. Figures only: nothing here passes or fails.
// Last line: `contention idle_p95_ms=<p95> busy_p95_ms=<p95> ratio_p95=<busy/idle>`.
import { join } from 'node:path';
import { EngineProcess } from '../src/client/engineProcess';
import { DEFAULTS } from '../src/defaults';
import type { CompleteParams } from '../src/protocol';
import { ROOT, benchSettings } from './benchSettings';
import { percentile, row } from './stats';

const COMPLETIONS = Number(process.env.BENCH_COMPLETIONS ?? 40);
/** The shipped model holds 512 positions: the longest generation it can make after a short prompt. */
const GENERATION_TOKENS = 480;
/** A pause between keystrokes, as when typing. */
const PAUSE_MS = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function keystroke(i: number): CompleteParams {
  return { model: DEFAULTS.model, filePath: 'bench.ts', languageId: 'typescript', prefix: `export function scale${i}(x: number): number {\n  return x * `, suffix: '\n}\n', maxTokens: 16 };
}

async function completions(engine: EngineProcess): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < COMPLETIONS; i++) {
    const started = performance.now();
    await engine.complete(keystroke(i));
    times.push(performance.now() - started);
    await sleep(PAUSE_MS);
  }
  return times;
}

async function main(): Promise<void> {
  const engine = new EngineProcess({ enginePath: join(ROOT, 'dist', 'engine.js'), settings: benchSettings() });
  try {
    await engine.load(DEFAULTS.model);
    await engine.complete(keystroke(-1));
    const idle = await completions(engine);

    // Generations back to back (sampled, so each runs its full length) while the same completions run.
    let busy = true;
    let generated = 0;
    const background = (async () => {
      for (let seed = 1; busy; seed++) {
        const result = await engine.generate({ jobId: `long-${seed}`, model: DEFAULTS.model, prompt: 'def parse(text):\n', maxTokens: GENERATION_TOKENS, temperature: 0.8, topK: 40, seed });
        generated += result.generatedTokens;
      }
    })();
    await sleep(50);
    const during = await completions(engine);
    busy = false;
    await background;

    console.log(`${COMPLETIONS} completions (16 tokens at most, ${PAUSE_MS} ms apart); generations of ${GENERATION_TOKENS} tokens back to back (${generated} tokens in all)`);
    console.log(row('completion, idle engine (baseline)', idle));
    console.log(row('completion during a long generation', during));
    const ratio = percentile(during, 95) / percentile(idle, 95);
    console.log(`contention idle_p95_ms=${percentile(idle, 95).toFixed(1)} busy_p95_ms=${percentile(during, 95).toFixed(1)} ratio_p95=${ratio.toFixed(2)}`);
  } finally {
    await engine.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
