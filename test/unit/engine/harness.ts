// Builds a real ModelManager (real devices, real Transformers.js, real ONNX Runtime) that
// records the events it emits.
import { CausalLMLoader, type CausalLM } from '../../../src/engine/causalLM';
import { DeviceSelector } from '../../../src/engine/devices';
import { ModelManager, type ModelLoader } from '../../../src/engine/modelManager';
import type { ModelSource } from '../../../src/engine/modelSource';
import { loadTransformers } from '../../../src/engine/transformers';
import type { EngineSettings, ModelStatus } from '../../../src/protocol';
import type { LoadContext } from '../../../src/engine/modelManager';
import { CODE_MODEL, cleanTemps, settings } from '../support/builders';

export interface Harness {
  manager: ModelManager;
  loader: CountingLoader;
  statuses: ModelStatus[];
  logs: string[];
}

/** The real causal LM loader, counting how often it really loads. */
export class CountingLoader implements ModelLoader<CausalLM> {
  readonly kind = 'causal-lm';
  loads = 0;
  private readonly inner = new CausalLMLoader(loadTransformers);

  load(source: ModelSource, context: LoadContext): Promise<CausalLM> {
    this.loads++;
    return this.inner.load(source, context);
  }
}

const managers: ModelManager[] = [];

export function harness(settings: EngineSettings, devices = new DeviceSelector()): Harness {
  const statuses: ModelStatus[] = [];
  const logs: string[] = [];
  const manager = new ModelManager(settings, devices, {
    status: (s) => statuses.push({ ...s }),
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  managers.push(manager);
  return { manager, loader: new CountingLoader(), statuses, logs };
}

export async function disposeManagers(): Promise<void> {
  for (const m of managers.splice(0)) await m.dispose();
}

/** Loads the shipped code model once for a suite (mocha before/after); returns a getter. */
export function withCodeModel(): () => CausalLM {
  let model: CausalLM | undefined;
  before(async () => {
    const { manager, loader } = harness(settings());
    model = await manager.use(CODE_MODEL, loader, async (m) => m);
  });
  after(async () => {
    await disposeManagers();
    cleanTemps();
  });
  return () => model!;
}
