// The models behind `remote:<name>` references: the engine's counterpart of the ModelManager for
// inference servers. Each feature prompts a server exactly as it prompts a local model (the same
// completion plan and post-processing, the same Ask prompt within the context, the same loop and stop
// handling); only the tokens come over HTTP. What a server serves is asked once per configuration.
import { endsInLoop, loopStart, planCompletion, postProcess, unhealCompletion } from '../../core/completion';
import { ASK_DEFAULTS } from '../../core/generation/defaults';
import { parseModelRef } from '../../core/modelRef';
import { checkRemoteServers, estimateTokens, findRemoteServer, remoteFimFormat } from '../../core/remote/remoteServers';
import { assembleAskPrompt, askMessages, formatSources, plainAskPrompt, PLAIN_ASK_STOP } from '../../core/retrieval';
import { COMPLETION_DEFAULTS } from '../../defaults';
import {
  EngineErrorCode,
  type AskParams,
  type CompleteParams,
  type CompleteResult,
  type EngineSettings,
  type GenerateParams,
  type GenerateResult,
  type GenerateTextParams,
  type GenerateTextResult,
  type ModelStatus,
  type PromptFormat,
  type RemoteApi,
  type RemoteServer,
  type RetrievedSource,
  type ServerReport,
} from '../../protocol';
import { EngineError, errorMessage } from '../errors';
import { rawSamplingOf, samplingOf } from '../generation/sampling';
import type { GenerationOutcome } from '../textGenerator';
import { collectText } from './streamedText';
import { ServerError, ServerHttp } from './serverHttp';
import { llamaCppApi } from './llamaCppApi';
import { ollamaApi } from './ollamaApi';
import { openAiApi } from './openAiApi';
import type { ServedModels, WireApi } from './wireApi';

/** When a server says nothing of its context, prompts stay within this many tokens. */
const DEFAULT_CONTEXT = 4096;

interface Connected {
  server: RemoteServer;
  api: WireApi;
  http: ServerHttp;
}

export class RemoteModels {
  private servers: RemoteServer[] = [];
  private proxy: string | undefined;
  private offline = false;
  private readonly served = new Map<string, Promise<ServedModels>>();
  /** The last state reported for each `remote:` reference. */
  private readonly states = new Map<string, ModelStatus>();

