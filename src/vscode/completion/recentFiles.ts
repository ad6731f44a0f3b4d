// Other files worth showing the model: the visible editors and the documents edited most recently.
import * as vscode from 'vscode';
import type { ContextFileParam } from '../../protocol';

const MAX_FILES = 6;
const MAX_CHARS_PER_FILE = 20_000;

export class RecentFiles implements vscode.Disposable {
  private readonly recent: vscode.Uri[] = [];
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.uri.scheme !== 'file' && event.document.uri.scheme !== 'untitled') return;
      const key = event.document.uri.toString();
      const index = this.recent.findIndex((u) => u.toString() === key);
      if (index >= 0) this.recent.splice(index, 1);
      this.recent.unshift(event.document.uri);
      this.recent.length = Math.min(this.recent.length, MAX_FILES);
    });
  }

  /** Up to a few other open documents, most relevant first, each cut to a bounded size. */
  contextFor(current: vscode.TextDocument): ContextFileParam[] {
    const candidates = [...this.recent, ...vscode.window.visibleTextEditors.map((e) => e.document.uri)];
    const seen = new Set([current.uri.toString()]);
    const files: ContextFileParam[] = [];
    for (const uri of candidates) {
      const key = uri.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (!document) continue;
      files.push({ path: vscode.workspace.asRelativePath(uri), text: document.getText().slice(0, MAX_CHARS_PER_FILE) });
      if (files.length >= MAX_FILES) break;
    }
    return files;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
