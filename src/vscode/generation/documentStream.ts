// Writes streamed text into a document as it arrives. Edits are applied one after another (chunks that
// arrive meanwhile are joined into the next edit), and the insertion point follows the inserted text.
// When the document closes (VS Code would take a later edit as a new document of the same name) or an
// edit is refused, the generation feeding it stops (feed) and the caller is told why.
import * as vscode from 'vscode';

export class DocumentStream {
  private pending = '';
  private chain: Promise<void> = Promise.resolve();
  private end: vscode.Position;
  private readonly start: vscode.Position;
  private error: Error | undefined;
  /** Cancelled when nothing more can reach the document. */
  private readonly failure = new vscode.CancellationTokenSource();
  private readonly closing: vscode.Disposable;

  constructor(
    private readonly document: vscode.TextDocument,
    at: vscode.Position,
  ) {
    this.start = at;
    this.end = at;
    this.closing = vscode.workspace.onDidCloseTextDocument((closed) => {
      if (closed === document) this.fail(new Error(`${this.name} was closed, so the generation was stopped.`));
    });
  }

  /**
   * Runs a generation that streams into this document. Its token is cancelled by `token` or when the
   * document can take no more text; then that reason is what it throws.
   */
  async feed<T>(token: vscode.CancellationToken, generate: (write: (text: string) => void, token: vscode.CancellationToken) => Thenable<T>): Promise<T> {
    const either = new vscode.CancellationTokenSource();
    const subscriptions = [token, this.failure.token].map((t) => t.onCancellationRequested(() => either.cancel()));
    if (token.isCancellationRequested || this.error) either.cancel();
    try {
      return await generate((text) => this.write(text), either.token);
    } catch (error) {
      throw this.error ?? error;
    } finally {
      for (const s of subscriptions) s.dispose();
      either.dispose();
    }
  }

  write(text: string): void {
    if (this.error) return;
    this.pending += text;
    this.chain = this.chain.then(() => this.flush()).catch((error: Error) => this.fail(error));
  }

  /** Waits for every write; returns the range of the streamed text, or throws why the text could not all be written. */
  async finish(): Promise<vscode.Range> {
    await this.chain;
    this.closing.dispose();
    this.failure.dispose();
    if (this.error) throw this.error;
    return new vscode.Range(this.start, this.end);
  }

  private get name(): string {
    return this.document.isUntitled ? 'The generated document' : vscode.workspace.asRelativePath(this.document.uri);
  }

  private fail(error: Error): void {
    this.error ??= error;
    this.failure.cancel();
  }

  private async flush(): Promise<void> {
    if (!this.pending || this.error) return;
    const text = this.pending;
    this.pending = '';
    const edit = new vscode.WorkspaceEdit();
    edit.insert(this.document.uri, this.end, text);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not write into ${this.name}: VS Code refused the edit, so the generation was stopped.`);
    const lines = text.split('\n');
    this.end = lines.length === 1 ? this.end.translate(0, text.length) : new vscode.Position(this.end.line + lines.length - 1, lines[lines.length - 1].length);
  }
}
