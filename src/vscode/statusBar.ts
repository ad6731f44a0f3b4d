// The status bar item: the completion model, on which device (and why CPU when a GPU was asked for),
// and whether it is loading (with %), ready, busy or failed; other models' work is in the tooltip.
// Clicking it shows the details.
import * as vscode from 'vscode';
import type { EngineState } from '../client/engineProcess';
import { describe, describeCompletion, describeOthers, type CompletionInfo } from '../core/statusText';
import type { ModelStatus } from '../protocol';

export interface StatusSnapshot {
  text: string;
  tooltip: string;
  engine: EngineState;
  model?: ModelStatus;
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('genaiStudio.status', vscode.StatusBarAlignment.Right, 100);
  private engine: EngineState = 'stopped';
  /** The latest status of every model the engine reported, by reference. */
  private readonly models = new Map<string, ModelStatus>();
  private completion: CompletionInfo = {};

  /** `completionModel` names the model the item follows: the one a user types against. */
  constructor(private readonly completionModel: () => string) {
    this.item.name = 'GenAI Studio';
    this.item.command = 'genaiStudio.showStatus';
    this.render();
    this.item.show();
  }

  setEngineState(state: EngineState): void {
    this.engine = state;
    // A stopped engine holds no model, and a new one has loaded none yet.
    if (state !== 'running') this.models.clear();
    this.render();
  }

  setModelStatus(status: ModelStatus): void {
    if (status.state === 'unloaded' && status.model !== this.completionModel()) this.models.delete(status.model);
    else this.models.set(status.model, status);
    this.render();
  }

  /** `fallback`: why the completion model's server did not answer (the local fallback model did). */
  setCompletionTiming(latencyMs: number, tokensPerSecond: number | undefined, fallback?: string): void {
    this.completion = { ...this.completion, latencyMs, tokensPerSecond, fallback, error: undefined };
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
    return { text: this.item.text, tooltip: String(this.item.tooltip ?? ''), engine: this.engine, model: this.models.get(this.completionModel()) };
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    const device = vscode.workspace.getConfiguration('genaiStudio').get<string>('device', 'auto');
    const shown = this.completionModel();
    const base = describe(this.engine, this.models.get(shown), device !== 'auto' && device !== 'cpu');
    const extra = describeCompletion(this.completion, Date.now());
    const others = describeOthers(this.models.values(), shown);
    this.item.text = base.text + extra.text;
    this.item.tooltip = base.tooltip + extra.tooltip + others;
    this.item.backgroundColor = base.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}

