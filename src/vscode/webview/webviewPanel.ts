// Creates webview panels the one way this extension allows: strict CSP with a fresh nonce per load,
// local resources only from the folders the panel names (plus the shared control and icon libraries),
// and a typed message channel that validates every incoming message before anyone sees it.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewHtml } from '../../core/webview/html';
import type { RejectedMessage, Validation } from '../../core/webview/messageSchema';

/** Extension folders every panel may load from: its bundled script, the controls and the icon font. */
const SHARED_ROOTS = ['dist/webviews', 'media/webview', 'node_modules/@vscode-elements/elements/dist', 'node_modules/@vscode/codicons/dist'];
// vscode-elements' icons find the codicon style sheet by this id.
const SHARED_STYLES = [{ file: 'node_modules/@vscode/codicons/dist/codicon.css', id: 'vscode-codicon-stylesheet' }, { file: 'media/webview/base.css' }];
const SHARED_SCRIPTS = ['node_modules/@vscode-elements/elements/dist/bundled.js'];
/** Messages held for a page that has not said ready; a page that never does keeps only the newest. */
export const MAX_PENDING_MESSAGES = 256;

export interface WebviewPanelOptions<In> {
  viewType: string;
  title: string;
  extensionUri: vscode.Uri;
  /** The panel's own folder under media/ (e.g. `media/imageStudio`), holding its style sheet. */
  mediaFolder: string;
  /** The bundled page script's name: `src/webviews/<script>/main.ts` is built to `dist/webviews/<script>.js`. */
  script: string;
  body: string;
  state: unknown;
  validate: (message: unknown) => Validation<In>;
  log: vscode.LogOutputChannel;
  column?: vscode.ViewColumn;
}

/**
 * A panel and its validated two-way channel. The page announces itself with `{ type: 'ready' }`;
 * messages posted before that wait here, so nothing is lost while the page loads.
 */
export class WebviewChannel<In extends { type: string }, Out> implements vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  private readonly messageEmitter = new vscode.EventEmitter<In>();
  /** Only messages that passed validation arrive here. */
  readonly onMessage = this.messageEmitter.event;
  readonly onDidDispose: vscode.Event<void>;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private dropping = false;
  private pending: (Out | RejectedMessage)[] = [];

  constructor(private readonly options: WebviewPanelOptions<In>) {
    const root = (folder: string) => vscode.Uri.joinPath(options.extensionUri, ...folder.split('/'));
    this.panel = vscode.window.createWebviewPanel(options.viewType, options.title, options.column ?? vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      // The gallery lives in the page: keep it while the tab is in the background.
      retainContextWhenHidden: true,
      localResourceRoots: [...SHARED_ROOTS, options.mediaFolder].map(root),
    });
    this.onDidDispose = this.panel.onDidDispose;
    this.disposables.push(this.messageEmitter, this.panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.panel.onDidDispose(() => {
      this.disposed = true;
      this.pending = [];
      this.disposables.forEach((d) => d.dispose());
    });
    this.render(options.state);
  }

  /** Reloads the page with a fresh nonce. */
  render(state: unknown): void {
    this.ready = false;
    this.dropping = false;
    const webview = this.panel.webview;
    const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.options.extensionUri, ...file.split('/'))).toString();
    webview.html = webviewHtml({
      title: this.options.title,
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      styles: [...SHARED_STYLES, { file: `${this.options.mediaFolder}/${this.options.script}.css` }].map(({ file, id }) => ({ href: uri(file), id })),
      scripts: [...SHARED_SCRIPTS, `dist/webviews/${this.options.script}.js`].map(uri),
      body: this.options.body,
      state,
    });
  }

  /** Results that arrive after the user closed the panel are dropped: there is no one to show them to. */
  post(message: Out | RejectedMessage): void {
    if (this.disposed) return;
    if (!this.ready) {
      this.pending.push(message);
      if (this.pending.length > MAX_PENDING_MESSAGES) {
        this.pending.shift();
        // Once per page load: at the first drop.
        if (!this.dropping) this.options.log.warn(`${this.options.title}: the page has not said it is ready; keeping only its newest ${MAX_PENDING_MESSAGES} messages.`);
        this.dropping = true;
      }
      return;
    }
    this.send(message);
  }

  private send(message: Out | RejectedMessage): void {
    this.panel.webview.postMessage(message).then(undefined, (error: Error) => this.options.log.warn(`${this.options.title}: a message did not reach the page: ${error.message}`));
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    this.panel.dispose();
  }

  private receive(message: unknown): void {
    const checked = this.options.validate(message);
    if (checked.ok) {
      if (checked.value.type === 'ready') {
        this.ready = true;
        for (const queued of this.pending.splice(0)) this.send(queued);
      }
      this.messageEmitter.fire(checked.value);
      return;
    }
    this.options.log.warn(`${this.options.title}: ignored a message from the panel: ${checked.reason}`);
    this.post({ type: 'rejected', reason: checked.reason });
  }
}
