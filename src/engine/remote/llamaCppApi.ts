// llama.cpp's server, natively: `POST /infill` for completions (the server applies the GGUF's own FIM
// tokens, keeps the prompt in its cache between keystrokes with `cache_prompt`, and stops itself after
// `t_max_predict_ms`), `POST /completion` for plain prompts; chat and the model list are its
// OpenAI-compatible routes, and `GET /props` says the context it was started with.
import type { ServerHttp } from './serverHttp';
import { asNumber, asRecord, type FillRequest, type Sampling, type WireApi, type WireEvent } from './wireApi';
import { openAiApi, servedModels } from './openAiApi';

export function llamaCppApi(http: ServerHttp): WireApi {
  const openAi = openAiApi(http);
  return {
    fill: (request, signal) => native(http, '/infill', infillBody(request), signal),
    continueText: (prompt, sampling, signal) => native(http, '/completion', { prompt, ...samplingFields(sampling) }, signal),
    chat: openAi.chat,
    servedModels: async (signal) => {
      const served = await servedModels(http, signal);
      // The context the server was started with (-c), which may be less than the model's.
      const props = asRecord(await http.getJson('/props', signal).catch(() => undefined));
      const nCtx = asNumber(asRecord(props?.default_generation_settings)?.n_ctx);
      return { ...served, contextLength: nCtx ?? served.contextLength };
    },
  };
}

function infillBody(request: FillRequest): Record<string, unknown> {
  return {
    input_prefix: request.prefix,
    input_suffix: request.suffix,
    input_extra: request.contextFiles.map((f) => ({ filename: f.path, text: f.text })),
    n_predict: request.maxTokens,
    t_max_predict_ms: request.timeBudgetMs,
    cache_prompt: true,
    temperature: 0,
    top_k: 1,
    stop: [...request.stop],
    samplers: ['top_k'],
  };
}

function samplingFields(s: Sampling): Record<string, unknown> {
  return { n_predict: s.maxTokens, temperature: s.temperature, top_k: s.topK, top_p: s.topP, seed: s.seed, stop: [...s.stop], cache_prompt: true };
}

async function* native(http: ServerHttp, path: string, body: Record<string, unknown>, signal: AbortSignal): AsyncGenerator<WireEvent> {
  for await (const event of http.stream(path, { ...body, stream: true }, 'sse', signal)) {
    const record = asRecord(event);
    if (!record || (typeof record.content !== 'string' && record.stop === undefined)) throw http.wrongProtocol(`${path} events have no "content"`);
    // The last event's timings: `cache_n` prompt tokens came from the slot's cache, `prompt_n` were evaluated.
    const timings = asRecord(record.timings);
    const reused = asNumber(timings?.cache_n);
    const evaluated = asNumber(timings?.prompt_n);
    const done = record.stop === true;
    yield {
      text: typeof record.content === 'string' ? record.content : undefined,
      finishReason: done ? (record.stop_type === 'limit' ? 'length' : 'stop') : undefined,
      promptTokens: reused !== undefined && evaluated !== undefined ? reused + evaluated : undefined,
      reusedPromptTokens: reused,
      generatedTokens: asNumber(record.tokens_predicted),
    };
  }
}
