// The JSON-RPC messages of the protocol (protocol.ts holds what they carry). Only the two ends of the
// connection load this file, with vscode-jsonrpc: the engine, and the client once it starts the engine.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type {
  AskParams,
  AskResult,
  CompleteParams,
  CompleteResult,
  DeviceCheck,
  DiffusionDemoParams,
  DiffusionDemoResult,
  DownloadProgress,
  EngineInfo,
  EngineSettings,
  GanDemoParams,
  GanDemoResult,
  GenerateChunk,
  GenerateParams,
  GenerateResult,
  GenerateTextParams,
  GenerateTextResult,
  ImageParams,
  ImageProgress,
  ImageResult,
  IndexProgress,
  IndexSummary,
  IndexUpdateParams,
  LoadParams,
  LogEntry,
  ModelStatus,
  ModelsInfo,
  NextTokenParams,
  NextTokenResult,
  SearchParams,
  SearchResult,
  ServerReport,
  VaeDemoParams,
  VaeDemoResult,
  WorkspaceIndexParams,
} from './protocol';

export namespace Requests {
  export const configure = new RequestType<EngineSettings, void, void>('engine/configure');
  export const info = new RequestType0<EngineInfo, void>('engine/info');
  export const models = new RequestType0<ModelsInfo, void>('engine/models');
  export const load = new RequestType<LoadParams, ModelStatus, void>('engine/load');
  export const unload = new RequestType<LoadParams, void, void>('engine/unload');
  /** Unloads every revision of a downloaded hub model and deletes its files from the cache. */
  export const deleteDownloaded = new RequestType<{ id: string }, void, void>('engine/deleteDownloaded');
  /** Stops the model's hub download (Cancel in its notification); its load then fails saying so. Returns whether one was running. */
  export const cancelDownload = new RequestType<{ model: string }, boolean, void>('engine/cancelDownload');
  /** Cancel through JSON-RPC's own `$/cancelRequest` (a CancellationToken on the client). */
  export const generate = new RequestType<GenerateParams, GenerateResult, void>('engine/generate');
  /** Tries every execution provider with the shipped code model and compares it with the CPU. */
  export const checkDevices = new RequestType0<DeviceCheck[], void>('engine/checkDevices');
  /** Asks every configured remote server what it serves (`GET /v1/models` or the API's own listing). */
  export const checkServers = new RequestType0<ServerReport[], void>('remote/check');
  /** An inline completion at a cursor; cancellation reaches the decode loop within one token. */
  export const complete = new RequestType<CompleteParams, CompleteResult, void>('engine/complete');
  /** Text from a prompt, through the model's chat template when it has one; streams `engine/generateChunk`. */
  export const generateText = new RequestType<GenerateTextParams, GenerateTextResult, void>('engine/generateText');
  /** Brings the workspace's full-text index up to date (walks the folder); sends `retrieval/progress`. */
  export const indexWorkspace = new RequestType<WorkspaceIndexParams, IndexSummary, void>('retrieval/index');
  /** Re-reads only the given files (file watcher events). */
  export const updateIndex = new RequestType<IndexUpdateParams, IndexSummary, void>('retrieval/update');
  /** A folder left the workspace: its index leaves the engine's memory. */
  export const closeIndex = new RequestType<WorkspaceIndexParams, void, void>('engine/closeIndex');
  /** The passages most relevant to a question, best first ("Show Sources"). */
  export const search = new RequestType<SearchParams, SearchResult, void>('retrieval/search');
  /** Retrieval, then an answer from the passages that fit the context; streams `engine/generateChunk`. */
  export const ask = new RequestType<AskParams, AskResult, void>('retrieval/ask');
  /** Text to image (background priority); sends `image/progress`; a cancel stops within one step. */
  export const generateImage = new RequestType<ImageParams, ImageResult, void>('image/generate');
  /** Model Playground demos (interactive priority). */
  export const demoVae = new RequestType<VaeDemoParams, VaeDemoResult, void>('demo/vae');
  export const demoGan = new RequestType<GanDemoParams, GanDemoResult, void>('demo/gan');
  export const demoDiffusion = new RequestType<DiffusionDemoParams, DiffusionDemoResult, void>('demo/diffusion');
  export const demoNextToken = new RequestType<NextTokenParams, NextTokenResult, void>('demo/nextToken');
}

export namespace Notifications {
  export const status = new NotificationType<ModelStatus>('engine/status');
  export const download = new NotificationType<DownloadProgress>('engine/download');
  export const log = new NotificationType<LogEntry>('engine/log');
  export const generateChunk = new NotificationType<GenerateChunk>('engine/generateChunk');
  export const indexProgress = new NotificationType<IndexProgress>('retrieval/progress');
  export const imageProgress = new NotificationType<ImageProgress>('image/progress');
}
