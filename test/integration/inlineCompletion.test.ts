// Inline completion in a real VS Code: the provider asks the engine's shipped model, a newer
// keystroke cancels the running request inside the engine, and languages can be switched off.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GenAIStudioApi } from '../../src/vscode/container';
import { openUntitled } from '../../src/vscode/untitledDocument';

const EXTENSION_ID = 'genai-studio.genai-studio';

function context(triggerKind: vscode.InlineCompletionTriggerKind): vscode.InlineCompletionContext {
  return { triggerKind, selectedCompletionInfo: undefined };
}

describe('inline completion in VS Code', () => {
  let api: GenAIStudioApi;
  let document: vscode.TextDocument;
  let position: vscode.Position;

  before(async () => {
    api = await vscode.extensions.getExtension<GenAIStudioApi>(EXTENSION_ID)!.activate();
    const workspace = process.env.GENAI_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0].uri.fsPath;
    document = await vscode.workspace.openTextDocument(join(workspace, 'src', 'math.ts'));
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

  it('cancels a running request inside the engine when the next keystroke comes', async () => {
    // A long suggestion at a block opening, so the first request is still generating when cancelled.
    const config = vscode.workspace.getConfiguration('genaiStudio');
    await config.update('completion.maxTokens', 256, vscode.ConfigurationTarget.Global);
    try {
      // At a block opening with nothing after it the suggestion may be many lines long. What the model
      // writes depends on the snippets other suites left open, so several openings are tried, and the
      // model may finish a short suggestion before the keystroke lands: cancel sooner until one is caught mid-way.
      const openings = ['export function main(args: string[]): number {\n', '/**\n * Parses the arguments.\n', 'export class Parser {\n  constructor(private readonly text: string) {\n'];
      let caught = false;
      const seen: string[] = [];
      for (const content of openings) {
        const untitled = await openUntitled('typescript', content);
        const blockOpening = untitled.positionAt(untitled.getText().length);
        for (const delayMs of [40, 20, 10, 5, 2]) {
          const keystroke = new vscode.CancellationTokenSource();
          const pending = api.completion.provideInlineCompletionItems(untitled, blockOpening, context(vscode.InlineCompletionTriggerKind.Invoke), keystroke.token);
          await new Promise((r) => setTimeout(r, delayMs));
          keystroke.cancel();
          assert.equal(await pending, undefined, 'a cancelled request shows nothing');
          const last = api.completion.lastResult;
          seen.push(`${last?.finishReason}/${last?.shape}/${last?.generatedTokens}`);
          if (last?.finishReason === 'cancelled') {
            caught = true;
            assert.ok(last.generatedTokens < 256);
            break;
          }
        }
        if (caught) break;
      }
      assert.ok(caught, `a request was cancelled inside the engine while it generated (seen: ${seen.join(', ')})`);
    } finally {
      await config.update('completion.maxTokens', undefined, vscode.ConfigurationTarget.Global);
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
