// The Model Playground's requests: interactive jobs on the shipped models, parameters checked first,
// each answer with the time it took.
import type { CancellationToken, MessageConnection } from 'vscode-jsonrpc';
import type { JobScheduler } from '../../core/jobScheduler';
import { checkDiffusionParams, checkGanParams, checkNextTokenParams, checkVaeParams } from '../../core/playground/demoParams';
import { DEFAULTS, IMAGE_MODEL } from '../../defaults';
import type { DeviceChoice } from '../../protocol';
import { Requests } from '../../protocolMessages';
import type { CausalLM } from '../causalLM';
import type { DiffusionLoader } from '../diffusion/diffusionModel';
import type { ModelManager } from '../modelManager';
import { abortSignal, checked, guard } from '../requests';
import { runDiffusionDemo } from './diffusionDemo';
import { ganLoader, runGanDemo } from './ganDemo';
import { nextTokenDistribution } from './nextToken';
import { readExamples, runVaeDemo, vaeLoader } from './vaeDemo';

/** The playground's VAE and GAN (shipped; their examples and scores are what the demos show). */
const VAE_MODEL = 'genai-vae-tiny';
const GAN_MODEL = 'genai-gan-tiny';

export interface DemoDeps {
  models: ModelManager;
  scheduler: JobScheduler;
  diffusion: DiffusionLoader;
  /** Runs work on a causal LM as an interactive job (the engine's own way, shared with completion). */
  runOnCausalLM<R>(ref: string, token: CancellationToken, work: (model: CausalLM & DeviceChoice) => Promise<R>): Promise<R>;
}

export function registerDemoRequests(c: MessageConnection, deps: DemoDeps): void {
  const timed = async <R>(work: () => Promise<R>): Promise<R & { ms: number }> => {
    const started = performance.now();
    return { ...(await work()), ms: performance.now() - started };
  };
  c.onRequest(Requests.demoVae, (params, token) =>
    guard(() =>
      timed(() => {
        const request = checked(checkVaeParams(params));
        return deps.models.use(VAE_MODEL, vaeLoader, (model) => deps.scheduler.schedule('interactive', () => runVaeDemo(model, request), abortSignal(token)));
      }),
    ),
  );
  c.onRequest(Requests.demoGan, (params, token) =>
    guard(() =>
      timed(() => {
        const request = checked(checkGanParams(params, 'params'));
        return deps.models.use(VAE_MODEL, vaeLoader, (vae) =>
          deps.models.use(GAN_MODEL, ganLoader, (gan) => deps.scheduler.schedule('interactive', () => runGanDemo(gan, request, readExamples(vae)), abortSignal(token))),
        );
      }),
    ),
  );
  c.onRequest(Requests.demoDiffusion, (params, token) =>
    guard(() =>
      timed(() => {
        const request = checked(checkDiffusionParams(params, 'params'));
        const signal = abortSignal(token);
        return deps.models.use(request.model ?? IMAGE_MODEL, deps.diffusion, (model) =>
          runDiffusionDemo(model, request, { signal, runPass: (pass) => deps.scheduler.schedule('interactive', pass, signal), arrivedMs: performance.now() }),
        );
      }),
    ),
  );
  c.onRequest(Requests.demoNextToken, (params, token) =>
    guard(() =>
      timed(() => {
        const request = checked(checkNextTokenParams(params, 'params'));
        return deps.runOnCausalLM(request.model ?? DEFAULTS.model, token, (model) => nextTokenDistribution(model, request));
      }),
    ),
  );
}
