// Wires the engine's services to the JSON-RPC connection: the engine side of src/protocol.ts. Which
// service answers (local models or a remote server) is decided here; how any request is answered
// (cancel, errors, timing) is in requests.ts; the Model Playground's requests in playground/demoRequests.ts.
import { join } from 'node:path';
import type { CancellationToken, MessageConnection } from 'vscode-jsonrpc';
import { JobScheduler } from '../core/jobScheduler';
import { refersTo } from '../core/modelChoices';
import { isRemoteRef } from '../core/modelRef';
import { DEFAULTS } from '../defaults';
import {
  DEVICE_SETTINGS,
  EngineErrorCode,
  type CompleteParams,
  type CompleteResult,
  type DeviceChoice,
  type EngineSettings,
  type GenerateParams,
  type JobPriority,
  type GenerateResult,
  type ImageParams,
  type ImageResult,
  type LogEntry,
} from '../protocol';
import { Notifications, Requests } from '../protocolMessages';
import { CausalLMLoader, type CausalLM } from './causalLM';
import { completeCode } from './codeCompletion';
import { checkDevices } from './deviceCheck';
import { DiffusionLoader } from './diffusion/diffusionModel';
import { isDiffusionRepo } from './diffusion/hubFiles';
import { generateImages } from './diffusion/imagePipeline';
import { rawSamplingOf } from './generation/sampling';
import { generateFromPrompt } from './generation/textFromPrompt';
import { registerDemoRequests } from './playground/demoRequests';
import { answerQuestion } from './retrieval/answer';
import { RetrievalService } from './retrieval/retrievalService';
import { deleteDownloaded, listDownloaded } from './downloadedModels';
import { DeviceSelector } from './devices';
import { EngineError } from './errors';
import { hubDownloads } from './hubAccess';
import { ModelManager, type LoadedModel, type ModelLoader } from './modelManager';
import { isDiffusionFolder, listShippedModelNames, resolveModelSource } from './modelSource';
import { RemoteModels } from './remote/remoteModels';
import { abortSignal, guard, timedFrom } from './requests';
import { ServerError } from './remote/serverHttp';
import { generate, type PassRunner } from './textGenerator';
import { onDownloadProgress } from './hubDownload';
import { loadTransformers } from './transformers';

export class EngineServer {
  readonly models: ModelManager;
  private readonly scheduler = new JobScheduler();
  private readonly causalLM = new CausalLMLoader(loadTransformers);
  private readonly diffusion = new DiffusionLoader(loadTransformers);
  private readonly devices: DeviceSelector;
  private readonly started = Date.now();
  private readonly retrieval = new RetrievalService(
    (progress) => void this.connection.sendNotification(Notifications.indexProgress, progress),
    (message) => this.log({ level: 'info', message }),
  );
  /** `remote:<name>` models: inference servers, beside the local models. */
  private readonly remote = new RemoteModels(
    (status) => void this.connection.sendNotification(Notifications.status, status),
    (level, message) => this.log({ level, message }),
  );
  /** The hub model whose files are downloading now, for download notifications. */
  private downloading: string | undefined;

  constructor(
    private readonly connection: MessageConnection,
    settings: EngineSettings,
    devices = new DeviceSelector(),
  ) {
    this.devices = devices;
    this.remote.configure(settings);
    this.models = new ModelManager(settings, devices, {
      status: (status) => {
        this.downloading = status.state === 'loading' ? status.model : this.downloading === status.model ? undefined : this.downloading;
        void connection.sendNotification(Notifications.status, status);
      },
      log: (level, message) => this.log({ level, message }),
    });
    onDownloadProgress((file, loadedBytes, totalBytes, done) => {
      if (this.downloading) void connection.sendNotification(Notifications.download, { model: this.downloading, file, loadedBytes, totalBytes, done });
    });
    this.register();
  }

  log(entry: LogEntry): void {
    void this.connection.sendNotification(Notifications.log, entry);
  }

