import { join } from 'node:path';
import { DEFAULTS } from '../src/defaults';
import type { EngineSettings } from '../src/protocol';

/** The repository root, from out/bench/ where benchmarks run. */
export const ROOT = join(__dirname, '..', '..');

/** Engine settings for benchmarks: offline, on the CPU, nothing unloaded mid-run. */
export function benchSettings(shippedModelsDir = join(ROOT, 'models')): EngineSettings {
  return {
    shippedModelsDir,
    hubCacheDir: join(ROOT, '.vscode-test', 'bench-hub'),
    hubEndpoint: DEFAULTS.hubEndpoint,
    offline: true,
    device: 'cpu',
    memoryBudgetMB: DEFAULTS.memoryBudgetMB,
    idleUnloadSeconds: 0,
  };
}
