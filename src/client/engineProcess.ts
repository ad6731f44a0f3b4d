// Starts and supervises the engine process, and is the typed client of src/protocol.ts.
// Shared by the VS Code extension and the CLI; knows nothing of VS Code. vscode-jsonrpc and the
// protocol's messages load when the engine first starts, not when the extension activates.
import { fork, type ChildProcess } from 'node:child_process';
import type { CancellationToken, MessageConnection } from 'vscode-jsonrpc';
import {
  EngineErrorCode,
  type AskParams,
  type AskResult,
  type CompleteParams,
  type CompleteResult,
  type DeviceCheck,
  type DiffusionDemoParams,
  type DiffusionDemoResult,
  type GanDemoParams,
  type GanDemoResult,
  type NextTokenParams,
  type NextTokenResult,
  type ServerReport,
  type VaeDemoParams,
  type VaeDemoResult,
  type DownloadProgress,
  type EngineInfo,
  type EngineSettings,
  type GenerateParams,
  type GenerateResult,
  type GenerateTextParams,
  type GenerateTextResult,
  type ImageParams,
  type ImageProgress,
  type ImageResult,
  type IndexProgress,
  type IndexSummary,
  type IndexUpdateParams,
  type LogEntry,
  type ModelStatus,
  type ModelsInfo,
  type SearchParams,
  type SearchResult,
  type WorkspaceIndexParams,
} from '../protocol';
import type { Requests } from '../protocolMessages';
import { Signal, type Event } from './signal';

type JsonRpc = typeof import('vscode-jsonrpc/node');
type ProtocolMessages = typeof import('../protocolMessages');
let loaded: { rpc: JsonRpc; messages: ProtocolMessages } | undefined;
const load = () => (loaded ??= { rpc: require('vscode-jsonrpc/node') as JsonRpc, messages: require('../protocolMessages') as ProtocolMessages });

/** What a request is sent with: the protocol's requests, and the token of a request no one can cancel. */
interface Sending {
  requests: typeof Requests;
  none: CancellationToken;
}

function engineStopped(message: string): Error {
  return new (load().rpc.ResponseError)(EngineErrorCode.EngineStopped, message);
}

export interface EngineProcessOptions {
  /** Path of the bundled engine entry (dist/engine.js). */
  enginePath: string;
  settings: EngineSettings;
  /** The Node (or Electron run as Node) executable; defaults to the current one. */
  execPath?: string;
  /** Extra environment for the engine process (e.g. which Vulkan driver WebGPU uses). */
  env?: Readonly<Record<string, string>>;
  /** Delays before successive restarts after crashes; the last one repeats. */
  backoffMs?: readonly number[];
  /** After this many crashes in a row (each within a minute of its start) the engine is not restarted. */
  maxCrashes?: number;
}

/** `crashed`: it died `maxCrashes` times in a row and is not restarted until the user asks. */
export type EngineState = 'stopped' | 'starting' | 'running' | 'restarting' | 'crashed' | 'disposed';

const DEFAULT_BACKOFF_MS = [250, 1000, 3000, 10000, 30000];
const DEFAULT_MAX_CRASHES = 5;
/** A process that ran this long before dying is not crash-looping: the backoff starts over. */
const STABLE_AFTER_MS = 60_000;

export class EngineProcess {
  private readonly statusEmitter = new Signal<ModelStatus>();
  private readonly downloadEmitter = new Signal<DownloadProgress>();
  private readonly logEmitter = new Signal<LogEntry>();
  private readonly chunkEmitter = new Signal<{ jobId: string; text: string }>();
  private readonly stateEmitter = new Signal<EngineState>();
  private readonly indexProgressEmitter = new Signal<IndexProgress>();
  private readonly imageProgressEmitter = new Signal<ImageProgress>();
  readonly onStatus: Event<ModelStatus> = this.statusEmitter.event;
  readonly onDownload: Event<DownloadProgress> = this.downloadEmitter.event;
  readonly onLog: Event<LogEntry> = this.logEmitter.event;
  readonly onChunk: Event<{ jobId: string; text: string }> = this.chunkEmitter.event;
  readonly onState: Event<EngineState> = this.stateEmitter.event;
  readonly onIndexProgress: Event<IndexProgress> = this.indexProgressEmitter.event;
  readonly onImageProgress: Event<ImageProgress> = this.imageProgressEmitter.event;

