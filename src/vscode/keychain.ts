// Access secrets: the hub token (private and gated repositories) and each inference server's API key.
// They live in VS Code's SecretStorage (the OS keychain), never in a settings file; commands set or
// remove them, and the engine gets them with its settings. Start-up reads only the secrets stored
// before (their names are kept in global state), so users without any never touch the keychain.
import * as vscode from 'vscode';

const STORED = 'genaiStudio.storedSecrets';
const PREFIX = 'genaiStudio.secret.';

/** The hub token's id; a server's key is `serverKeyId(name)`. */
export const HUB_TOKEN = 'hubToken';
export function serverKeyId(name: string): string {
  return `server.${name}`;
}

export class Keychain implements vscode.Disposable {
  private readonly values = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the id of a secret that changed (in this or another window), or was read at start. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key.startsWith(PREFIX)) void this.read(event.key.slice(PREFIX.length));
    });
    for (const id of this.storedIds()) void this.read(id);
  }

  get(id: string): string | undefined {
    return this.values.get(id);
  }

  /** Stores `value`, or removes the secret when it is empty; resolves once the new value is in effect. */
  async store(id: string, value: string): Promise<void> {
    const trimmed = value.trim();
    if (trimmed) await this.secrets.store(PREFIX + id, trimmed);
    else await this.secrets.delete(PREFIX + id);
    const others = this.storedIds().filter((stored) => stored !== id);
    await this.state.update(STORED, trimmed ? [...others, id] : others);
    await this.read(id);
  }

  private storedIds(): string[] {
    return this.state.get<string[]>(STORED, []);
  }

  private async read(id: string): Promise<void> {
    const value = (await this.secrets.get(PREFIX + id)) || undefined;
    if (value === this.values.get(id)) return;
    if (value) this.values.set(id, value);
    else this.values.delete(id);
    this.changed.fire(id);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
