// Ghost-text suggestions from the engine: a cache along the typed prefix, an adaptive debounce,
// one request per document in flight (a newer keystroke cancels it inside the engine), the prompt read
// ahead where the cursor lands (a file made active, a click), and the status bar told about latency,
// speed and failures.
import * as vscode from 'vscode';
import { AdaptiveDebounce, CompletionCache, CompletionStats, isLanguageEnabled } from '../../core/completion';
import type { EngineProcess } from '../../client/engineProcess';
import type { CompleteResult } from '../../protocol';
import { completionSettings, type CompletionSettings } from '../settings';
import type { StatusBar } from '../statusBar';
import type { RecentFiles } from './recentFiles';
import { isRemoteRef } from '../../core/modelRef';

/** Characters of the document sent on each side of the cursor; the engine trims to its token budget. */
const PREFIX_CHARS = 12_000;
const SUFFIX_CHARS = 4_000;
const TRIGGER_CHARACTERS = new Set(['.', '(', '[', '{', ',', ':', '=', ' ', '\n', '>']);
/** How long a file stays active before its prompt is read ahead (switching through tabs reads none). */
const WARM_DELAY_MS = 400;

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
  private warmTimer: NodeJS.Timeout | undefined;
  /** Prompts read ahead for files that became active (see warm). */
  warmed = 0;

  constructor(
    private readonly engine: () => EngineProcess,
    private readonly statusBar: StatusBar,
    private readonly recentFiles: RecentFiles,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.noticePartialAccept(e)),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.warm(editor)),
      // A click moves the cursor where typing goes next (Keyboard changes are typing, which asks anyway).
      vscode.window.onDidChangeTextEditorSelection((e) => e.kind === vscode.TextEditorSelectionChangeKind.Mouse && this.warm(e.textEditor)),
    );
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

    const { prefix, suffix } = textAround(document, position);
    // What else decides the answer: the model and its prompt format (a new model must not answer from the old one's cache).
    const suffixKey = [settings.model, settings.fimFormat, suffix.split('\n', 2).join('\n')].join('\u0001');

    const cached = this.cache.lookup(prefix, suffixKey);
    if (cached !== undefined) return this.items(document, position, cached);

    if (!explicit) {
      const lastChar = prefix.slice(-1);
      const delay = this.debounce.delayMs({ afterTriggerCharacter: TRIGGER_CHARACTERS.has(lastChar), atLineEnd: suffix.split('\n', 1)[0].trim() === '' });
      if (!(await sleep(delay, token))) return undefined;
    }

    let result: CompleteResult;
    try {
      result = await this.send(document, { prefix, suffix }, settings, settings.maxTokens, token);
    } catch (error) {
      if (token.isCancellationRequested || isCancelled(error)) return undefined;
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`Completion failed: ${message}`);
      this.statusBar.setCompletionError(message);
      return undefined;
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

  /** One request per document in flight: a newer one cancels the older inside the engine. */
  private async send(document: vscode.TextDocument, { prefix, suffix }: TextAround, settings: CompletionSettings, maxTokens: number, token?: vscode.CancellationToken): Promise<CompleteResult> {
    const key = document.uri.toString();
    this.inFlight.get(key)?.cancel();
    const source = new vscode.CancellationTokenSource();
    const link = token?.onCancellationRequested(() => source.cancel());
    this.inFlight.set(key, source);
    try {
      return await this.engine().complete(
        {
          model: settings.model,
          filePath: vscode.workspace.asRelativePath(document.uri),
          languageId: document.languageId,
          prefix,
          suffix,
          contextFiles: this.recentFiles.contextFor(document),
          fimFormat: settings.fimFormat,
          maxTokens,
          promptTokens: settings.promptTokens,
          timeBudgetMs: settings.timeBudgetMs,
          fallbackModel: settings.fallbackModel || undefined,
        },
        source.token,
      );
    } catch (error) {
      if (source.token.isCancellationRequested) throw new vscode.CancellationError();
      throw error;
    } finally {
      link?.dispose();
      if (this.inFlight.get(key) === source) this.inFlight.delete(key);
      source.dispose();
    }
  }

  /**
   * A file that becomes the active editor, or a click in one, has the prompt at the cursor read into
   * the engine's KV cache (one token generated, the answer dropped), so the first keystroke there
   * resumes from it instead of reading the whole prompt: at real size that is seconds. Only while the
   * engine already runs and on a model of its own (not a server): nothing starts before the user asks.
   * A keystroke cancels it between two prompt chunks and keeps what was read.
   */
  private warm(editor: vscode.TextEditor | undefined): void {
    clearTimeout(this.warmTimer);
    if (!editor) return;
    const settings = completionSettings();
    if (!settings.enabled || this.snoozed || isRemoteRef(settings.model) || !isLanguageEnabled(settings.languages, editor.document.languageId)) return;
    this.warmTimer = setTimeout(() => {
      // A suggestion being asked for is never cancelled for this.
      if (vscode.window.activeTextEditor !== editor || this.engine().state !== 'running' || this.inFlight.has(editor.document.uri.toString())) return;
      this.send(editor.document, textAround(editor.document, editor.selection.active), settings, 1).then(
        (result) => {
          if (result.finishReason === 'cancelled') return;
          this.warmed++;
          this.log.debug(`warmed ${vscode.workspace.asRelativePath(editor.document.uri)}: ${result.promptTokens} prompt tokens (${result.reusedPromptTokens} already held) in ${result.totalMs.toFixed(0)} ms`);
        },
        (error: unknown) => isCancelled(error) || this.log.debug(`Warming the completion prompt failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, WARM_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this.warmTimer);
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

/** The text the engine is sent on each side of the cursor. */
interface TextAround {
  prefix: string;
  suffix: string;
}

function textAround(document: vscode.TextDocument, position: vscode.Position): TextAround {
  const offset = document.offsetAt(position);
  return {
    prefix: normalize(document.getText(new vscode.Range(document.positionAt(Math.max(0, offset - PREFIX_CHARS)), position))),
    suffix: normalize(document.getText(new vscode.Range(position, document.positionAt(offset + SUFFIX_CHARS)))),
  };
}

function isCancelled(error: unknown): boolean {
  return error instanceof vscode.CancellationError;
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
