// "Ask the Workspace..." and "Show Sources...": the engine indexes and searches the folder, the answer
// opens in a Markdown document whose citations link to file and line. After a folder's first search
// in this session, file events keep its index current (nothing is watched before that). The engine
// reads the files from disk: an untrusted workspace is not indexed, nor is a virtual folder.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { EngineProcess } from '../../client/engineProcess';
import { answerPreamble, linkCitations, sourcesDocument } from '../../core/retrieval';
import type { RetrievedSource, SearchResult } from '../../protocol';
import { openUntitled } from '../untitledDocument';
import { DocumentStream } from './documentStream';
import { reportDone, reportFailure, shippedModelNote, withCancellableProgress } from './feedback';
import { askSourceCount, indexParams, textSettings } from './generationSettings';

export interface AskDeps {
  engine: () => EngineProcess;
  log: vscode.LogOutputChannel;
  /** Where the engine keeps the indexes (the extension's workspace storage). */
  storageDir: string;
}

export interface AskArgs {
  question?: string;
}

/** What the commands return (for tests and other extensions). */
export interface AskRun {
  uri: string;
  sources: RetrievedSource[];
  /** Ask only: the passages that fit the prompt, and the answer. */
  used?: RetrievedSource[];
  answer?: string;
}

/** File events are collected this long before the engine re-reads the files. */
const UPDATE_DELAY_MS = 1000;

