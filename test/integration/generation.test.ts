// Generate Text, templates and Ask the Workspace in a real VS Code: each command runs end to end
// against the engine and opens its document; citations open the right file at the right line.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AskRun } from '../../src/vscode/generation/askCommands';
import { DocumentStream } from '../../src/vscode/generation/documentStream';
import type { GenerationRun } from '../../src/vscode/generation/textCommands';
import { openUntitled } from '../../src/vscode/untitledDocument';
import { closeEditorsReverting } from './editors';

const EXTENSION_ID = 'genai-studio.genai-studio';

function workspaceRoot(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function openDocuments(): string[] {
  return vscode.workspace.textDocuments.map((d) => d.uri.toString());
}

/** Follows a document link the way a click does (markdown links may be wrapped in a command). */
async function follow(target: vscode.Uri): Promise<void> {
  if (target.scheme === 'command') {
    const args = target.query ? JSON.parse(decodeURIComponent(target.query)) : [];
    await vscode.commands.executeCommand(target.path, ...(Array.isArray(args) ? args : [args]));
  } else {
    await vscode.commands.executeCommand('vscode.open', target);
  }
}

describe('GenAI Studio generation commands', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });
  afterEach(async () => {
    // Generated documents are untitled and dirty: revert them so closing asks nothing.
    await closeEditorsReverting();
  });

  it('Show Sources lists the passages best first without generating', async () => {
    const run = await vscode.commands.executeCommand<AskRun>('genaiStudio.showSources', { question: 'How is the mean of an empty list handled?' });
    assert.ok(run, 'the command returns its result');
    assert.equal(run.sources[0].path, 'py/stats.py');
    assert.equal(run.answer, undefined);
    const document = vscode.window.activeTextEditor!.document;
    assert.equal(document.uri.toString(), run.uri);
    assert.equal(document.languageId, 'markdown');
    assert.match(document.getText(), /^# Sources for: How is the mean of an empty list handled\?/);
    assert.match(document.getText(), /raise ValueError\("mean of an empty list"\)/);
  });

  it('Ask the Workspace answers in a Markdown document whose citations open the right file and line', async () => {
    const run = await vscode.commands.executeCommand<AskRun>('genaiStudio.askWorkspace', { question: 'How is the mean of an empty list handled?' });
    assert.ok(run);
    const document = vscode.window.activeTextEditor!.document;
    assert.equal(document.uri.toString(), run.uri);
    const text = document.getText();
    assert.match(text, /## Sources\n\n1\. \[py\/stats\.py:\d+-\d+\]\(file:\/\/\//);
    assert.match(text, /## Answer\n/);
    assert.match(text, /sources fit in .*'s context \(plain prompt(; stopped where the model began repeating itself)?\)/);
    assert.ok(text.includes(run.answer!.split('[')[0]), 'the streamed answer is in the document');

    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri);
    const first = run.sources[0];
    // Whichever link provider finds it (Markdown's or the editor's URL detection), the first source's link is clickable.
    const expected = `${vscode.Uri.file(join(workspaceRoot(), first.path)).toString()}#L${first.startLine}`;
    const link = links.find((l) => l.target && decodeURIComponent(l.target.toString()) === decodeURIComponent(expected));
    assert.ok(link?.target, `a link to ${expected} among ${links.map((l) => l.target?.toString()).join(', ')}`);
    await follow(link.target);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, join(workspaceRoot(), 'py', 'stats.py'));
    assert.equal(editor.selection.active.line, first.startLine - 1, 'the citation opens at its first line');
  });

  it('Ask the Workspace with a question nothing matches says so and opens nothing', async () => {
    const before = openDocuments();
    const run = await vscode.commands.executeCommand<AskRun | undefined>('genaiStudio.askWorkspace', { question: 'zzqx wwvy' });
    assert.equal(run, undefined);
    assert.deepEqual(openDocuments(), before, 'no document was opened');
  });

  it('Generate Text streams into a new editor and names the model', async () => {
    const run = await vscode.commands.executeCommand<GenerationRun>('genaiStudio.generateText', { prompt: 'def add(a, b):\n', output: 'newEditor' });
    assert.ok(run);
    const document = vscode.window.activeTextEditor!.document;
    assert.equal(document.uri.toString(), run.uri);
    assert.equal(document.getText(), run.text, 'the document holds exactly the streamed text');
    assert.match(run.model, /genai-code-tiny/);
    assert.equal(run.promptFormat, 'plain');
  });

  it('Generate Text stops where the model loops and leaves no repeats in the document', async () => {
    const config = vscode.workspace.getConfiguration('genaiStudio.text');
    await config.update('temperature', 0, vscode.ConfigurationTarget.Global);
    try {
      // Greedy decoding of the shipped model continues this with " + 1" until the token limit.
      const run = await vscode.commands.executeCommand<GenerationRun>('genaiStudio.generateText', { prompt: 'x = 1 + 1 + 1', output: 'newEditor' });
      assert.ok(run);
      assert.equal(run.finishReason, 'loop');
      const document = vscode.window.activeTextEditor!.document;
      assert.equal(document.uri.toString(), run.uri);
      assert.equal(document.getText(), run.text, 'the streamed repeats were cut from the document');
      assert.ok(!/(\+ 1 ){3}/.test(document.getText()), JSON.stringify(document.getText()));
    } finally {
      await config.update('temperature', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('closing the document being written stops the generation feeding it and says why', async () => {
    const document = await openUntitled('markdown', '');
    await vscode.window.showTextDocument(document);
    const stream = new DocumentStream(document, new vscode.Position(0, 0));
    let stopped = false;
    await assert.rejects(
      stream.feed(new vscode.CancellationTokenSource().token, async (write, token) => {
        // The user sees the first words, then closes the editor.
        const shown = new Promise<void>((resolve) => {
          const watch = vscode.workspace.onDidChangeTextDocument((e) => {
            if (e.document === document && document.getText().includes('first words')) resolve(watch.dispose());
          });
        });
        write('The first words of a long answer');
        await shown;
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await new Promise<void>((resolve) => token.onCancellationRequested(() => resolve()));
        stopped = true;
        throw new Error('cancelled');
      }),
      /The generated document was closed, so the generation was stopped/,
    );
    assert.ok(stopped, 'the generation was told to stop');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === document.uri.toString() && !d.isClosed), 'no document was brought back to hold the rest');
  });

  it('Generate Text at the cursor inserts after the selection and keeps the user\'s text', async () => {
    const document = await openUntitled('plaintext', 'def add(a, b):\n    return');
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 1, 10);
    const run = await vscode.commands.executeCommand<GenerationRun>('genaiStudio.generateText', { output: 'cursor' });
    assert.ok(run);
    assert.equal(document.getText(), `def add(a, b):\n    return${run.text}`);
  });

  it('Generate with Template previews a workspace template exactly and refuses a broken one', async () => {
    const prompts = join(workspaceRoot(), '.genai', 'prompts');
    mkdirSync(prompts, { recursive: true });
    writeFileSync(join(prompts, 'review.md'), '---\nname: Review\nstrategy: zero-shot\n---\nReview this code:\n{{input}}\nReview:');
    writeFileSync(join(prompts, 'broken.md'), 'Review {{inptu}}');
    try {
      const preview = await vscode.commands.executeCommand<{ previewUri: string }>('genaiStudio.generateWithTemplate', { template: 'Review', input: 'x = 1', action: 'preview' });
      const document = vscode.window.activeTextEditor!.document;
      assert.equal(document.uri.toString(), preview.previewUri);
      assert.equal(document.getText(), 'Review this code:\nx = 1\nReview:');

      const before = openDocuments();
      const broken = await vscode.commands.executeCommand('genaiStudio.generateWithTemplate', { template: 'broken', input: 'x', action: 'run' });
      assert.equal(broken, undefined);
      assert.deepEqual(openDocuments(), before, 'nothing was generated or opened');

      const run = await vscode.commands.executeCommand<GenerationRun>('genaiStudio.generateWithTemplate', { template: 'chain-of-thought', input: 'What is 2 + 3?', action: 'run', output: 'newEditor' });
      assert.equal(vscode.window.activeTextEditor!.document.getText(), run.text);
    } finally {
      rmSync(join(workspaceRoot(), '.genai'), { recursive: true, force: true });
    }
  });
});