  private child: ChildProcess | undefined;
  private connection: Promise<MessageConnection> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private crashes = 0;
  private startedAt = 0;
  private settings: EngineSettings;
  private stateValue: EngineState = 'stopped';

  constructor(private readonly options: EngineProcessOptions) {
    this.settings = options.settings;
  }

  get state(): EngineState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Applies new settings now if the engine runs, else at its next start. */
  async configure(settings: EngineSettings): Promise<void> {
    this.settings = settings;
    if (this.stateValue === 'running') await this.request((c, m) => c.sendRequest(m.requests.configure, settings));
  }

  info(): Promise<EngineInfo> {
    return this.request((c, m) => c.sendRequest(m.requests.info));
  }

  models(): Promise<ModelsInfo> {
    return this.request((c, m) => c.sendRequest(m.requests.models));
  }

  checkDevices(): Promise<DeviceCheck[]> {
    return this.request((c, m) => c.sendRequest(m.requests.checkDevices));
  }

  /** What each configured inference server answers (reachable, models, context). */
  checkServers(): Promise<ServerReport[]> {
    return this.request((c, m) => c.sendRequest(m.requests.checkServers));
  }

  load(model: string): Promise<ModelStatus> {
    return this.request((c, m) => c.sendRequest(m.requests.load, { model }));
  }

  unload(model: string): Promise<void> {
    return this.request((c, m) => c.sendRequest(m.requests.unload, { model }));
  }

  deleteDownloaded(id: string): Promise<void> {
    return this.request((c, m) => c.sendRequest(m.requests.deleteDownloaded, { id }));
  }

  cancelDownload(model: string): Promise<boolean> {
    return this.request((c, m) => c.sendRequest(m.requests.cancelDownload, { model }));
  }

  /** Streams text through `onText`; cancelling `token` stops generation inside the engine. */
  generate(params: GenerateParams, onText?: (text: string) => void, token?: CancellationToken): Promise<GenerateResult> {
    return this.streaming(params.jobId, onText, () => this.request((c, m) => c.sendRequest(m.requests.generate, params, token ?? m.none)));
  }

  /** An inline completion; cancelling `token` stops the decode loop within one token. */
  complete(params: CompleteParams, token?: CancellationToken): Promise<CompleteResult> {
    return this.request((c, m) => c.sendRequest(m.requests.complete, params, token ?? m.none));
  }

  /** Text from a prompt through the model's chat template when it has one; streams like `generate`. */
  generateText(params: GenerateTextParams, onText?: (text: string) => void, token?: CancellationToken): Promise<GenerateTextResult> {
    return this.streaming(params.jobId, onText, () => this.request((c, m) => c.sendRequest(m.requests.generateText, params, token ?? m.none)));
  }

  /** Walks the workspace folder and updates its index; progress comes through `onIndexProgress`. */
  indexWorkspace(params: WorkspaceIndexParams, token?: CancellationToken): Promise<IndexSummary> {
    return this.request((c, m) => c.sendRequest(m.requests.indexWorkspace, params, token ?? m.none));
  }

  updateIndex(params: IndexUpdateParams): Promise<IndexSummary> {
    return this.request((c, m) => c.sendRequest(m.requests.updateIndex, params));
  }

  closeIndex(params: WorkspaceIndexParams): Promise<void> {
    return this.request((c, m) => c.sendRequest(m.requests.closeIndex, params));
  }

  search(params: SearchParams, token?: CancellationToken): Promise<SearchResult> {
    return this.request((c, m) => c.sendRequest(m.requests.search, params, token ?? m.none));
  }

  /** Retrieval-augmented answer; the answer streams through `onText`. */
  ask(params: AskParams, onText?: (text: string) => void, token?: CancellationToken): Promise<AskResult> {
    return this.streaming(params.jobId, onText, () => this.request((c, m) => c.sendRequest(m.requests.ask, params, token ?? m.none)));
  }

  /** Text to image; the job's steps and previews go to `onProgress`; cancelling `token` stops it within one step. */
  generateImage(params: ImageParams, onProgress?: (progress: ImageProgress) => void, token?: CancellationToken): Promise<ImageResult> {
    const subscribe = onProgress && (() => this.onImageProgress((p) => p.jobId === params.jobId && onProgress(p)));
    return this.whileSubscribed(subscribe, () => this.request((c, m) => c.sendRequest(m.requests.generateImage, params, token ?? m.none)));
  }

