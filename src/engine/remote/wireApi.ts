// What GenAI Studio asks of an inference server, whatever protocol it speaks: a fill-in-the-middle
// completion, a continuation of a plain prompt, a chat answer (all streamed), and the models it serves.
// One implementation per `api` kind (openAiApi, llamaCppApi, ollamaApi) turns these into that protocol's
// requests and reads its events.
import type { ContextFile } from '../../core/completion/fimFormats';
import type { ChatMessage } from '../../core/retrieval';
import type { FinishReason } from '../../protocol';

export interface FillRequest {
  /** The FIM prompt rendered by GenAI Studio for the model's family. */
  prompt: string;
  /** The parts of that prompt, for a server that applies its own FIM template (llama.cpp's /infill). */
  prefix: string;
  suffix: string;
  contextFiles: readonly ContextFile[];
  stop: readonly string[];
  maxTokens: number;
  timeBudgetMs: number;
}

export interface Sampling {
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  stop: readonly string[];
}

/** One event of a streamed answer: text to append, and at the end what the server reports. */
export interface WireEvent {
  text?: string;
  finishReason?: FinishReason;
  promptTokens?: number;
  /** Prompt tokens the server took from its cache (llama.cpp's `cache_prompt`, vLLM's prefix cache). */
  reusedPromptTokens?: number;
  generatedTokens?: number;
}

export interface ServedModels {
  models: string[];
  contextLength?: number;
}

export interface WireApi {
  fill(request: FillRequest, signal: AbortSignal): AsyncIterable<WireEvent>;
  continueText(prompt: string, sampling: Sampling, signal: AbortSignal): AsyncIterable<WireEvent>;
  chat(messages: readonly ChatMessage[], sampling: Sampling, signal: AbortSignal): AsyncIterable<WireEvent>;
  servedModels(signal: AbortSignal): Promise<ServedModels>;
}

/** Stop strings for servers that take only a few (OpenAI's limit is 4; TGI's default too): a newline first. */
export function firstStops(stop: readonly string[], limit = 4): string[] {
  return [...stop].sort((a, b) => Number(b === '\n') - Number(a === '\n')).slice(0, limit);
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