  constructor(
    private readonly report: (status: ModelStatus) => void,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {}

  configure(settings: EngineSettings): void {
    const { servers, problems } = checkRemoteServers(settings.remotes);
    for (const problem of problems) this.log('warn', problem);
    this.servers = servers;
    this.proxy = settings.httpProxy || undefined;
    this.offline = settings.offline;
    this.served.clear();
  }

  /** "Loading" a server model: asking the server what it serves, so a wrong URL, key or model shows at once. */
  async load(ref: string, signal: AbortSignal): Promise<ModelStatus> {
    const target = this.connect(ref);
    await this.tracked(ref, target, () => this.facts(target, signal));
    return this.states.get(ref) ?? { model: ref, state: 'ready', device: 'server' };
  }

  async complete(params: CompleteParams, signal: AbortSignal): Promise<Omit<CompleteResult, 'totalMs'>> {
    const target = this.connect(params.model);
    const maxTokens = params.maxTokens ?? COMPLETION_DEFAULTS.maxTokens;
    const promptTokens = params.promptTokens ?? COMPLETION_DEFAULTS.promptTokens;
    const timeBudgetMs = params.timeBudgetMs ?? COMPLETION_DEFAULTS.timeBudgetMs;
    return this.tracked(params.model, target, async () => {
      const { contextLength, modelId } = await this.facts(target, signal);
      const format = params.fimFormat && params.fimFormat !== 'auto' ? params.fimFormat : remoteFimFormat(target.server, modelId);
      const plan = planCompletion(
        { ...params, fimFormat: format, maxTokens, promptTokens },
        // The format is named, so no tokenizer's marker tokens are needed to detect it.
        { fimTokens: new Set(), maxPositions: contextLength, countTokens: estimateTokens },
      );
      const outcome = await collectText(
        (s) => target.api.fill({ prompt: plan.prompt, prefix: plan.parts.prefix, suffix: plan.parts.suffix, contextFiles: plan.parts.snippets, stop: plan.stop, maxTokens, timeBudgetMs }, s),
        signal,
        { stop: plan.stop, stopWhen: endsInLoop, timeBudgetMs },
      );
      const completion = unhealCompletion(outcome.text, plan.healed);
      const text = postProcess({ prefix: params.prefix, suffix: params.suffix, languageId: params.languageId, completion, stopStrings: plan.format.stopStrings }) ?? '';
      return { ...outcome, text, raw: outcome.text, fimFormat: plan.format.name, shape: plan.shape, device: 'server' as const };
    });
  }

  /** Generate Text: chat messages to an instruct model (the server applies its template), else the plain prompt. */
  async generateText(params: GenerateTextParams, signal: AbortSignal, onText: (text: string) => void): Promise<Omit<GenerateTextResult, 'totalMs'>> {
    const target = this.connect(params.model);
    return this.tracked(params.model, target, async () => {
      await this.facts(target, signal);
      const format = promptFormatOf(target.server, params.promptFormat);
      const sampling = { ...samplingOf(params), stop: params.stop ?? [] };
      const outcome = await withoutLoops((s) => (format === 'chat' ? target.api.chat([{ role: 'user', content: params.prompt }], sampling, s) : target.api.continueText(params.prompt, sampling, s)), signal, sampling.stop, sampling.timeBudgetMs, onText);
      return { ...outcome, promptFormat: format, device: 'server' as const };
    });
  }

  /** `engine/generate`: the prompt as it is, continued. */
  async generate(params: GenerateParams, signal: AbortSignal, onText: (text: string) => void): Promise<Omit<GenerateResult, 'totalMs'>> {
    const target = this.connect(params.model);
    return this.tracked(params.model, target, async () => {
      await this.facts(target, signal);
      const sampling = rawSamplingOf(params);
      const outcome = await collectText((s) => target.api.continueText(params.prompt, sampling, s), signal, { stop: sampling.stop, timeBudgetMs: params.timeBudgetMs, onText });
      return { ...outcome, device: 'server' as const };
    });
  }

  /** Ask: the best passages that fit the server's context, as chat messages or a plain prompt. */
  async ask(params: AskParams, sources: RetrievedSource[], signal: AbortSignal, onText: (text: string) => void): Promise<Omit<GenerateTextResult, 'totalMs'> & { used: RetrievedSource[] }> {
    const target = this.connect(params.model);
    return this.tracked(params.model, target, async () => {
      const { contextLength } = await this.facts(target, signal);
      const format = promptFormatOf(target.server, params.promptFormat);
      const sampling = samplingOf({ ...params, temperature: params.temperature ?? ASK_DEFAULTS.temperature });
      const maxTokens = Math.max(1, Math.min(sampling.maxTokens, Math.floor(contextLength / 4)));
      // A chat prompt is counted as its messages' text: the server's template adds a few tokens, which the estimate covers.
      const render = format === 'chat' ? (context: string, question: string) => askMessages(context, question).map((m) => m.content).join('\n') : plainAskPrompt;
      let assembled;
      try {
        assembled = assembleAskPrompt(params.question, sources, { countTokens: estimateTokens, budgetTokens: contextLength - maxTokens, render });
      } catch (error) {
        if (error instanceof RangeError) throw new EngineError(EngineErrorCode.BadRequest, error.message);
        throw error;
      }
      const chat = format === 'chat' ? askMessages(formatSources(assembled.used), params.question) : undefined;
      const request = { ...sampling, maxTokens, stop: chat ? [] : PLAIN_ASK_STOP };
      const outcome = await withoutLoops((s) => (chat ? target.api.chat(chat, request, s) : target.api.continueText(assembled.prompt, request, s)), signal, request.stop, sampling.timeBudgetMs, onText);
      return { ...outcome, promptFormat: format, used: assembled.used, device: 'server' as const };
    });
  }

  /** Every configured server: reachable or not, what it serves, its context. */
  async check(signal: AbortSignal): Promise<ServerReport[]> {
    return Promise.all(
      this.servers.map(async (server) => {
        const base = { name: server.name, url: server.url, api: server.api };
        if (this.offline) return { ...base, reachable: false, models: [], model: server.model, error: 'not asked: genaiStudio.offline is on' };
        const started = performance.now();
        try {
          const served = await wireApiFor(server.api, this.http(server)).servedModels(signal);
          return { ...base, reachable: true, models: served.models, model: server.model ?? served.models[0], contextLength: server.contextLength ?? served.contextLength, ms: performance.now() - started };
        } catch (error) {
          return { ...base, reachable: false, models: [], model: server.model, error: errorMessage(error) };
        }
      }),
    );
  }

  private connect(ref: string): Connected {
    let parsed;
    try {
      parsed = parseModelRef(ref, '');
    } catch (error) {
      throw new EngineError(EngineErrorCode.ModelNotFound, errorMessage(error));
    }
    if (parsed.kind !== 'remote') throw new EngineError(EngineErrorCode.BadRequest, `${ref} is not a remote:<name> reference.`);
    let server;
    try {
      server = findRemoteServer(parsed.name, this.servers);
    } catch (error) {
      throw new EngineError(EngineErrorCode.ModelNotFound, errorMessage(error));
    }
    // Offline means no request leaves the machine, to a server as to the hub; the fallback model still answers.
    if (this.offline) throw new ServerError({ unreachable: true, message: `genaiStudio.offline is on, so ${ref} (${server.url}) is not asked. Turn offline mode off to use the server, or choose a local model.` });
    const http = this.http(server);
    return { server, http, api: wireApiFor(server.api, http) };
  }

  private http(server: RemoteServer): ServerHttp {
    return new ServerHttp(server, { proxy: this.proxy });
  }

  /** The context and model id: the settings first, then what the server says (asked once). */
  private async facts(target: Connected, signal: AbortSignal): Promise<{ contextLength: number; modelId?: string }> {
    const { server } = target;
    if (server.contextLength && server.model) return { contextLength: server.contextLength, modelId: server.model };
    let served = this.served.get(server.name);
    if (!served) {
      served = target.api.servedModels(signal);
      this.served.set(server.name, served);
      // A failed or cancelled check is asked again next time.
      served.catch(() => this.served.delete(server.name));
    }
    const { models, contextLength } = await served;
    if (server.model && models.length > 0 && !models.includes(server.model)) {
      throw new EngineError(EngineErrorCode.ServerFailed, `${server.url} (${server.name}) does not serve the model "${server.model}"; it serves: ${models.join(', ')}. Fix "model" in genaiStudio.remotes.`);
    }
    return { contextLength: server.contextLength ?? contextLength ?? DEFAULT_CONTEXT, modelId: server.model ?? models[0] };
  }

  /** Runs a request and reports the model's state when it changes: ready (with the server) or failed (why). */
  private async tracked<R>(ref: string, target: Connected, work: () => Promise<R>): Promise<R> {
    const server = `${target.server.url} · ${target.server.model ?? 'its default model'} (${target.server.api})`;
    try {
      const result = await work();
      this.setState(ref, { model: ref, state: 'ready', device: 'server', server });
      return result;
    } catch (error) {
      if (error instanceof EngineError && error.code === EngineErrorCode.ServerFailed) this.setState(ref, { model: ref, state: 'failed', device: 'server', server, error: error.message });
      throw error;
    }
  }

  private setState(ref: string, status: ModelStatus): void {
    const last = this.states.get(ref);
    if (last && last.state === status.state && last.error === status.error && last.server === status.server) return;
    this.states.set(ref, status);
    this.report(status);
  }

  /** The states reported so far, for `engine/models`. */
  statuses(): ModelStatus[] {
    return [...this.states.values()];
  }
}

function wireApiFor(api: RemoteApi, http: ServerHttp): WireApi {
  switch (api) {
    case 'openai':
      return openAiApi(http);
    case 'llama.cpp':
      return llamaCppApi(http);
    case 'ollama':
      return ollamaApi(http);
  }
}

function promptFormatOf(server: RemoteServer, requested: PromptFormat | 'auto' = 'auto'): PromptFormat {
  if (requested !== 'auto') return requested;
  return server.chat === false ? 'plain' : 'chat';
}

/** As `generateWithoutLoops` locally: stop when a loop forms within a line and cut the repeats. */
async function withoutLoops(start: Parameters<typeof collectText>[0], signal: AbortSignal, stop: readonly string[], timeBudgetMs: number | undefined, onText: (text: string) => void): Promise<GenerationOutcome> {
  const outcome = await collectText(start, signal, { stop, stopWhen: endsInLoop, timeBudgetMs, onText });
  const at = loopStart(outcome.text);
  return at === undefined ? outcome : { ...outcome, text: outcome.text.slice(0, at).trimEnd(), finishReason: 'loop' };
}
