// Ollama's own API: `POST /api/generate` with the FIM prompt rendered here and `raw: true` (the
// model's template would otherwise wrap it), `POST /api/chat`, `GET /api/tags` for the models and
// `POST /api/show` for a model's context length. Answers stream as newline-delimited JSON.
import type { ChatMessage } from '../../core/retrieval';
import type { ServerHttp } from './serverHttp';
import { asNumber, asRecord, type Sampling, type WireApi, type WireEvent } from './wireApi';

/** How long Ollama keeps the model loaded after a request: typing pauses must not unload it. */
const KEEP_ALIVE = '30m';

export function ollamaApi(http: ServerHttp): WireApi {
  const model = http.server.model;
  return {
    fill: (request, signal) =>
      stream(http, '/api/generate', { model, prompt: request.prompt, raw: true, options: { num_predict: request.maxTokens, temperature: 0, top_k: 1, stop: [...request.stop] } }, signal),
    continueText: (prompt, sampling, signal) => stream(http, '/api/generate', { model, prompt, raw: true, options: options(sampling) }, signal),
    chat: (messages: readonly ChatMessage[], sampling, signal) => stream(http, '/api/chat', { model, messages, options: options(sampling) }, signal),
    servedModels: async (signal) => {
      const tags = asRecord(await http.getJson('/api/tags', signal));
      if (!tags || !Array.isArray(tags.models)) throw http.wrongProtocol('GET /api/tags has no "models" list');
      const models = tags.models.map((m) => asRecord(m)?.name).filter((n): n is string => typeof n === 'string');
      return { models, contextLength: model && models.includes(model) ? await contextLength(http, model, signal) : undefined };
    },
  };
}

function options(s: Sampling): Record<string, unknown> {
  return { num_predict: s.maxTokens, temperature: s.temperature, top_k: s.topK > 0 ? s.topK : undefined, top_p: s.topP, seed: s.seed, stop: [...s.stop] };
}

async function* stream(http: ServerHttp, path: string, body: Record<string, unknown>, signal: AbortSignal): AsyncGenerator<WireEvent> {
  for await (const event of http.stream(path, { ...body, stream: true, keep_alive: KEEP_ALIVE }, 'ndjson', signal)) {
    const record = asRecord(event);
    if (!record) throw http.wrongProtocol('an event is not a JSON object');
    if (typeof record.error === 'string') throw http.wrongProtocol(`it reported an error mid-stream: ${record.error}`);
    const text = path === '/api/chat' ? asRecord(record.message)?.content : record.response;
    if (typeof text !== 'string' && record.done !== true) throw http.wrongProtocol(`${path} events have no ${path === '/api/chat' ? '"message"' : '"response"'}`);
    yield {
      text: typeof text === 'string' ? text : undefined,
      finishReason: record.done === true ? (record.done_reason === 'length' ? 'length' : 'stop') : undefined,
      promptTokens: asNumber(record.prompt_eval_count),
      generatedTokens: asNumber(record.eval_count),
    };
  }
}

/** `model_info` holds `<architecture>.context_length`. */
async function contextLength(http: ServerHttp, model: string, signal: AbortSignal): Promise<number | undefined> {
  const shown = asRecord(await http.postJson('/api/show', { model }, signal).catch(() => undefined));
  const info = asRecord(shown?.model_info);
  if (!info) return undefined;
  const key = Object.keys(info).find((k) => k.endsWith('.context_length'));
  return key ? asNumber(info[key]) : undefined;
}
