// The hub access token for private and gated repositories: kept in VS Code's SecretStorage (never in a
// settings file), set or removed by a command, and handed to the engine with its settings.
import * as vscode from 'vscode';

const SECRET_KEY = 'genaiStudio.hubToken';

export class HubToken implements vscode.Disposable {
  private value: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the token changes (in this or another window), and once a stored one has been read. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.disposables = [
      this.changed,
      secrets.onDidChange((event) => {
        if (event.key === SECRET_KEY) void this.read();
      }),
      vscode.commands.registerCommand('genaiStudio.setHubToken', (token?: string) => this.set(token)),
    ];
    void this.read();
  }

  get current(): string | undefined {
    return this.value;
  }

  /** Asks for the token (an empty answer removes it); `token` skips the prompt (tests, other extensions). Returns whether one is stored now (read back). */
  private async set(token?: string): Promise<boolean | undefined> {
    const entered =
      token ??
      (await vscode.window.showInputBox({
        title: 'GenAI Studio: Hub Access Token',
        prompt: 'A Hugging Face access token (read) for private and gated models; it is kept in the OS keychain and sent only to genaiStudio.hubEndpoint. Leave empty to remove it.',
        password: true,
        ignoreFocusOut: true,
        placeHolder: 'hf_...',
      }));
    if (entered === undefined) return undefined;
    const trimmed = entered.trim();
    if (trimmed) await this.secrets.store(SECRET_KEY, trimmed);
    else await this.secrets.delete(SECRET_KEY);
    await this.read();
    void vscode.window.showInformationMessage(trimmed ? 'GenAI Studio: the hub access token is set.' : 'GenAI Studio: the hub access token is removed.');
    return this.value !== undefined;
  }

  private async read(): Promise<void> {
    const stored = (await this.secrets.get(SECRET_KEY)) || undefined;
    if (stored === this.value) return;
    this.value = stored;
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
