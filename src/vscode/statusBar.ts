// The status bar item: which model, on which device (and why CPU when a GPU was asked for),
// and whether it is loading (with %), ready, busy or failed. Clicking it shows the details.
import * as vscode from 'vscode';
import type { EngineState } from '../client/engineProcess';
import type { ModelStatus } from '../protocol';

export const DEVICE_NAMES: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML', webgpu: 'WebGPU' };

export interface StatusSnapshot {
  text: string;
  tooltip: string;
  engine: EngineState;
  model?: ModelStatus;
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('genaiStudio.status', vscode.StatusBarAlignment.Right, 100);
  private engine: EngineState = 'stopped';
  private model: ModelStatus | undefined;
  private completion: CompletionInfo = {};

  constructor() {
    this.item.name = 'GenAI Studio';
    this.item.command = 'genaiStudio.showStatus';
    this.render();
    this.item.show();
  }

  setEngineState(state: EngineState): void {
    this.engine = state;
    this.render();
  }

  /** The most recent status of any model is what the item shows. */
  setModelStatus(status: ModelStatus): void {
    this.model = status;
    this.render();
  }

  setCompletionTiming(latencyMs: number, tokensPerSecond: number | undefined): void {
    this.completion = { ...this.completion, latencyMs, tokensPerSecond, error: undefined };
    this.render();
  }

  setCompletionError(error: string): void {
    this.completion = { ...this.completion, error };
    this.render();
  }

  /** 0 clears the snooze. */
  setCompletionSnoozed(untilMs: number): void {
    this.completion = { ...this.completion, snoozedUntil: untilMs || undefined };
    this.render();
    if (untilMs) setTimeout(() => this.render(), Math.max(0, untilMs - Date.now()) + 50);
  }

  snapshot(): StatusSnapshot {
    return { text: this.item.text, tooltip: String(this.item.tooltip ?? ''), engine: this.engine, model: this.model };
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    const device = vscode.workspace.getConfiguration('genaiStudio').get<string>('device', 'auto');
    const base = describe(this.engine, this.model, device !== 'auto' && device !== 'cpu');
    const extra = describeCompletion(this.completion, Date.now());
    this.item.text = base.text + extra.text;
    this.item.tooltip = base.tooltip + extra.tooltip;
    this.item.backgroundColor = base.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}

export interface CompletionInfo {
  latencyMs?: number;
  tokensPerSecond?: number;
  error?: string;
  snoozedUntil?: number;
}

export function describeCompletion(info: CompletionInfo, nowMs: number): { text: string; tooltip: string } {
  if (info.snoozedUntil && info.snoozedUntil > nowMs) {
    const until = new Date(info.snoozedUntil).toLocaleTimeString();
    return { text: ' $(bell-slash)', tooltip: `\nInline completion is snoozed until ${until}.` };
  }
  if (info.error) return { text: ' $(warning)', tooltip: `\nThe last completion failed: ${info.error}` };
  if (info.latencyMs === undefined) return { text: '', tooltip: '' };
  const speed = info.tokensPerSecond ? `, ${info.tokensPerSecond.toFixed(0)} tokens/s` : '';
  return { text: ` ${info.latencyMs.toFixed(0)} ms`, tooltip: `\nLast completion: ${info.latencyMs.toFixed(0)} ms${speed}.` };
}

/** `gpuRequested`: the device setting names a GPU provider, so running on CPU deserves a warning icon. */
export function describe(engine: EngineState, model: ModelStatus | undefined, gpuRequested = false): { text: string; tooltip: string; error: boolean } {
  if (engine === 'restarting') return { text: '$(debug-restart) GenAI: engine restarting', tooltip: 'The GenAI Studio engine stopped and is restarting. Click for details and the log.', error: false };
  if (engine === 'starting') return { text: '$(loading~spin) GenAI: starting', tooltip: 'Starting the GenAI Studio engine.', error: false };
  if (!model || engine === 'stopped') return { text: '$(sparkle) GenAI', tooltip: 'GenAI Studio: no model loaded yet; models load on first use. Click for details.', error: false };
  const name = shortName(model.model);
  const device = model.device ? DEVICE_NAMES[model.device] : undefined;
  const where = device ? ` · ${device}` : '';
  const why = model.fallbackReason ? `\nRunning on CPU because ${model.fallbackReason}` : '';
  switch (model.state) {
    case 'loading':
      return { text: `$(loading~spin) ${name} ${model.progress ?? 0}%`, tooltip: `Loading ${model.model}${model.detail ? `: ${model.detail}` : ''}`, error: false };
    case 'ready':
      return { text: `$(sparkle) ${name}${where}${model.fallbackReason && gpuRequested ? ' $(warning)' : ''}`, tooltip: `${model.model} is ready on ${device}${model.sizeMB ? ` (~${model.sizeMB} MB)` : ''}.${why}`, error: false };
    case 'busy':
      return { text: `$(sync~spin) ${name}${where}`, tooltip: `${model.model} is working on ${device}.${why}`, error: false };
    case 'failed':
      return { text: `$(error) ${name} failed`, tooltip: `${model.model} could not be loaded: ${model.error ?? 'unknown error'}\nClick for details and the log.`, error: true };
    case 'unloaded':
      return { text: '$(sparkle) GenAI', tooltip: `${model.model} was unloaded (${model.detail ?? 'idle'}); it loads again on next use.`, error: false };
  }
}

/** `org/Some-Model@rev` -> `Some-Model`; a folder path -> its last part. */
function shortName(ref: string): string {
  const withoutRevision = ref.replace(/@[^/\\]*$/, '');
  return withoutRevision.split(/[/\\]/).filter(Boolean).pop() ?? ref;
}