  private register(): void {
    const c = this.connection;
    c.onRequest(Requests.configure, (settings) =>
      guard(() => {
        if (!DEVICE_SETTINGS.includes(settings.device)) {
          throw new EngineError(EngineErrorCode.BadRequest, `The device setting is "${settings.device}", which is not one: use one of ${DEVICE_SETTINGS.join(', ')}. No setting was changed.`);
        }
        if (settings.offline && !this.models.getSettings().offline) hubDownloads.stop('offline mode was turned on');
        this.remote.configure(settings);
        return this.models.configure(settings);
      }),
    );
    c.onRequest(Requests.info, () => {
      const memory = process.memoryUsage();
      const mb = (bytes: number) => Math.round(bytes / 1048576);
      return { pid: process.pid, uptimeMs: Date.now() - this.started, rssMB: mb(memory.rss), heapUsedMB: mb(memory.heapUsed), externalMB: mb(memory.external), nodeVersion: process.version };
    });
    c.onRequest(Requests.models, () => {
      const settings = this.models.getSettings();
      return {
        shipped: listShippedModelNames(settings.shippedModelsDir).map((name) => {
          const path = join(settings.shippedModelsDir, name);
          return { name, path, kind: isDiffusionFolder(path) ? this.diffusion.kind : this.causalLM.kind };
        }),
        downloaded: listDownloaded(settings.hubCacheDir),
        loaded: [...this.models.statuses(), ...this.remote.statuses()],
        devices: this.devices.describe(),
        // Secrets stay in the engine.
        settings: { ...settings, hubToken: undefined, remotes: settings.remotes?.map((r) => ({ ...r, apiKey: undefined })) },
      };
    });
    c.onRequest(Requests.checkDevices, () =>
      guard(() => this.scheduler.schedule('background', () => checkDevices(this.models.getSettings(), this.devices, DEFAULTS.model))),
    );
    c.onRequest(Requests.load, ({ model }, token) => guard(async () => (isRemoteRef(model) ? this.remote.load(model, abortSignal(token)) : this.models.load(model, await this.loaderFor(model)))));
    c.onRequest(Requests.checkServers, (token) => guard(() => this.remote.check(abortSignal(token))));
    c.onRequest(Requests.unload, ({ model }) => guard(() => this.models.unload(model)));
    c.onRequest(Requests.cancelDownload, ({ model }) => {
      if (this.downloading !== model) return false;
      hubDownloads.stop('you cancelled it');
      return true;
    });
    c.onRequest(Requests.deleteDownloaded, ({ id }) =>
      guard(async () => {
        for (const { model } of this.models.statuses()) if (refersTo(model, id)) await this.models.unload(model);
        deleteDownloaded(this.models.getSettings().hubCacheDir, id);
      }),
    );
    c.onRequest(Requests.generate, (params, token) => guard(() => this.generate(params, token)));
    c.onRequest(Requests.generateText, (params, token) =>
      guard(() => {
        const arrived = performance.now();
        if (isRemoteRef(params.model)) return timedFrom(arrived, this.remote.generateText(params, abortSignal(token), this.streamTo(params.jobId)));
        return this.runPerPass(params.model, params.priority ?? 'background', token, async (model, signal, runPass) => ({
          ...(await generateFromPrompt(model, params, signal, this.streamTo(params.jobId), runPass)),
          totalMs: performance.now() - arrived,
          device: model.device,
        }));
      }),
    );
    c.onRequest(Requests.indexWorkspace, (params, token) => guard(() => this.retrieval.index(params, abortSignal(token))));
    c.onRequest(Requests.updateIndex, (params, token) => guard(() => this.retrieval.update(params, abortSignal(token))));
    c.onRequest(Requests.closeIndex, (params) => guard(() => this.retrieval.close(params)));
    c.onRequest(Requests.search, (params, token) => guard(() => this.retrieval.search(params, abortSignal(token))));
    c.onRequest(Requests.ask, (params, token) =>
      guard(async () => {
        const arrived = performance.now();
        const found = await this.retrieval.search(params, abortSignal(token));
        if (found.sources.length === 0) {
          throw new EngineError(EngineErrorCode.BadRequest, 'Nothing in the workspace matches the question. Rephrase it with words that appear in the files (names, terms).');
        }
        if (isRemoteRef(params.model)) {
          return timedFrom(arrived, this.remote.ask(params, found.sources, abortSignal(token), this.streamTo(params.jobId))).then((answer) => ({ ...answer, sources: found.sources, index: found.index }));
        }
        return this.runPerPass(params.model, params.priority ?? 'background', token, async (model, signal, runPass) => ({
          ...(await answerQuestion(model, params, found.sources, signal, this.streamTo(params.jobId), runPass)),
          sources: found.sources,
          index: found.index,
          totalMs: performance.now() - arrived,
          device: model.device,
        }));
      }),
    );
    c.onRequest(Requests.generateImage, (params, token) => guard(() => this.generateImage(params, token)));
    registerDemoRequests(c, { models: this.models, scheduler: this.scheduler, diffusion: this.diffusion, runOnCausalLM: (ref, token, work) => this.run(ref, 'interactive', token, work) });
    c.onRequest(Requests.complete, (params, token) => guard(() => this.complete(params, token)));
  }

