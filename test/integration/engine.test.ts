// The extension in a real VS Code: lazy engine start, model load shown in the status bar,
// recovery from a killed engine, and no engine left after deactivation.
import * as assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { DeviceCheck } from '../../src/protocol';
import type { GenAIStudioApi } from '../../src/vscode/container';
import { isAlive, waitFor } from '../support/processes';
import { closeEditorsReverting } from './editors';

const EXTENSION_ID = 'genai-studio.genai-studio';

describe('GenAI Studio engine in VS Code', () => {
  let extension: vscode.Extension<GenAIStudioApi>;
  let api: GenAIStudioApi;

  before(async () => {
    extension = vscode.extensions.getExtension<GenAIStudioApi>(EXTENSION_ID)!;
    api = await extension.activate();
  });

  it('activates without starting the engine or loading a model', () => {
    assert.ok(extension.isActive);
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activation took ${api.activationMs} ms`);
    // bench:startup collects this figure over several VS Code starts.
    if (process.env.GENAI_BENCH_ACTIVATION_FILE) appendFileSync(process.env.GENAI_BENCH_ACTIVATION_FILE, `${api.activationMs}\n`);
    assert.equal(api.enginePid(), undefined);
    assert.equal(api.status().engine, 'stopped');
    assert.equal(api.status().model, undefined);
    assert.match(api.status().text, /GenAI/);
  });

  it('contributes every command it registers', async () => {
    const contributed = (extension.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of contributed) assert.ok(registered.has(command), `${command} is contributed but not registered`);
  });

  it('starts the engine and loads the model on the first request; the status bar says where it runs', async () => {
    const loaded = await vscode.commands.executeCommand<boolean>('genaiStudio.loadModel');
    assert.equal(loaded, true);
    const pid = api.enginePid();
    assert.ok(pid && isAlive(pid), 'the engine process runs');
    const status = api.status();
    assert.equal(status.engine, 'running');
    assert.equal(status.model?.state, 'ready');
    assert.equal(status.model?.device, 'cpu');
    assert.match(status.text, /genai-code-tiny · CPU/);
    assert.match(status.tooltip, /genai-code-tiny is ready on CPU/);
  });

  it('recovers when the engine process is killed: the next request succeeds after a restart', async () => {
    const pid = api.enginePid()!;
    process.kill(pid, 'SIGKILL');
    assert.ok(await waitFor(() => api.status().engine !== 'running', 5000), 'the status bar notices the engine stopped');
    const loaded = await vscode.commands.executeCommand<boolean>('genaiStudio.loadModel');
    assert.equal(loaded, true);
    assert.notEqual(api.enginePid(), pid);
    assert.match(api.status().text, /genai-code-tiny · CPU/);
  });

  it('shows a clear error and keeps working when the model setting is wrong', async () => {
    const config = vscode.workspace.getConfiguration('genaiStudio');
    await config.update('completion.model', '/nonexistent/model-folder', vscode.ConfigurationTarget.Global);
    try {
      const loaded = await vscode.commands.executeCommand<boolean>('genaiStudio.loadModel');
      assert.equal(loaded, false);
      assert.equal(api.status().model?.state, 'failed');
      assert.match(api.status().tooltip, /\/nonexistent\/model-folder does not exist/);
    } finally {
      await config.update('completion.model', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(await vscode.commands.executeCommand<boolean>('genaiStudio.loadModel'), true);
  });

  it('applies a device setting change without a reload, with the reason for CPU', async () => {
    const config = vscode.workspace.getConfiguration('genaiStudio');
    await config.update('device', 'cuda', vscode.ConfigurationTarget.Global);
    try {
      assert.equal(await vscode.commands.executeCommand<boolean>('genaiStudio.loadModel'), true);
      assert.equal(api.status().model?.device, 'cpu');
      assert.match(api.status().model?.fallbackReason ?? '', /CUDA/);
      assert.match(api.status().tooltip, /Running on CPU because CUDA/);
    } finally {
      await config.update('device', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Choose Model writes the model of a role to the user settings, and refuses what is not a model', async () => {
    const config = () => vscode.workspace.getConfiguration('genaiStudio');
    try {
      const chosen = await vscode.commands.executeCommand<string>('genaiStudio.chooseModel', { role: 'text', model: 'onnx-community/Qwen2.5-0.5B-Instruct@main' });
      assert.equal(chosen, 'onnx-community/Qwen2.5-0.5B-Instruct@main');
      assert.equal(config().inspect('text.model')?.globalValue, chosen);
      assert.equal(await vscode.commands.executeCommand('genaiStudio.chooseModel', { role: 'text', model: 'not a model!' }), undefined);
      assert.equal(config().get('text.model'), chosen, 'a refused choice changes nothing');
    } finally {
      await config().update('text.model', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Manage Downloaded Models lists the hub cache and refuses to delete what is not in it', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('genaiStudio.manageModels', { delete: 'nobody/nothing' }), undefined);
    assert.deepEqual(await vscode.commands.executeCommand('genaiStudio.manageModels', { delete: '../../..' }), undefined);
  });

  it('keeps the hub access token in SecretStorage: set, then removed by an empty answer', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('genaiStudio.setHubToken', 'hf_integration'), true);
    assert.equal(await vscode.commands.executeCommand<boolean>('genaiStudio.setHubToken', ''), false);
  });

  it('Check GPU Support tries every provider and opens a report that says what each needs', async () => {
    const checks = await vscode.commands.executeCommand<DeviceCheck[]>('genaiStudio.checkGpu');
    assert.deepEqual(checks.map((c) => c.device), ['cpu', 'webgpu', 'cuda', 'dml', 'coreml']);
    assert.equal(checks[0].works, true);
    const report = vscode.window.activeTextEditor?.document;
    assert.equal(report?.languageId, 'markdown');
    assert.match(report.getText(), /# GenAI Studio: GPU support/);
    assert.match(report.getText(), /\| DirectML \| not tried \|.*only on Windows/);
    await closeEditorsReverting();
  });
});
