// Runs after the other suites (index.ts puts it last): deactivation must leave no engine process.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenAIStudioApi } from '../../src/vscode/container';
import { isAlive, waitFor } from '../support/processes';

describe('GenAI Studio shutdown', () => {
  it('stops the engine process when the extension deactivates', async () => {
    const extension = vscode.extensions.getExtension<GenAIStudioApi>('genai-studio.genai-studio')!;
    const api = await extension.activate();
    await vscode.commands.executeCommand('genaiStudio.loadModel');
    const pid = api.enginePid()!;
    assert.ok(isAlive(pid));
    // The same module instance VS Code activated: its deactivate() is what VS Code calls on shutdown.
    const main = require(`${extension.extensionPath}/dist/extension.js`) as { deactivate(): Promise<void> };
    await main.deactivate();
    assert.ok(await waitFor(() => !isAlive(pid), 5000), `engine ${pid} still runs after deactivate`);
  });
});
