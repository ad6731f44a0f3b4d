// The engine killed (SIGKILL) at random points while it works: under typing (completions, some
// cancelled, and a long generation), while a model loads, and between the steps of an image. After each
// kill, every request must settle (none hangs), and the next request must work. Shared by the soak
// benchmark (`npm run soak`, 100 kills) and its short version in the unit tests.
import { CancellationTokenSource } from 'vscode-jsonrpc';
import { EngineProcess } from '../../src/client/engineProcess';
import { seededRandom } from '../../src/core/sampling';
import type { EngineSettings } from '../../src/protocol';
import { isAlive, waitFor } from './processes';

export interface KillRound {
  scenario: Scenario;
  /** Requests in flight when the engine was killed that settled (resolved or failed). */
  settled: number;
  /** Requests that had not settled within `settleMs` after the kill. */
  hanging: number;
  /** The next request after the kill worked. */
  recovered: boolean;
  /** From the kill to the first answer of the restarted engine. */
  recoveryMs: number;
}

export interface KillReport {
  rounds: KillRound[];
  /** Engine processes still alive after dispose. */
  orphans: number;
  unhandledRejections: number;
}

export type Scenario = 'typing' | 'loading' | 'image';
const SCENARIOS: Scenario[] = ['typing', 'loading', 'image'];
const CODE_MODEL = 'genai-code-tiny';
const IMAGE_MODEL = 'genai-image-tiny';

/** Starts the scenario's requests; resolves once the engine is busy with them, so the kill lands mid-work. */
async function startWork(engine: EngineProcess, scenario: Scenario, round: number): Promise<Promise<unknown>[]> {
  const work: Promise<unknown>[] = [];
  if (scenario === 'typing') {
    for (let i = 0; i < 4; i++) {
      const source = new CancellationTokenSource();
      work.push(engine.complete({ model: CODE_MODEL, filePath: 'a.ts', languageId: 'typescript', prefix: `const value${round}_${i} = `, suffix: '\n', maxTokens: 32 }, source.token));
      if (i % 2 === 0) source.cancel();
    }
    let chunk!: () => void;
    const streaming = new Promise<void>((resolve) => (chunk = resolve));
    work.push(engine.generate({ jobId: `soak-${round}`, model: CODE_MODEL, prompt: 'def parse(text):\n', maxTokens: 400, temperature: 0.8, seed: round }, () => chunk()));
    await Promise.race([streaming, Promise.allSettled(work)]);
  } else if (scenario === 'loading') {
    await engine.unload(CODE_MODEL);
    work.push(engine.load(CODE_MODEL));
  } else {
    let step!: () => void;
    const stepping = new Promise<void>((resolve) => (step = resolve));
    work.push(engine.generateImage({ jobId: `soak-image-${round}`, model: IMAGE_MODEL, prompt: 'red circle', steps: 50, seed: round }, () => step()));
    await Promise.race([stepping, Promise.allSettled(work)]);
  }
  return work;
}

export async function killEngineRepeatedly(options: { enginePath: string; settings: EngineSettings; kills: number; seed?: number; settleMs?: number }): Promise<KillReport> {
  const next = seededRandom(options.seed ?? 1);
  let unhandledRejections = 0;
  const onUnhandled = () => unhandledRejections++;
  process.on('unhandledRejection', onUnhandled);
  const engine = new EngineProcess({ enginePath: options.enginePath, settings: options.settings, backoffMs: [20], maxCrashes: options.kills + 1 });
  const pids = new Set<number>();
  const rounds: KillRound[] = [];
  try {
    await engine.load(CODE_MODEL);
    for (let round = 0; round < options.kills; round++) {
      const scenario = SCENARIOS[round % SCENARIOS.length];
      const work = await startWork(engine, scenario, round);
      // A random point within the next few milliseconds of work.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 20)));
      const pid = engine.pid;
      if (pid === undefined) throw new Error('no engine to kill');
      pids.add(pid);
      const killedAt = performance.now();
      process.kill(pid, 'SIGKILL');
      let settled = 0;
      const settleMs = options.settleMs ?? 30_000;
      await Promise.race([
        Promise.all(work.map((w) => w.then(() => settled++, () => settled++))),
        new Promise((resolve) => setTimeout(resolve, settleMs)),
      ]);
      const recovered = await engine.complete({ model: CODE_MODEL, filePath: 'a.ts', languageId: 'typescript', prefix: 'let x = ', suffix: '\n', maxTokens: 4 }).then(() => true, () => false);
      rounds.push({ scenario, settled, hanging: work.length - settled, recovered, recoveryMs: performance.now() - killedAt });
      if (engine.pid !== undefined) pids.add(engine.pid);
    }
  } finally {
    await engine.dispose();
    process.off('unhandledRejection', onUnhandled);
  }
  await waitFor(() => [...pids].every((pid) => !isAlive(pid)), 5000);
  return { rounds, orphans: [...pids].filter(isAlive).length, unhandledRejections };
}