  /** Model Playground demos (interactive, on the shipped models). */
  demoVae(params: VaeDemoParams): Promise<VaeDemoResult> {
    return this.request((c, m) => c.sendRequest(m.requests.demoVae, params));
  }

  demoGan(params: GanDemoParams): Promise<GanDemoResult> {
    return this.request((c, m) => c.sendRequest(m.requests.demoGan, params));
  }

  demoDiffusion(params: DiffusionDemoParams, token?: CancellationToken): Promise<DiffusionDemoResult> {
    return this.request((c, m) => c.sendRequest(m.requests.demoDiffusion, params, token ?? m.none));
  }

  demoNextToken(params: NextTokenParams): Promise<NextTokenResult> {
    return this.request((c, m) => c.sendRequest(m.requests.demoNextToken, params));
  }

  /** Forwards the job's streamed chunks to `onText` while `send` runs. */
  private streaming<T>(jobId: string, onText: ((text: string) => void) | undefined, send: () => Promise<T>): Promise<T> {
    return this.whileSubscribed(onText && (() => this.onChunk((chunk) => chunk.jobId === jobId && onText(chunk.text))), send);
  }

  /** Holds the subscription `subscribe` makes (if any) while `send` runs. */
  private async whileSubscribed<T>(subscribe: (() => { dispose(): void }) | undefined, send: () => Promise<T>): Promise<T> {
    const subscription = subscribe?.();
    try {
      return await send();
    } finally {
      subscription?.dispose();
    }
  }

