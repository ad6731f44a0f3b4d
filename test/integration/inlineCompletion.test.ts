// Inline completion in a real VS Code: the provider asks the engine's shipped model, a newer
// keystroke cancels the running request inside the engine, and languages can be switched off.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GenAIStudioApi } from '../../src/vscode/container';

const EXTENSION_ID = 'genai-studio.genai-studio';

function workspaceDir(): string {
  return process.env.GENAI_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function context(triggerKind: vscode.InlineCompletionTriggerKind): vscode.InlineCompletionContext {
  return { triggerKind, selectedCompletionInfo: undefined };
}

describe('inline completion in VS Code', () => {
  let api: GenAIStudioApi;
  let document: vscode.TextDocument;
  let position: vscode.Position;

  before(async () => {
    api = await vscode.extensions.getExtension<GenAIStudioApi>(EXTENSION_ID)!.activate();
    document = await vscode.workspace.openTextDocument(join(workspaceDir(), 'src', 'math.ts'));
    await vscode.window.showTextDocument(document);
    const marker = 'return n < 2 ? n : ';
    position = document.positionAt(document.getText().indexOf(marker) + marker.length);
  });

  afterEach(async () => {
    await vscode.workspace.getConfiguration('genaiStudio').update('completion.languages', undefined, vscode.ConfigurationTarget.Global);
  });

  it('returns a suggestion produced by the shipped model through the engine', async () => {
    const source = new vscode.CancellationTokenSource();
    const items = await api.completion.provideInlineCompletionItems(document, position, context(vscode.InlineCompletionTriggerKind.Invoke), source.token);
    const result = api.completion.lastResult;
    assert.ok(result, 'the engine answered');
    assert.equal(result.fimFormat, 'genai-code-tiny');
    assert.ok(result.generatedTokens > 0);
    if (result.text) {
      assert.equal(items?.[0].insertText, result.text);
      assert.deepEqual(items?.[0].range, new vscode.Range(position, position));
    } else {
      assert.equal(items, undefined, 'nothing is shown when post-processing leaves nothing');
    }
    assert.match(api.status().text, /genai-code-tiny · CPU \d+ ms/, 'the status bar shows the latency');
  });

  it('asks a newly chosen model instead of answering from the cache of the one before', async () => {
    const invoke = () => api.completion.provideInlineCompletionItems(document, position, context(vscode.InlineCompletionTriggerKind.Invoke), new vscode.CancellationTokenSource().token);
    await invoke();
    const answered = api.completion.lastResult;
    await invoke();
    assert.equal(api.completion.lastResult, answered, 'the same model at the same place answers from the cache');
    const config = vscode.workspace.getConfiguration('genaiStudio');
    const sameWeightsElsewhere = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath, 'models', 'genai-code-tiny');
    await config.update('completion.model', sameWeightsElsewhere, vscode.ConfigurationTarget.Global);
    try {
      await invoke();
      assert.notEqual(api.completion.lastResult, answered, 'the new model was asked');
    } finally {
      await config.update('completion.model', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a newer keystroke cancels the request inside the engine: the engine stops it instead of answering', async () => {
    // A model the engine has not loaded yet (a copy of the shipped one), so the request is in the engine,
    // waiting for the load, when the keystroke comes: the state the test waits for, not a time.
    const copy = join(mkdtempSync(join(tmpdir(), 'genai-cancel-')), 'genai-code-tiny');
    cpSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath, 'models', 'genai-code-tiny'), copy, { recursive: true });
    const config = vscode.workspace.getConfiguration('genaiStudio');
    await config.update('completion.model', copy, vscode.ConfigurationTarget.Global);
    try {
      const before = api.completion.lastResult;
      const keystroke = new vscode.CancellationTokenSource();
      const pending = api.completion.provideInlineCompletionItems(document, position, context(vscode.InlineCompletionTriggerKind.Invoke), keystroke.token);
      while (api.status().model?.model !== copy || api.status().model?.state !== 'loading') await new Promise((r) => setTimeout(r, 5));
      keystroke.cancel();
      assert.equal(await pending, undefined, 'a cancelled request shows nothing');
      // Had the cancel not reached the engine, it would have answered once the model loaded.
      assert.equal(api.completion.lastResult, before, 'the engine answered the request as cancelled, without a suggestion');
      // The model is still usable: the next request is answered.
      await api.completion.provideInlineCompletionItems(document, position, context(vscode.InlineCompletionTriggerKind.Invoke), new vscode.CancellationTokenSource().token);
      assert.notEqual(api.completion.lastResult, before);
    } finally {
      await config.update('completion.model', undefined, vscode.ConfigurationTarget.Global);
      rmSync(join(copy, '..'), { recursive: true, force: true });
    }
  });

  it('reads the prompt of a file that becomes active before its first keystroke there', async () => {
    // The engine runs: the tests above started it. The other file opens with the cursor where typing goes.
    await api.completion.provideInlineCompletionItems(document, position, context(vscode.InlineCompletionTriggerKind.Invoke), new vscode.CancellationTokenSource().token);
    const other = await vscode.workspace.openTextDocument(join(workspaceDir(), 'src', 'index.ts'));
    const at = other.positionAt(other.getText().indexOf('\n', other.getText().length >> 1));
    const warmedBefore = api.completion.warmed;
    await vscode.window.showTextDocument(other, { selection: new vscode.Range(at, at) });
    while (api.completion.warmed === warmedBefore) await new Promise((r) => setTimeout(r, 5));
    try {
      await api.completion.provideInlineCompletionItems(other, at, context(vscode.InlineCompletionTriggerKind.Invoke), new vscode.CancellationTokenSource().token);
      const result = api.completion.lastResult!;
      assert.ok(result.promptTokens > 20, `${result.promptTokens} prompt tokens`);
      assert.equal(result.reusedPromptTokens, result.promptTokens - 1, 'all of the prompt but its last token was read ahead');
    } finally {
      await vscode.window.showTextDocument(document);
    }
  });

  it('does not ask the model for a language that is switched off', async () => {
    await vscode.workspace.getConfiguration('genaiStudio').update('completion.languages', { '*': true, typescript: false }, vscode.ConfigurationTarget.Global);
    const before = api.completion.lastResult;
    const items = await api.completion.provideInlineCompletionItems(document, position, context(vscode.InlineCompletionTriggerKind.Automatic), new vscode.CancellationTokenSource().token);
    assert.equal(items, undefined);
    assert.equal(api.completion.lastResult, before, 'no request reached the engine');
  });
});
