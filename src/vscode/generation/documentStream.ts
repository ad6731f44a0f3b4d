// Writes streamed text into a document as it arrives. Edits are applied one after another (chunks that
// arrive meanwhile are joined into the next edit), and the insertion point follows the inserted text.
import * as vscode from 'vscode';

export class DocumentStream {
  private pending = '';
  private chain: Promise<void> = Promise.resolve();
  private end: vscode.Position;
  private readonly start: vscode.Position;

  constructor(
    private readonly document: vscode.TextDocument,
    at: vscode.Position,
  ) {
    this.start = at;
    this.end = at;
  }

  write(text: string): void {
    this.pending += text;
    this.chain = this.chain.then(() => this.flush());
  }

  /** Waits for every write; returns the range of the streamed text. */
  async finish(): Promise<vscode.Range> {
    await this.chain;
    return new vscode.Range(this.start, this.end);
  }

  private async flush(): Promise<void> {
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    const edit = new vscode.WorkspaceEdit();
    edit.insert(this.document.uri, this.end, text);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not write into ${this.document.uri.toString()}: the document was closed or is read-only.`);
    const lines = text.split('\n');
    this.end = lines.length === 1 ? this.end.translate(0, text.length) : new vscode.Position(this.end.line + lines.length - 1, lines[lines.length - 1].length);
  }
}
