// The OpenAI-compatible API that vLLM, TGI, llama.cpp and Ollama all serve: `POST /v1/completions`
// with the FIM prompt rendered here (servers do not all honour `suffix`), `POST /v1/chat/completions`,
// and `GET /v1/models` (vLLM says its context length there as `max_model_len`).
import type { ChatMessage } from '../../core/retrieval';
import type { FinishReason } from '../../protocol';
import type { ServerHttp } from './serverHttp';
import { asNumber, asRecord, firstStops, type Sampling, type ServedModels, type WireApi, type WireEvent } from './wireApi';

export function openAiApi(http: ServerHttp): WireApi {
  const model = http.server.model;
  return {
    fill: (request, signal) => completions(http, { model, prompt: request.prompt, max_tokens: request.maxTokens, temperature: 0, stop: firstStops(request.stop) }, signal),
    continueText: (prompt, sampling, signal) => completions(http, { model, prompt, ...samplingFields(sampling) }, signal),
    chat: (messages, sampling, signal) => chatCompletions(http, { model, messages, ...samplingFields(sampling) }, signal),
    servedModels: (signal) => servedModels(http, signal),
  };
}

/** `top_k` is not OpenAI's, but vLLM, llama.cpp and TGI read it; it is left out when unused. */
function samplingFields(s: Sampling): Record<string, unknown> {
  return { max_tokens: s.maxTokens, temperature: s.temperature, top_p: s.topP, ...(s.topK > 0 ? { top_k: s.topK } : {}), seed: s.seed, stop: firstStops(s.stop) };
}

async function* completions(http: ServerHttp, body: Record<string, unknown>, signal: AbortSignal): AsyncGenerator<WireEvent> {
  for await (const event of http.stream('/v1/completions', { ...body, stream: true }, 'sse', signal)) {
    const choice = firstChoice(http, event);
    yield { text: typeof choice?.text === 'string' ? choice.text : undefined, finishReason: finishReason(choice?.finish_reason), ...usage(event) };
  }
}

async function* chatCompletions(http: ServerHttp, body: { messages: readonly ChatMessage[] } & Record<string, unknown>, signal: AbortSignal): AsyncGenerator<WireEvent> {
  for await (const event of http.stream('/v1/chat/completions', { ...body, stream: true }, 'sse', signal)) {
    const choice = firstChoice(http, event);
    const content = asRecord(choice?.delta)?.content;
    yield { text: typeof content === 'string' ? content : undefined, finishReason: finishReason(choice?.finish_reason), ...usage(event) };
  }
}

function firstChoice(http: ServerHttp, event: unknown): Record<string, unknown> | undefined {
  const record = asRecord(event);
  if (!record) throw http.wrongProtocol('an event is not a JSON object');
  if (record.error) throw http.wrongProtocol(`it reported an error mid-stream: ${JSON.stringify(record.error).slice(0, 200)}`);
  const choices = record.choices;
  if (!Array.isArray(choices)) {
    // The last event of some servers carries only usage.
    if (record.usage) return undefined;
    throw http.wrongProtocol('an event has no "choices"');
  }
  return asRecord(choices[0]);
}

function finishReason(value: unknown): FinishReason | undefined {
  if (value === 'length') return 'length';
  if (value === 'stop' || value === 'eos_token') return 'stop';
  return undefined;
}

/** Usage when the server sends it: OpenAI's `usage`, or llama.cpp's `timings` (its prompt cache). */
function usage(event: unknown): Pick<WireEvent, 'promptTokens' | 'reusedPromptTokens' | 'generatedTokens'> {
  const record = asRecord(event);
  const u = asRecord(record?.usage);
  const timings = asRecord(record?.timings);
  const cached = asNumber(asRecord(u?.prompt_tokens_details)?.cached_tokens) ?? asNumber(timings?.cache_n);
  const prompt = asNumber(u?.prompt_tokens) ?? (timings ? (asNumber(timings.prompt_n) ?? 0) + (asNumber(timings.cache_n) ?? 0) : undefined);
  return { promptTokens: prompt, reusedPromptTokens: cached, generatedTokens: asNumber(u?.completion_tokens) ?? asNumber(timings?.predicted_n) };
}

export async function servedModels(http: ServerHttp, signal: AbortSignal): Promise<ServedModels> {
  const answer = asRecord(await http.getJson('/v1/models', signal));
  if (!answer || !Array.isArray(answer.data)) throw http.wrongProtocol('GET /v1/models has no "data" list');
  const entries = answer.data.map(asRecord).filter((e): e is Record<string, unknown> => !!e && typeof e.id === 'string');
  const chosen = entries.find((e) => e.id === http.server.model) ?? entries[0];
  // vLLM: max_model_len; llama.cpp: meta.n_ctx_train.
  const contextLength = asNumber(chosen?.max_model_len) ?? asNumber(asRecord(chosen?.meta)?.n_ctx_train);
  return { models: entries.map((e) => e.id as string), contextLength };
}
