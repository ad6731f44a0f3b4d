// The hub access token for private and gated repositories: kept in VS Code's SecretStorage (never in a
// settings file), set or removed by a command, and handed to the engine with its settings.
import * as vscode from 'vscode';

const SECRET_KEY = 'genaiStudio.hubToken';
/** Kept beside the secret so that start-up touches the OS keychain only for users who stored a token. */
const STORED_FLAG = 'genaiStudio.hubTokenStored';

export class HubToken implements vscode.Disposable {
  private value: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the token changes (in this or another window), and once a stored one has been read. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {
    this.disposables = [
      this.changed,
      secrets.onDidChange((event) => {
        // A change made in another window: read it, whether or not this window has seen the flag yet.
        if (event.key === SECRET_KEY) void this.read(true);
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
    await this.state.update(STORED_FLAG, Boolean(trimmed));
    await this.read(true);
    void vscode.window.showInformationMessage(trimmed ? 'GenAI Studio: the hub access token is set.' : 'GenAI Studio: the hub access token is removed.');
    return this.value !== undefined;
  }

  private async read(changed = false): Promise<void> {
    const stored = changed || this.state.get<boolean>(STORED_FLAG) ? (await this.secrets.get(SECRET_KEY)) || undefined : undefined;
    if (stored === this.value) return;
    this.value = stored;
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
