// `npm run bench:playground`: round-trip time of each Model Playground demo through the engine (warm
// models), beside a same-run baseline: the engine/info round trip (IPC and JSON alone). Figures only.
// Last line: `playground vae_ms=<median> gan_ms=<median> diffusion_ms=<median> next_token_ms=<median> info_ms=<median>`.
import { EngineProcess } from '../src/client/engineProcess';
import { ROOT, benchSettings } from './benchSettings';
import { median, row } from './stats';
import { join } from 'node:path';

async function times(n: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  await call(-1); // loads the model; not measured
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await call(i);
    out.push(performance.now() - started);
  }
  return out;
}

async function main(): Promise<void> {
  const engine = new EngineProcess({ enginePath: join(ROOT, 'dist', 'engine.js'), settings: benchSettings() });
  try {
    const figures = {
      info: await times(30, () => engine.info()),
      vae: await times(30, (i) => engine.demoVae({ action: 'decode', latent: [Math.sin(i), Math.cos(i)] })),
      gan: await times(20, (i) => engine.demoGan({ seed: i + 1, count: 4 })),
      diffusion: await times(5, (i) => engine.demoDiffusion({ prompt: 'large red circle on a blue background', seed: i + 1, steps: 10 })),
      nextToken: await times(20, (i) => engine.demoNextToken({ prompt: 'def add(a, b):\n    return', temperature: 1, topK: 10, seed: i + 1 })),
    };
    console.log(row('baseline: engine/info round trip', figures.info));
    console.log(row('demo/vae decode one latent point', figures.vae));
    console.log(row('demo/gan 4 generated + 4 real + 4 noise', figures.gan));
    console.log(row('demo/diffusion 10 steps, 21 decodes', figures.diffusion));
    console.log(row('demo/nextToken top 10', figures.nextToken));
    const m = (values: number[]) => median(values).toFixed(1);
    console.log(`playground vae_ms=${m(figures.vae)} gan_ms=${m(figures.gan)} diffusion_ms=${m(figures.diffusion)} next_token_ms=${m(figures.nextToken)} info_ms=${m(figures.info)}`);
  } finally {
    await engine.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
