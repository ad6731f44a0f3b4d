// What the status bar says, as pure text: the completion model's state (the model a user types
// against), the last completion's timing, and the other models' work in the tooltip.
import type { EngineState } from '../client/engineProcess';
import type { ModelStatus } from '../protocol';

export const DEVICE_NAMES: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', webgpu: 'WebGPU', server: 'server' };

export interface CompletionInfo {
  latencyMs?: number;
  tokensPerSecond?: number;
  error?: string;
  /** Why the completion model's server did not answer: the local fallback model did. */
  fallback?: string;
  snoozedUntil?: number;
}

export function describeCompletion(info: CompletionInfo, nowMs: number): { text: string; tooltip: string } {
  if (info.snoozedUntil && info.snoozedUntil > nowMs) {
    const until = new Date(info.snoozedUntil).toLocaleTimeString();
    return { text: ' $(bell-slash)', tooltip: `\nInline completion is snoozed until ${until}.` };
  }
  if (info.error) return { text: ' $(warning)', tooltip: `\nThe last completion failed: ${info.error}` };
  if (info.latencyMs === undefined) return { text: '', tooltip: '' };
  if (info.fallback) return { text: ` $(debug-disconnect) local ${info.latencyMs.toFixed(0)} ms`, tooltip: `\nThe server did not answer, so the local fallback model completed (${info.latencyMs.toFixed(0)} ms): ${info.fallback}` };
  const speed = info.tokensPerSecond ? `, ${info.tokensPerSecond.toFixed(0)} tokens/s` : '';
  return { text: ` ${info.latencyMs.toFixed(0)} ms`, tooltip: `\nLast completion: ${info.latencyMs.toFixed(0)} ms${speed}.` };
}

/** `gpuRequested`: the device setting names a GPU provider, so running on CPU deserves a warning icon. */
export function describe(engine: EngineState, model: ModelStatus | undefined, gpuRequested = false): { text: string; tooltip: string; error: boolean } {
  if (engine === 'crashed') return { text: '$(error) GenAI: engine crashed', tooltip: 'The GenAI Studio engine crashed several times in a row and is not restarted. Click for the log and Restart Engine.', error: true };
  if (engine === 'restarting') return { text: '$(debug-restart) GenAI: engine restarting', tooltip: 'The GenAI Studio engine stopped and is restarting. Click for details and the log.', error: false };
  if (engine === 'starting') return { text: '$(loading~spin) GenAI: starting', tooltip: 'Starting the GenAI Studio engine.', error: false };
  if (!model || engine === 'stopped') return { text: '$(sparkle) GenAI', tooltip: 'GenAI Studio: no model loaded yet; models load on first use. Click for details.', error: false };
  const name = shortName(model.model);
  const device = model.server ? `server ${hostOf(model.server)}` : model.device ? DEVICE_NAMES[model.device] : undefined;
  const where = device ? ` · ${device}` : '';
  const why = model.fallbackReason ? `\nRunning on CPU because ${model.fallbackReason}` : '';
  switch (model.state) {
    case 'loading':
      return { text: `$(loading~spin) ${name} ${model.progress ?? 0}%`, tooltip: `Loading ${model.model}${model.detail ? `: ${model.detail}` : ''}`, error: false };
    case 'ready':
      return { text: `$(sparkle) ${name}${where}${model.fallbackReason && gpuRequested ? ' $(warning)' : ''}`, tooltip: `${model.model} is ready on ${device}${model.sizeMB ? ` (~${model.sizeMB} MB)` : ''}${model.weights ? `, running ${model.weights}` : ''}.${why}`, error: false };
    case 'busy':
      return { text: `$(sync~spin) ${name}${where}`, tooltip: `${model.model} is working on ${device}.${why}`, error: false };
    case 'failed':
      return { text: `$(error) ${name} failed`, tooltip: `${model.model} ${model.server ? `(${model.server}) failed` : 'could not be loaded'}: ${model.error ?? 'unknown error'}\nClick for details and the log.`, error: true };
    case 'unloaded':
      return { text: '$(sparkle) GenAI', tooltip: `${model.model} was unloaded (${model.detail ?? 'idle'}); it loads again on next use.`, error: false };
  }
}

/** `http://gpu-box:8000 · model (api)` -> `gpu-box:8000`. */
function hostOf(server: string): string {
  return /^https?:\/\/([^/\s]+)/.exec(server)?.[1] ?? server;
}

/** `org/Some-Model@rev` -> `Some-Model`; a folder path -> its last part. */
function shortName(ref: string): string {
  const withoutRevision = ref.replace(/@[^/\\]*$/, '');
  return withoutRevision.split(/[/\\]/).filter(Boolean).pop() ?? ref;
}

/** One line per other model that is loading, busy or failed: what the item's text does not show. */
export function describeOthers(models: Iterable<ModelStatus>, shown: string): string {
  const lines: string[] = [];
  for (const m of models) {
    if (m.model === shown) continue;
    if (m.state === 'loading') lines.push(`${m.model}: loading ${m.progress ?? 0}%`);
    else if (m.state === 'busy') lines.push(`${m.model}: working${m.device ? ` on ${DEVICE_NAMES[m.device]}` : ''}`);
    else if (m.state === 'failed') lines.push(`${m.model}: failed: ${m.error ?? 'unknown error'}`);
  }
  return lines.length ? `\nAlso: ${lines.join('; ')}.` : '';
}
