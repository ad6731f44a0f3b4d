// The one contract between the editor side (extension host, CLI) and the engine process: the types
// and codes here, the JSON-RPC messages that carry them in protocolMessages.ts. Both sides import these;
// nothing else crosses the process boundary. This file loads no code (the extension activates on it).
/** Where ONNX sessions should run. `auto` tries what the platform offers, then CPU. */
export type DeviceSetting = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';
export const DEVICE_SETTINGS: readonly DeviceSetting[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

/** An execution provider that actually ran a session. */
export type ExecutionDevice = Exclude<DeviceSetting, 'auto'>;

/** Where a model's work ran: an ONNX Runtime provider in the engine, or a remote inference server. */
export type RunsOn = ExecutionDevice | 'server';

/** The wire protocol a remote inference server speaks (see src/engine/remote/). */
export type RemoteApi = 'openai' | 'llama.cpp' | 'ollama';
export const REMOTE_APIS: readonly RemoteApi[] = ['openai', 'llama.cpp', 'ollama'];

/** A shared inference server (`genaiStudio.remotes`), used through the model reference `remote:<name>`. */
export interface RemoteServer {
  name: string;
  /** Base URL, e.g. `http://gpu-box:8000` (the API paths are appended). */
  url: string;
  api: RemoteApi;
  /** The model id on the server; the server's only or default model when absent. */
  model?: string;
  /** Tokens of context, when the server does not say (vLLM and llama.cpp do). */
  contextLength?: number;
  /** How completions are prompted: a FIM format name, or `auto` (from the model id). */
  fimFormat?: string;
  /** False for a base model: Generate Text and Ask then send a plain prompt, not chat messages. */
  chat?: boolean;
  /** Sent only to `url` as a bearer token; never echoed back by the engine. */
  apiKey?: string;
}

/** What a remote server reported when it was last asked (Check GPU Support, the status details). */
export interface ServerReport {
  name: string;
  url: string;
  api: RemoteApi;
  reachable: boolean;
  /** The models the server lists. */
  models: string[];
  /** The model the requests use. */
  model?: string;
  contextLength?: number;
  /** Round trip of the check. */
  ms?: number;
  error?: string;
}

/** Interactive work (completion, demos) runs before background work (long generations, images). */
export type JobPriority = 'interactive' | 'background';

export interface EngineSettings {
  /** Folder holding the shipped models (`<extension>/models`). */
  shippedModelsDir: string;
  /** Where hub downloads are cached (the extension's global storage). */
  hubCacheDir: string;
  /** Base URL of the Hugging Face hub or a mirror of it. */
  hubEndpoint: string;
  /** Sent only to `hubEndpoint`, for private and gated repositories; never echoed back by the engine. */
  hubToken?: string;
  /** When true nothing touches the network; a model that is not cached is a clear error. */
  offline: boolean;
  device: DeviceSetting;
  /** Which GPU CUDA and DirectML use on a machine with several (0, the default, is the first). */
  gpuDeviceId?: number;
  /** Models are unloaded least recently used first when the loaded total exceeds this. */
  memoryBudgetMB: number;
  /** A model unused for this long is unloaded; 0 keeps models loaded. */
  idleUnloadSeconds: number;
  /** Folders of a workspace the user has not trusted: no model loads from inside them. */
  untrustedFolders?: string[];
  /** Where the engine keeps what it learns across restarts (GPU providers that crashed it); nothing is kept without one. */
  stateDir?: string;
  /** Inference servers that `remote:<name>` model references name. */
  remotes?: RemoteServer[];
  /** Weights precision per model reference (`fp16`, `q8`, `q4f16`...); absent or `auto`: the device's best. */
  dtypes?: Record<string, string>;
  /** VS Code's `http.proxy`: requests to remote servers go through it. */
  httpProxy?: string;
}

/** In `stateDir`: the GPU providers that crashed the engine. Restart Engine deletes it, so they are tried once more. */
export const CRASHED_PROVIDERS_FILE = 'crashed-providers.json';

export type ModelState = 'loading' | 'ready' | 'busy' | 'failed' | 'unloaded';

export interface DeviceChoice {
  /** What the session runs on. */
  device: ExecutionDevice;
  /** Set when the requested device could not be used: why, in plain words, and what to do. */
  fallbackReason?: string;
}

export interface ModelStatus extends Partial<Omit<DeviceChoice, 'device'>> {
  /** The model reference as the user wrote it. */
  model: string;
  device?: RunsOn;
  /** For `remote:` models: the server and the model it serves. */
  server?: string;
  /** The weights file that runs (e.g. `onnx/model_q4f16.onnx`). */
  weights?: string;
  state: ModelState;
  /** 0-100 while loading. */
  progress?: number;
  /** What is happening now (e.g. "downloading onnx/model.onnx"). */
  detail?: string;
  error?: string;
  /** Estimated resident size of the loaded sessions. */
  sizeMB?: number;
}

export interface DownloadProgress {
  model: string;
  file: string;
  loadedBytes: number;
  totalBytes: number;
  done: boolean;
}

export interface LogEntry {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface ShippedModel {
  name: string;
  path: string;
  /** The loader that reads it: `causal-lm` (text) or `diffusion` (text to image). */
  kind: string;
}

export interface DeviceProbe {
  device: ExecutionDevice;
  /** Whether this platform's ONNX Runtime can try it at all. */
  available: boolean;
  /** Why not, and what to install. */
  reason?: string;
  /** Set when `auto` passes over a device that could run, and why (asking for it by name still tries it). */
  autoSkips?: string;
}

export interface DeviceCheck {
  device: ExecutionDevice;
  /** False when the platform lacks what the provider needs (then `detail` says what to install). */
  tried: boolean;
  /** Ran a forward pass and agreed with the CPU. */
  works: boolean;
  /** Time of that forward pass. */
  ms?: number;
  detail: string;
}

/** A hub repository in the download cache. */
export interface DownloadedModel {
  /** The hub id, `org/name`. */
  id: string;
  kind: 'causal-lm' | 'diffusion';
  /** Every revision together. */
  sizeMB: number;
  path: string;
}

export interface ModelsInfo {
  shipped: ShippedModel[];
  downloaded: DownloadedModel[];
  loaded: ModelStatus[];
  devices: DeviceProbe[];
  settings: EngineSettings;
}

export interface GenerateParams {
  /** Client-chosen id; streamed chunks carry it. */
  jobId: string;
  model: string;
  prompt: string;
  maxTokens?: number;
  /** 0 means greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** Stop when any of these strings appears in the generated text (it is not included). */
  stop?: string[];
  priority?: JobPriority;
  /** Return what has been generated when this many ms have passed. */
  timeBudgetMs?: number;
}

/** `loop`: the text began repeating itself within a line; generation stopped there and the repeats were cut. */
export type FinishReason = 'stop' | 'length' | 'cancelled' | 'time' | 'context' | 'loop';

/** What a decode loop reports about its work. */
export interface GenerationStats {
  promptTokens: number;
  /** Prompt tokens resumed from the previous request's KV cache instead of a forward pass. */
  reusedPromptTokens: number;
  generatedTokens: number;
  /** Generated tokens that were prompt-lookup guesses the model confirmed (fed several to a pass). */
  acceptedDraftTokens: number;
  finishReason: FinishReason;
  /** From the request's arrival to the first generated token. */
  firstTokenMs: number;
  /** From the first generated token to the last: the decode loop alone, without prompt or reply costs. */
  decodeMs: number;
}

export interface GenerateResult extends GenerationStats {
  text: string;
  totalMs: number;
  device: RunsOn;
}

export interface ContextFileParam {
  path: string;
  text: string;
}

export interface CompleteParams {
  model: string;
  filePath: string;
  languageId: string;
  /** Document text before the cursor (the extension sends a window, not the whole file). */
  prefix: string;
  /** Document text after the cursor. */
  suffix: string;
  /** Other open or recently edited files: snippets similar to the cursor's code are drawn from them. */
  contextFiles?: ContextFileParam[];
  /** `auto` detects the FIM format from the marker tokens the tokenizer knows. */
  fimFormat?: string;
  maxTokens?: number;
  /** Prompt budget in tokens (prefix, suffix and snippets together). */
  promptTokens?: number;
  /** Return what has been generated when this many ms have passed. */
  timeBudgetMs?: number;
  /** For a `remote:` model: the local model that completes instead while its server cannot be reached. */
  fallbackModel?: string;
}

export interface CompleteResult extends GenerateResult {
  /** Set when the fallback model answered: why the server did not. */
  fallback?: string;
  /** The suggestion after post-processing; empty when nothing is worth showing. */
  text: string;
  /** What the model produced, before post-processing. */
  raw: string;
  fimFormat: string;
  shape: 'single' | 'multi';
}

export interface GenerateChunk {
  jobId: string;
  text: string;
}

export interface LoadParams {
  model: string;
}

export interface EngineInfo {
  pid: number;
  uptimeMs: number;
  rssMB: number;
  /** Of the resident memory: live JavaScript objects, and buffers outside the heap (tensors' data among them). */
  heapUsedMB: number;
  externalMB: number;
  nodeVersion: string;
}

/** Which workspace to search and how to index it (see src/engine/retrieval/). */
export interface WorkspaceIndexParams {
  /** Absolute path of the workspace folder. */
  folder: string;
  /** Where the engine persists the index (the extension's workspace storage, or the CLI's cache). */
  storageDir: string;
  /** Gitignore-style patterns left out besides .gitignore (files.exclude, genaiStudio.ask.exclude). */
  exclude?: string[];
  /** Larger files are skipped. */
  maxFileBytes?: number;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface IndexSummary {
  folder: string;
  files: number;
  chunks: number;
  /** What this call changed. */
  added: number;
  updated: number;
  removed: number;
  /** Binary and over-large files (the first ones; `skippedCount` has them all). */
  skipped: SkippedFile[];
  skippedCount: number;
  ms: number;
}

export interface IndexProgress {
  folder: string;
  /** Files read and indexed so far, of those that changed since the index was saved. */
  done: number;
  total: number;
}

export interface IndexUpdateParams extends WorkspaceIndexParams {
  /** Files created, changed or deleted (absolute, or relative to the folder). */
  paths: string[];
}

/** A passage of a workspace file, as retrieved for a question. */
export interface RetrievedSource {
  /** Relative to the folder, with forward slashes. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
  score: number;
}

export interface SearchParams extends WorkspaceIndexParams {
  question: string;
  /** How many passages to return (default 5). */
  limit?: number;
}

export interface SearchResult {
  sources: RetrievedSource[];
  index: IndexSummary;
}

/** How a prompt reached the model: through its chat template, or as plain text to continue. */
export type PromptFormat = 'chat' | 'plain';

export interface GenerateTextParams extends GenerateParams {
  /** `auto` uses the tokenizer's chat template when the model has one. */
  promptFormat?: PromptFormat | 'auto';
}

export interface GenerateTextResult extends GenerateResult {
  promptFormat: PromptFormat;
}

export interface AskParams extends SearchParams, Omit<GenerateTextParams, 'prompt' | 'stop'> {}

export interface AskResult extends GenerateTextResult {
  /** Everything retrieved, best first. */
  sources: RetrievedSource[];
  /** The passages that fit in the prompt (the last one may be shortened); the answer's [n] refers to these. */
  used: RetrievedSource[];
  index: IndexSummary;
}

/** Diffusion schedulers the image pipeline implements (diffusers' formulas). */
export type SchedulerName = 'ddim' | 'euler' | 'euler-ancestral' | 'lcm';
export const SCHEDULERS: readonly SchedulerName[] = ['ddim', 'euler', 'euler-ancestral', 'lcm'];

export interface ImageParams {
  /** Identifies the job for `image/progress` notifications. */
  jobId: string;
  /** Shipped name, absolute folder or hub id of a Stable-Diffusion-format ONNX folder. */
  model: string;
  prompt: string;
  negativePrompt?: string;
  /** Omitted values come from the model's variant (e.g. sd-turbo: 1-4 steps, guidance 0). */
  steps?: number;
  guidance?: number;
  /** Omitted: a random seed, always reported back so the image can be reproduced. */
  seed?: number;
  width?: number;
  height?: number;
  /** `auto`: the scheduler the model's scheduler_config.json names. */
  scheduler?: SchedulerName | 'auto';
  /** Images from one prompt; image i uses seed + i. */
  count?: number;
  /** Send a decoded preview every N steps (0: none); skipped while previews would take over a quarter of the time. */
  previewEvery?: number;
}

/**
 * An image as 8-bit RGB pixels (3 bytes each, row by row) in base64. Panels draw the pixels as they
 * are; a PNG is made only where a file is written (Save, the CLI), not for every result and preview.
 */
export interface RgbImage {
  width: number;
  height: number;
  rgbBase64: string;
}

export interface GeneratedImage extends RgbImage {
  seed: number;
}

/** The parameters a generation actually used, after defaults and the variant's rules. */
export interface ResolvedImageParams {
  model: string;
  prompt: string;
  negativePrompt: string;
  steps: number;
  guidance: number;
  seed: number;
  width: number;
  height: number;
  scheduler: SchedulerName;
  count: number;
}

export interface ImageResult {
  images: GeneratedImage[];
  params: ResolvedImageParams;
  /** What the pipeline detected: `sd`, `sd-turbo`, `lcm`. */
  variant: string;
  device: ExecutionDevice;
  finishReason: 'done' | 'cancelled';
  totalMs: number;
  /** Median UNet step (scheduler + session.run) in this generation. */
  msPerStep: number;
  /** Sum of the raw session.run times (text encoder, UNet, VAE): the pipeline overhead is totalMs / this. */
  sessionRunMs: number;
}

export interface ImageProgress {
  jobId: string;
  /** Index of the image in the batch (0-based). */
  image: number;
  /** Steps done so far (1-based) of `steps`. */
  step: number;
  steps: number;
  preview?: RgbImage;
}

// ---- Model Playground demos (small shipped models; every demo is an interactive job) ----

/** The playground's demos; also the tab the playground command opens. */
export type DemoName = 'vae' | 'gan' | 'diffusion' | 'transformer';
export const DEMO_NAMES: readonly DemoName[] = ['vae', 'gan', 'diffusion', 'transformer'];

/** A VAE request: decode a latent point, sample the prior, interpolate two examples' means, or encode the examples. */
export type VaeDemoParams =
  | { action: 'decode'; latent: number[] }
  | { action: 'sample'; seed: number; count: number }
  | { action: 'interpolate'; from: string; to: string; t: number }
  | { action: 'examples' };

export interface VaeExample {
  name: string;
  image: RgbImage;
  /** Mean squared error per pixel (pixels in [0, 1]) of decoder(encoder mean) against the example. */
  reconstructionError: number;
}

export interface VaeDemoResult {
  /** Decoded images, one per latent. */
  images: RgbImage[];
  latents: number[][];
  /** `examples` only: the originals, in the order of `images` (their reconstructions). */
  examples?: VaeExample[];
  ms: number;
}

export interface GanDemoParams {
  seed: number;
  /** Generated samples (and as many real and uniform-noise ones) to score, 1-8. */
  count: number;
}

export interface ScoredImage {
  image: RgbImage;
  /** The discriminator's probability that the image is real. */
  score: number;
}

export interface GanDemoResult {
  generated: ScoredImage[];
  /** Training-distribution examples (the procedural shapes the VAE ships as examples). */
  real: ScoredImage[];
  /** Uniform random pixels, the baseline a generator starts from. */
  noise: ScoredImage[];
  ms: number;
}

/**
 * The text-to-image model's reverse denoising (x_t after every step, decoded) and the forward noising of
 * its final latents x0 at the same timesteps: x_t = sqrt(acp_t) x0 + sqrt(1 - acp_t) eps, eps from GaussianNoise(seed + 1).
 */
export interface DiffusionDemoParams {
  /** Text-to-image model (default: the shipped one). */
  model?: string;
  prompt: string;
  seed: number;
  /** 1-50. */
  steps: number;
  /** Also return the latents (tests check the formula on them). */
  withLatents?: boolean;
}

export interface DiffusionDemoResult {
  /** The scheduler's timesteps, noisiest first; reverse[i] and forward[i] are x at timesteps[i]. */
  timesteps: number[];
  /** acp at each of `timesteps`. */
  alphasCumprod: number[];
  /** The reverse process: the input of each denoising step, decoded (reverse[0] is the initial noise). */
  reverse: RgbImage[];
  /** The forward process: the final latents x0 noised to each timestep, decoded. */
  forward: RgbImage[];
  /** The final image (x0 decoded). */
  image: RgbImage;
  latents?: { x0: number[]; noise: number[]; forward: number[][] };
  ms: number;
}

export interface NextTokenParams {
  /** Causal LM (default: the shipped code model). */
  model?: string;
  prompt: string;
  /** > 0; the bars show softmax(logits / temperature). */
  temperature: number;
  /** How many bars, 1-20; the rest is `other`. */
  topK: number;
  seed: number;
}

export interface TokenProbability {
  id: number;
  text: string;
  probability: number;
}

export interface NextTokenResult {
  top: TokenProbability[];
  /** 1 - sum(top): the probability of every other token. */
  other: number;
  /** A token drawn from the full tempered distribution (for generating token by token). */
  sampled: TokenProbability;
  ms: number;
}

/** JSON-RPC's code for a request its caller cancelled (the LSP's RequestCancelled). */
export const REQUEST_CANCELLED = -32800;

/** Error codes carried by JSON-RPC error responses, so both sides can react to the kind of failure. */
export enum EngineErrorCode {
  /** The model reference names nothing that exists (folder, shipped name, hub id). */
  ModelNotFound = 1001,
  /** The files exist but are not a usable model (corrupt ONNX, missing tokenizer...). */
  ModelInvalid = 1002,
  /** The model is not cached and offline mode forbids downloading it. */
  Offline = 1003,
  /** The hub or mirror could not be reached or refused the download. */
  HubUnreachable = 1004,
  /** The request's parameters are out of range. */
  BadRequest = 1005,
  /** The engine process stopped while the request was in flight. */
  EngineStopped = 1006,
  /** The model folder is inside a workspace the user has not trusted. */
  Untrusted = 1007,
  /** A remote inference server could not be reached, refused the request or failed it. */
  ServerFailed = 1008,
  /** A hub download was stopped on purpose: the user cancelled it, or turned offline mode on. */
  DownloadStopped = 1009,
}
