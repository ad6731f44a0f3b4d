// The "Generative AI, step by step" walkthrough in a real VS Code: every command its steps run is
// registered in the extension host, and its own actions open what they promise without touching files.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeEditorsReverting } from './editors';
import { webviewTabs, whenTabs } from './webviewTabs';

const EXTENSION_ID = 'genai-studio.genai-studio';

interface Step {
  id: string;
  description: string;
  completionEvents: string[];
}

describe('walkthrough "Generative AI, step by step"', () => {
  let steps: Step[];
  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    steps = extension.packageJSON.contributes.walkthroughs.find((w: { id: string }) => w.id === 'genaiStudio.generativeAI').steps;
  });
  afterEach(async () => {
    await closeEditorsReverting();
  });

  const usedCommands = () =>
    new Set(
      steps.flatMap((s) => [
        ...[...s.description.matchAll(/\]\(command:([\w.-]+)/g)].map((m) => m[1]),
        ...s.completionEvents.filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)),
      ]),
    );

  it('runs only commands that the extension host has registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const used = usedCommands();
    assert.ok(used.size >= 8);
    assert.ok(used.has('genaiStudio.openPlayground'), 'the model-family steps open the Model Playground');
    for (const id of used) assert.ok(registered.has(id), `${id} is not registered`);
  });

  it('"Try Inline Completion" opens an unsaved TypeScript sample with the cursor inside the function', async () => {
    const editor = (await vscode.commands.executeCommand('genaiStudio.walkthrough.tryCompletion')) as vscode.TextEditor;
    assert.equal(vscode.window.activeTextEditor, editor);
    assert.equal(editor.document.isUntitled, true, 'no file is created or changed');
    assert.equal(editor.document.languageId, 'typescript');
    const line = editor.document.lineAt(editor.selection.active.line);
    assert.ok(editor.selection.isEmpty);
    assert.equal(line.text, '  ', 'the cursor is on the indented empty line of the function body');
    assert.equal(editor.selection.active.character, 2);
    assert.match(editor.document.lineAt(line.lineNumber - 1).text, /const dx = b\.x - a\.x;/);
    assert.equal(editor.document.lineAt(line.lineNumber + 1).text, '}', 'a suffix follows, so fill-in-the-middle applies');
  });

  it('"See How the Code Model Was Trained" previews the shipped model card', async () => {
    await vscode.commands.executeCommand('genaiStudio.walkthrough.showTraining');
    const previews = () => webviewTabs('markdown.preview');
    await whenTabs(() => previews().length > 0, 15_000);
    const [tab] = previews();
    assert.ok(tab, 'a markdown preview opened');
    assert.match(tab.label, /MODEL_CARD/);
    await vscode.window.tabGroups.close(tab);
  });
});