export class WorkspaceAsk implements vscode.Disposable {
  /** Folders searched in this session, by path, with the watcher that keeps their index current. */
  private readonly indexed = new Map<string, vscode.Disposable>();
  private readonly changed = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: AskDeps) {
    this.disposables.push(
      vscode.commands.registerCommand('genaiStudio.askWorkspace', (args?: AskArgs) => this.ask(args)),
      vscode.commands.registerCommand('genaiStudio.showSources', (args?: AskArgs) => this.showSources(args)),
      vscode.workspace.onDidChangeWorkspaceFolders((event) => event.removed.forEach((folder) => this.unfollow(folder))),
    );
  }

  /** A folder left the workspace: stop watching it, and the engine drops its index from memory. */
  private unfollow(folder: vscode.WorkspaceFolder): void {
    const watcher = this.indexed.get(folder.uri.fsPath);
    if (!watcher) return;
    watcher.dispose();
    this.indexed.delete(folder.uri.fsPath);
    this.changed.delete(folder.uri.fsPath);
    const engine = this.deps.engine();
    if (engine.state === 'running') engine.closeIndex(this.params(folder)).catch((error: Error) => this.deps.log.warn(`Could not close the index of ${folder.name}: ${error.message}`));
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of [...this.disposables, ...this.indexed.values()]) d.dispose();
  }

  /** From a folder's first search on, its file events update its index. */
  private follow(folder: vscode.WorkspaceFolder): void {
    if (this.indexed.has(folder.uri.fsPath)) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const onEvent = (uri: vscode.Uri) => this.fileChanged(uri);
    this.indexed.set(folder.uri.fsPath, vscode.Disposable.from(watcher, watcher.onDidCreate(onEvent), watcher.onDidChange(onEvent), watcher.onDidDelete(onEvent)));
  }

  async ask(args: AskArgs = {}): Promise<AskRun | undefined> {
    const target = await this.target(args, 'Ask the Workspace');
    if (!target) return undefined;
    const { folder, question } = target;
    const model = textSettings().model;
    try {
      return await withCancellableProgress(`GenAI Studio: asking ${model}`, async (progress, token) => {
        const found = await this.search(folder, question, progress, token);
        if (!found) return undefined;
        const heading = { question, model, note: shippedModelNote(model) };
        const document = await openUntitled('markdown', answerPreamble(folder.uri.fsPath, heading, found.sources));
        await vscode.window.showTextDocument(document, { preview: false });
        progress.report({ message: `answering from ${found.sources.length} passages` });
        const stream = new DocumentStream(document, document.positionAt(document.getText().length));
        const settings = textSettings();
        const result = await stream.feed(token, (write, fedToken) =>
          this.deps
            .engine()
            .ask({ ...this.params(folder), question, limit: askSourceCount(), jobId: randomUUID(), model, maxTokens: settings.maxTokens, topK: settings.topK, topP: settings.topP }, write, fedToken),
        );
        // Link the answer's [n] citations, and say how much of the retrieval the model could see.
        const range = await stream.finish();
        const fit = `\n\n---\n*${result.used.length} of ${result.sources.length} sources fit in ${model}'s context (${result.promptFormat} prompt${result.finishReason === 'cancelled' ? '; cancelled' : result.finishReason === 'loop' ? '; stopped where the model began repeating itself' : ''}).*\n`;
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, range, linkCitations(result.text, folder.uri.fsPath, result.used) + fit);
        await vscode.workspace.applyEdit(edit);
        reportDone(this.deps.log, `answered "${question}" with ${model} from ${result.used.length} sources.`, model);
        return { uri: document.uri.toString(), sources: result.sources, used: result.used, answer: result.text };
      });
    } catch (error) {
      reportFailure(this.deps.log, 'Ask the Workspace', error);
      return undefined;
    }
  }

  /** The passages a question retrieves, without generating anything. */
  async showSources(args: AskArgs = {}): Promise<AskRun | undefined> {
    const target = await this.target(args, 'Show Sources');
    if (!target) return undefined;
    try {
      return await withCancellableProgress('GenAI Studio: searching the workspace', async (progress, token) => {
        const found = await this.search(target.folder, target.question, progress, token);
        if (!found) return undefined;
        const document = await openUntitled('markdown', sourcesDocument(target.folder.uri.fsPath, target.question, found.sources));
        await vscode.window.showTextDocument(document, { preview: false });
        return { uri: document.uri.toString(), sources: found.sources };
      });
    } catch (error) {
      reportFailure(this.deps.log, 'Show Sources', error);
      return undefined;
    }
  }

  private params(folder: vscode.WorkspaceFolder) {
    return indexParams(folder, this.deps.storageDir);
  }

  /** Indexes (with progress on the first run) and searches; undefined with a message when nothing matches. */
  private async search(folder: vscode.WorkspaceFolder, question: string, progress: vscode.Progress<{ message?: string }>, token: vscode.CancellationToken): Promise<SearchResult | undefined> {
    progress.report({ message: 'updating the workspace index' });
    const subscription = this.deps.engine().onIndexProgress((p) => {
      if (p.folder === folder.uri.fsPath) progress.report({ message: `indexing ${p.done} of ${p.total} files` });
    });
    try {
      const found = await this.deps.engine().search({ ...this.params(folder), question, limit: askSourceCount() }, token);
      this.follow(folder);
      this.deps.log.info(`Index of ${folder.name}: ${found.index.files} files, ${found.index.chunks} passages (${found.index.added} added, ${found.index.updated} updated, ${found.index.removed} removed, ${found.index.skippedCount} skipped) in ${found.index.ms} ms.`);
      if (found.sources.length === 0) {
        void vscode.window.showWarningMessage('GenAI Studio: nothing in the workspace matches the question. Rephrase it with words that appear in the files (names, terms).');
        return undefined;
      }
      return found;
    } finally {
      subscription.dispose();
    }
  }

  private async target(args: AskArgs, title: string): Promise<{ folder: vscode.WorkspaceFolder; question: string } | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      reportFailure(this.deps.log, title, new Error(`${title} searches the files of a workspace folder: open a folder first (File > Open Folder).`));
      return undefined;
    }
    if (!vscode.workspace.isTrusted) {
      reportFailure(this.deps.log, title, new Error(`${title} reads and indexes every file of the workspace, which GenAI Studio does not do in Restricted Mode. Trust the workspace first (Workspaces: Manage Workspace Trust).`));
      return undefined;
    }
    const active = vscode.window.activeTextEditor && vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri);
    const folder = active ?? (folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder should be searched?' }));
    if (!folder) return undefined;
    if (folder.uri.scheme !== 'file') {
      reportFailure(this.deps.log, title, new Error(`${title} indexes files on this machine's disk, and ${folder.name} is a virtual folder (${folder.uri.scheme}:). Open a local copy of it.`));
      return undefined;
    }
    const editor = vscode.window.activeTextEditor;
    const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const question = args.question ?? (await vscode.window.showInputBox({ title: `GenAI Studio: ${title}`, prompt: `A question about ${folder.name}`, value: selection, ignoreFocusOut: true }));
    if (question === undefined) return undefined;
    if (!question.trim()) {
      reportFailure(this.deps.log, title, new Error('The question is empty: type what you want to know about the workspace.'));
      return undefined;
    }
    return { folder, question: question.trim() };
  }

  private fileChanged(uri: vscode.Uri): void {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || !this.indexed.has(folder.uri.fsPath)) return;
    let paths = this.changed.get(folder.uri.fsPath);
    if (!paths) this.changed.set(folder.uri.fsPath, (paths = new Set()));
    paths.add(uri.fsPath);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flushChanges(), UPDATE_DELAY_MS);
  }

  private async flushChanges(): Promise<void> {
    const batches = [...this.changed];
    this.changed.clear();
    for (const [fsPath, paths] of batches) {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(fsPath));
      if (!folder) continue;
      try {
        const summary = await this.deps.engine().updateIndex({ ...this.params(folder), paths: [...paths] });
        this.deps.log.debug(`Index of ${folder.name} updated: ${summary.added} added, ${summary.updated} updated, ${summary.removed} removed.`);
      } catch (error) {
        this.deps.log.warn(`Could not update the index of ${folder.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