  /** Stops the engine and waits for its process to exit. */
  async dispose(): Promise<void> {
    this.setState('disposed');
    clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = undefined;
    const connection = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    connection?.dispose();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect?.();
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(forced);
    }
    for (const emitter of [this.statusEmitter, this.downloadEmitter, this.logEmitter, this.chunkEmitter, this.stateEmitter, this.indexProgressEmitter, this.imageProgressEmitter]) emitter.dispose();
  }

  private async request<T>(send: (connection: MessageConnection, sending: Sending) => Promise<T>): Promise<T> {
    const connection = await this.ensureStarted();
    const child = this.child;
    const { rpc, messages } = load();
    try {
      return await send(connection, { requests: messages.Requests, none: rpc.CancellationToken.None });
    } catch (error) {
      if (child && (child.exitCode !== null || child.signalCode !== null || this.child !== child)) {
        throw engineStopped(`The GenAI Studio engine stopped while handling this request (${describeExit(child)}). It restarts by itself: try again. The log has the details.`);
      }
      throw error;
    }
  }

  /**
   * The one supervised engine: the connection being started or restarted is shared by every request,
   * and only a failure of that same attempt clears it (a crash during the start has already put its
   * restart in its place).
   */
  private ensureStarted(): Promise<MessageConnection> {
    if (this.stateValue === 'disposed') return Promise.reject(new Error('The GenAI Studio engine has been shut down.'));
    if (this.stateValue === 'crashed') {
      return Promise.reject(engineStopped(`The GenAI Studio engine keeps crashing (${this.crashes} times in a row), so it is not restarted: see the log, then run GenAI Studio: Restart Engine.`));
    }
    if (!this.connection) {
      const attempt = this.start();
      this.connection = attempt;
      attempt.catch(() => {
        if (this.connection === attempt) this.connection = undefined;
      });
    }
    return this.connection;
  }

  private async start(): Promise<MessageConnection> {
    this.setState(this.crashes > 0 ? 'restarting' : 'starting');
    const startedWith = this.settings;
    const child = fork(this.options.enginePath, [], {
      execPath: this.options.execPath ?? process.execPath,
      // Inside desktop VS Code the executable is Electron: this makes it behave as plain Node.
      env: {
        ...process.env,
        ...this.options.env,
        ELECTRON_RUN_AS_NODE: '1',
        GLIBC_TUNABLES: withHugePages(this.options.env?.GLIBC_TUNABLES ?? process.env.GLIBC_TUNABLES),
        GENAI_STUDIO_ENGINE_SETTINGS: JSON.stringify(startedWith),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this.startedAt = Date.now();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (data: string) => {
      for (const line of data.split('\n')) if (line.trim()) this.logEmitter.fire({ level: 'warn', message: `[engine stderr] ${line}` });
    });
    const { rpc, messages } = load();
    const { Notifications, Requests } = messages;
    const connection = rpc.createMessageConnection(new rpc.IPCMessageReader(child), new rpc.IPCMessageWriter(child));
    connection.onNotification(Notifications.status, (s) => this.statusEmitter.fire(s));
    connection.onNotification(Notifications.download, (d) => this.downloadEmitter.fire(d));
    connection.onNotification(Notifications.log, (l) => this.logEmitter.fire(l));
    connection.onNotification(Notifications.generateChunk, (c) => this.chunkEmitter.fire(c));
    connection.onNotification(Notifications.indexProgress, (p) => this.indexProgressEmitter.fire(p));
    connection.onNotification(Notifications.imageProgress, (p) => this.imageProgressEmitter.fire(p));
    child.once('exit', () => this.onExit(child, connection));
    child.once('error', (error) => this.logEmitter.fire({ level: 'error', message: `Could not start the engine: ${error.message}` }));
    connection.listen();
    try {
      await connection.sendRequest(Requests.info);
    } catch (error) {
      if (child.exitCode === null && child.signalCode === null) throw error;
      throw engineStopped(`The GenAI Studio engine stopped while starting (${describeExit(child)}). The log has the details.`);
    }
    // Settings changed while it started (configure() sends only to a running engine) apply now.
    if (this.settings !== startedWith) await connection.sendRequest(Requests.configure, this.settings);
    this.setState('running');
    return connection;
  }

  private onExit(child: ChildProcess, connection: MessageConnection): void {
    connection.dispose();
    if (this.child !== child) return;
    this.child = undefined;
    this.connection = undefined;
    if (this.stateValue === 'disposed') return;
    if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.crashes = 0;
    const backoff = this.options.backoffMs ?? DEFAULT_BACKOFF_MS;
    const delay = backoff[Math.min(this.crashes, backoff.length - 1)];
    this.crashes++;
    if (this.crashes >= (this.options.maxCrashes ?? DEFAULT_MAX_CRASHES)) {
      this.logEmitter.fire({ level: 'error', message: `The engine stopped (${describeExit(child)}; ${this.crashes} crashes in a row); it is not restarted again until you run GenAI Studio: Restart Engine.` });
      this.setState('crashed');
      return;
    }
    this.logEmitter.fire({ level: 'error', message: `The engine stopped (${describeExit(child)}); restarting in ${delay} ms.` });
    this.setState('restarting');
    // Requests that arrive before the timer fires wait for the same restart.
    const restarted = new Promise<MessageConnection>((resolve, reject) => {
      this.restartTimer = setTimeout(() => this.start().then(resolve, reject), delay);
    });
    restarted.catch((error: Error) => {
      if (this.connection === restarted) this.connection = undefined;
      this.logEmitter.fire({ level: 'error', message: `Engine restart failed: ${error.message}` });
    });
    this.connection = restarted;
  }

  private setState(state: EngineState): void {
    if (this.stateValue === 'disposed' && state !== 'disposed') return;
    this.stateValue = state;
    this.stateEmitter.fire(state);
  }
}

function describeExit(child: ChildProcess): string {
  if (child.signalCode) return `killed by ${child.signalCode}`;
  if (child.exitCode !== null) return `exit code ${child.exitCode}`;
  return 'connection lost';
}

/**
 * Asks glibc's malloc (2.35 and later) to back its large blocks, among them the model weights ONNX
 * Runtime allocates, with transparent huge pages: a forward pass after a pause in typing then misses
 * the TLB far less (measured on a 2-core VM: the first pass after 40 ms idle 2.2-2.6 -> 1.5-1.6 ms).
 * Other C libraries and systems ignore the variable; a setting the user made is kept.
 */
export function withHugePages(tunables: string | undefined): string {
  const setting = 'glibc.malloc.hugetlb=1';
  if (!tunables) return setting;
  return /(^|:)glibc\.malloc\.hugetlb=/.test(tunables) ? tunables : `${tunables}:${setting}`;
}