  private complete(params: CompleteParams, token: CancellationToken): Promise<CompleteResult> {
    const arrived = performance.now();
    const local = (model: string) =>
      this.run(model, 'interactive', token, async (loaded, signal) => ({
        ...(await completeCode(loaded, { ...params, model }, signal)),
        totalMs: performance.now() - arrived,
        device: loaded.device,
      }));
    if (!isRemoteRef(params.model)) return local(params.model);
    return timedFrom(arrived, this.remote.complete(params, abortSignal(token))).catch(async (error: unknown) => {
      // The server is not there (not a refusal): the local model the user chose as fallback answers.
      if (!(error instanceof ServerError && error.unreachable && params.fallbackModel)) throw error;
      return { ...(await local(params.fallbackModel)), fallback: error.message };
    });
  }

  /** The diffusion loader for Stable-Diffusion folders and hub repositories (model_index.json), the causal LM loader otherwise. */
  private async loaderFor(ref: string): Promise<ModelLoader<LoadedModel>> {
    const settings = this.models.getSettings();
    let source;
    try {
      source = resolveModelSource(ref, settings);
    } catch {
      // A reference that resolves to nothing fails inside the manager's load, which reports it in the status.
      return this.causalLM;
    }
    const diffusion = source.kind === 'local' ? isDiffusionFolder(source.path) : await isDiffusionRepo(source, settings);
    return diffusion ? this.diffusion : this.causalLM;
  }

  /** Runs `work` on the model through the scheduler; the request's cancellation aborts it. */
  private run<R>(ref: string, priority: JobPriority, token: CancellationToken, work: (model: CausalLM & DeviceChoice, signal: AbortSignal) => Promise<R>): Promise<R> {
    const signal = abortSignal(token);
    return this.models.use(ref, this.causalLM, (model) => this.scheduler.schedule(priority, (jobSignal) => work(model, jobSignal), signal));
  }

  /**
   * Runs long generation `work` on the model with each forward pass its own scheduler job (`runPass`),
   * so a keystroke's completion waits for one pass of a long generation, not for all of it.
   */
  private runPerPass<R>(ref: string, priority: JobPriority, token: CancellationToken, work: (model: CausalLM & DeviceChoice, signal: AbortSignal, runPass: PassRunner) => Promise<R>): Promise<R> {
    const signal = abortSignal(token);
    return this.models.use(ref, this.causalLM, (model) => work(model, signal, (pass) => this.scheduler.schedule(priority, pass, signal)));
  }

  /**
   * Each forward pass of an image is its own background job, so a completion that arrives mid-image
   * runs after the current step instead of after the whole image. Progress goes out as `image/progress`.
   */
  private generateImage(params: ImageParams, token: CancellationToken): Promise<ImageResult> {
    const arrived = performance.now();
    const signal = abortSignal(token);
    return this.models.use(params.model, this.diffusion, async (model) => ({
      ...(await generateImages(model, params, {
        signal,
        progress: (progress) => void this.connection.sendNotification(Notifications.imageProgress, progress),
        runPass: (pass) => this.scheduler.schedule('background', pass, signal),
        arrivedMs: arrived,
      })),
      device: model.device,
    }));
  }

  /** Streams a job's text as `engine/generateChunk` notifications. */
  private streamTo(jobId: string): (text: string) => void {
    return (text) => void this.connection.sendNotification(Notifications.generateChunk, { jobId, text });
  }

  private generate(params: GenerateParams, token: CancellationToken): Promise<GenerateResult> {
    const arrived = performance.now();
    if (isRemoteRef(params.model)) return timedFrom(arrived, this.remote.generate(params, abortSignal(token), this.streamTo(params.jobId)));
    return this.runPerPass(params.model, params.priority ?? 'background', token, async (model, signal, runPass) => {
      const outcome = await generate(
        model,
        { ...rawSamplingOf(params), prompt: params.prompt, runPass },
        signal,
        (text) => void this.connection.sendNotification(Notifications.generateChunk, { jobId: params.jobId, text }),
      );
      return { ...outcome, totalMs: performance.now() - arrived, device: model.device };
    });
  }
}
