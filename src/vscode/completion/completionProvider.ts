// Ghost-text suggestions from the engine: a cache along the typed prefix, an adaptive debounce,
// one request per document in flight (a newer keystroke cancels it inside the engine), and the
// status bar told about latency, speed and failures.
import * as vscode from 'vscode';
import { AdaptiveDebounce, CompletionCache, CompletionStats, isLanguageEnabled } from '../../core/completion';
import type { EngineProcess } from '../../client/engineProcess';
import type { CompleteResult } from '../../protocol';
import { completionSettings } from '../settings';
import type { StatusBar } from '../statusBar';
import type { RecentFiles } from './recentFiles';

/** Characters of the document sent on each side of the cursor; the engine trims to its token budget. */
const PREFIX_CHARS = 12_000;
const SUFFIX_CHARS = 4_000;
const TRIGGER_CHARACTERS = new Set(['.', '(', '[', '{', ',', ':', '=', ' ', '\n', '>']);

export const ACCEPTED_COMMAND = 'genaiStudio.completion.accepted';

interface Shown {
  uri: string;
  offset: number;
  text: string;
}

export class CompletionProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  readonly stats = new CompletionStats();
  private readonly cache = new CompletionCache();
  private readonly debounce = new AdaptiveDebounce();
  private readonly inFlight = new Map<string, vscode.CancellationTokenSource>();
  private snoozedUntil = 0;
  private lastShown: Shown | undefined;
  /** The engine's answer to the latest request, cancelled ones included. */
  lastResult: CompleteResult | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly engine: () => EngineProcess,
    private readonly statusBar: StatusBar,
    private readonly recentFiles: RecentFiles,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => this.noticePartialAccept(e)));
  }

  snooze(minutes: number): void {
    this.snoozedUntil = Date.now() + minutes * 60_000;
    this.statusBar.setCompletionSnoozed(this.snoozedUntil);
  }

  resume(): void {
    this.snoozedUntil = 0;
    this.statusBar.setCompletionSnoozed(0);
  }

  get snoozed(): boolean {
    return Date.now() < this.snoozedUntil;
  }

  /** Called by the item's command when the whole suggestion is accepted (Tab). */
  accepted(): void {
    this.stats.recordAccepted();
    this.lastShown = undefined;
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    const settings = completionSettings();
    const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    if (!explicit && (!settings.enabled || this.snoozed || !isLanguageEnabled(settings.languages, document.languageId))) return undefined;
    if (context.selectedCompletionInfo) return undefined;

    const offset = document.offsetAt(position);
    const prefix = normalize(document.getText(new vscode.Range(document.positionAt(Math.max(0, offset - PREFIX_CHARS)), position)));
    const suffix = normalize(document.getText(new vscode.Range(position, document.positionAt(offset + SUFFIX_CHARS))));
    // What else decides the answer: the model and its prompt format (a new model must not answer from the old one's cache).
    const suffixKey = [settings.model, settings.fimFormat, suffix.split('\n', 2).join('\n')].join('\u0001');

    const cached = this.cache.lookup(prefix, suffixKey);
    if (cached !== undefined) return this.items(document, position, cached);

    if (!explicit) {
      const lastChar = prefix.slice(-1);
      const delay = this.debounce.delayMs({ afterTriggerCharacter: TRIGGER_CHARACTERS.has(lastChar), atLineEnd: suffix.split('\n', 1)[0].trim() === '' });
      if (!(await sleep(delay, token))) return undefined;
    }

    // One generation per document: a newer request cancels the older one inside the engine.
    const key = document.uri.toString();
    this.inFlight.get(key)?.cancel();
    const source = new vscode.CancellationTokenSource();
    const link = token.onCancellationRequested(() => source.cancel());
    this.inFlight.set(key, source);
    let result: CompleteResult;
    try {
      result = await this.engine().complete(
        {
          model: settings.model,
          filePath: vscode.workspace.asRelativePath(document.uri),
          languageId: document.languageId,
          prefix,
          suffix,
          contextFiles: this.recentFiles.contextFor(document),
          fimFormat: settings.fimFormat,
          maxTokens: settings.maxTokens,
          promptTokens: settings.promptTokens,
          timeBudgetMs: settings.timeBudgetMs,
          fallbackModel: settings.fallbackModel || undefined,
        },
        source.token,
      );
    } catch (error) {
      if (source.token.isCancellationRequested) return undefined;
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`Completion failed: ${message}`);
      this.statusBar.setCompletionError(message);
      return undefined;
    } finally {
      link.dispose();
      if (this.inFlight.get(key) === source) this.inFlight.delete(key);
      source.dispose();
    }
    this.lastResult = result;
    if (result.finishReason === 'cancelled' || token.isCancellationRequested) return undefined;

    this.debounce.recordLatency(result.totalMs);
    this.stats.recordLatency(result.totalMs);
    this.statusBar.setCompletionTiming(result.totalMs, result.generatedTokens > 1 ? ((result.generatedTokens - 1) * 1000) / Math.max(0.1, result.decodeMs) : undefined, result.fallback);
    this.log.debug(
      `completion ${result.fimFormat}/${result.shape}: ${result.promptTokens} prompt tokens (${result.reusedPromptTokens} reused), ${result.generatedTokens} generated, ${result.totalMs.toFixed(0)} ms, ${result.finishReason}`,
    );
    this.cache.set(prefix, suffixKey, result.text);
    return this.items(document, position, result.text);
  }

  dispose(): void {
    for (const source of this.inFlight.values()) source.cancel();
    for (const s of this.subscriptions) s.dispose();
  }

  private items(document: vscode.TextDocument, position: vscode.Position, text: string): vscode.InlineCompletionItem[] | undefined {
    if (!text) return undefined;
    this.stats.recordShown();
    this.lastShown = { uri: document.uri.toString(), offset: document.offsetAt(position), text };
    const item = new vscode.InlineCompletionItem(text, new vscode.Range(position, position), { command: ACCEPTED_COMMAND, title: 'Accepted' });
    return [item];
  }

  /** Accept-word / accept-line insert the start of the shown suggestion in one edit. */
  private noticePartialAccept(event: vscode.TextDocumentChangeEvent): void {
    const shown = this.lastShown;
    if (!shown || event.document.uri.toString() !== shown.uri || event.contentChanges.length !== 1) return;
    const change = event.contentChanges[0];
    const inserted = change.text.replace(/\r\n/g, '\n');
    if (change.rangeOffset !== shown.offset || change.rangeLength !== 0) return;
    if (inserted.length >= 2 && inserted.length < shown.text.length && shown.text.startsWith(inserted)) {
      this.stats.recordPartiallyAccepted();
      this.lastShown = { ...shown, offset: shown.offset + inserted.length, text: shown.text.slice(inserted.length) };
    }
  }
}

function normalize(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Resolves true after `ms`, or false as soon as the request is cancelled. */
function sleep(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  return new Promise((resolve) => {
    if (token.isCancellationRequested) return resolve(false);
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve(true);
    }, ms);
    const subscription = token.onCancellationRequested(() => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(false);
    });
  });
}
