// Set Hub Access Token... and Set Server API Key...: the keychain's two commands. Each takes its value
// as an argument too (tests, other extensions) and returns whether a secret is stored now.
import * as vscode from 'vscode';
import { HUB_TOKEN, serverKeyId, type Keychain } from './keychain';
import { SECTION } from './settings';

export function registerKeychainCommands(keychain: Keychain): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('genaiStudio.setHubToken', async (token?: string) => {
      const entered = token ?? (await askSecret('GenAI Studio: Hub Access Token', 'A Hugging Face access token (read) for private and gated models; it is kept in the OS keychain and sent only to genaiStudio.hubEndpoint. Leave empty to remove it.', 'hf_...'));
      return entered === undefined ? undefined : stored(keychain, HUB_TOKEN, entered, 'the hub access token');
    }),
    vscode.commands.registerCommand('genaiStudio.setServerApiKey', async (name?: string, key?: string) => {
      const server = name ?? (await pickServer());
      if (server === undefined) return undefined;
      const entered = key ?? (await askSecret(`GenAI Studio: API Key for ${server}`, `The API key of the server "${server}" (genaiStudio.remotes); it is kept in the OS keychain and sent only to that server's URL. Leave empty to remove it.`));
      return entered === undefined ? undefined : stored(keychain, serverKeyId(server), entered, `the API key of ${server}`);
    }),
  ];
}

async function stored(keychain: Keychain, id: string, value: string, what: string): Promise<boolean> {
  await keychain.store(id, value);
  const present = keychain.get(id) !== undefined;
  void vscode.window.showInformationMessage(`GenAI Studio: ${what} is ${present ? 'set' : 'removed'}.`);
  return present;
}

function askSecret(title: string, prompt: string, placeHolder?: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, placeHolder, password: true, ignoreFocusOut: true });
}

async function pickServer(): Promise<string | undefined> {
  const remotes = vscode.workspace.getConfiguration(SECTION).get<unknown[]>('remotes', []);
  const names = remotes.map((r) => (typeof r === 'object' && r && 'name' in r ? String((r as { name: unknown }).name) : '')).filter(Boolean);
  if (names.length === 0) {
    const open = 'Open Settings';
    if ((await vscode.window.showWarningMessage('GenAI Studio: no server is configured. Add one to genaiStudio.remotes first (name, url, api, model).', open)) === open) {
      void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.remotes`);
    }
    return undefined;
  }
  return vscode.window.showQuickPick(names, { title: 'GenAI Studio: which server is the API key for?' });
}
