// The Model Playground in a real VS Code: the command opens one panel (reused, on the demo it names),
// and an unknown demo name falls back to the VAE instead of failing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { webviewTabs, whenTabs } from './webviewTabs';

const EXTENSION_ID = 'genai-studio.genai-studio';

const playgroundTabs = () => webviewTabs('genaiStudio.playground');

describe('Model Playground', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('genaiStudio.openPlayground opens the panel, and opening another demo reuses it', async () => {
    await vscode.commands.executeCommand('genaiStudio.openPlayground', 'gan');
    await whenTabs(() => playgroundTabs().length === 1);
    assert.equal(playgroundTabs()[0].label, 'Model Playground');
    await vscode.commands.executeCommand('genaiStudio.openPlayground', 'transformer');
    await vscode.commands.executeCommand('genaiStudio.openPlayground', 'not-a-demo');
    await vscode.commands.executeCommand('genaiStudio.openPlayground');
    await whenTabs(() => playgroundTabs()[0]?.isActive === true);
    assert.equal(playgroundTabs().length, 1, 'one panel, revealed again');
  });
});
