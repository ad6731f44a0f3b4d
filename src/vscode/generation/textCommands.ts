// "Generate Text..." and "Generate with Template...": a prompt (typed, selected, or a filled template)
// streamed into a new editor or at the cursor.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { EngineProcess } from '../../client/engineProcess';
import { builtinTemplates, fillTemplate, parseTemplate, type PromptTemplate } from '../../core/templates';
import type { FinishReason, PromptFormat } from '../../protocol';
import { openUntitled } from '../untitledDocument';
import { reportDone, reportFailure, withCancellableProgress } from './feedback';
import { DocumentStream } from './documentStream';
import { templatesFolder, textSettings, type TextOutput } from './generationSettings';

export interface TextCommandDeps {
  engine: () => EngineProcess;
  log: vscode.LogOutputChannel;
}

/** What a generation command returns (for tests and other extensions). */
export interface GenerationRun {
  uri: string;
  text: string;
  model: string;
  promptFormat: PromptFormat;
  finishReason: FinishReason;
}

export interface GenerateTextArgs {
  prompt?: string;
  output?: TextOutput;
}

export interface TemplateArgs {
  /** A template's name or strategy. */
  template?: string;
  input?: string;
  action?: 'run' | 'preview';
  output?: TextOutput;
}

export function registerTextCommands(deps: TextCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('genaiStudio.generateText', (args?: GenerateTextArgs) => generateText(deps, args)),
    vscode.commands.registerCommand('genaiStudio.generateWithTemplate', (args?: TemplateArgs) => generateWithTemplate(deps, args)),
  ];
}

async function generateText(deps: TextCommandDeps, args: GenerateTextArgs = {}): Promise<GenerationRun | undefined> {
  const prompt = args.prompt ?? (await askForInput('Generate Text', `The prompt for ${textSettings().model} (or select text first)`));
  if (prompt === undefined) return undefined;
  if (!prompt.trim()) {
    reportFailure(deps.log, 'Generate Text', new Error('The prompt is empty: type a prompt, or select text and run the command again.'));
    return undefined;
  }
  return runGeneration(deps, prompt, args.output);
}

async function generateWithTemplate(deps: TextCommandDeps, args: TemplateArgs = {}): Promise<GenerationRun | { previewUri: string } | undefined> {
  try {
    const template = await chooseTemplate(args.template);
    if (!template) return undefined;
    const input = args.input ?? (await askForInput(template.name, `The input for ${template.name} (${template.strategy}), or select text first`));
    if (input === undefined) return undefined;
    const prompt = fillTemplate(template, input);
    const action = args.action ?? (await chooseAction());
    if (!action) return undefined;
    if (action === 'run') return await runGeneration(deps, prompt, args.output);
    const preview = await openUntitled('markdown', prompt);
    await vscode.window.showTextDocument(preview, { preview: false });
    void vscode.window.showInformationMessage(`GenAI Studio: the filled "${template.name}" prompt. Run it with ${textSettings().model}?`, 'Run').then((choice) => {
      if (choice) void runGeneration(deps, prompt, args.output);
    });
    return { previewUri: preview.uri.toString() };
  } catch (error) {
    reportFailure(deps.log, 'Generate with Template', error);
    return undefined;
  }
}

/** The selection if there is one, else an input box; undefined when the user dismissed it. */
async function askForInput(title: string, prompt: string): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (editor && !editor.selection.isEmpty) return editor.document.getText(editor.selection);
  return vscode.window.showInputBox({ title: `GenAI Studio: ${title}`, prompt, ignoreFocusOut: true });
}

async function chooseAction(): Promise<'run' | 'preview' | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(play) Run', action: 'run' as const },
      { label: '$(eye) Preview the Filled Prompt', action: 'preview' as const },
    ],
    { title: 'GenAI Studio: Generate with Template' },
  );
  return picked?.action;
}

/** Built-in templates and the workspace's; a broken workspace template is listed with its error. */
async function chooseTemplate(wanted: string | undefined): Promise<PromptTemplate | undefined> {
  const restricted = !vscode.workspace.isTrusted;
  const { templates, broken } = restricted ? { templates: [], broken: [] } : await workspaceTemplates();
  const all = [...builtinTemplates(), ...templates];
  const restrictedNote = `GenAI Studio runs no prompt template of an untrusted workspace (${templatesFolder()}/*.md). Trust the workspace to use them (Workspaces: Manage Workspace Trust).`;
  if (wanted !== undefined) {
    const found = all.find((t) => t.name === wanted || (t.source === 'built-in' && t.strategy === wanted));
    if (found) return found;
    const error = broken.find((b) => b.name === wanted);
    if (error) throw error.error;
    throw new Error(`There is no template "${wanted}". Built-in: ${builtinTemplates().map((t) => t.strategy).join(', ')}; ${restricted ? restrictedNote : `workspace templates live in ${templatesFolder()}/*.md.`}`);
  }
  const items = [
    ...all.map((t) => ({ label: t.name, description: t.strategy, detail: `${t.description}${t.source === 'built-in' ? '' : ` (${t.source})`}`, template: t as PromptTemplate | undefined, error: undefined as Error | undefined })),
    ...broken.map((b) => ({ label: `$(error) ${b.name}`, description: 'cannot be used', detail: b.error.message, template: undefined, error: b.error })),
    ...(restricted ? [{ label: '$(shield) Workspace templates are off', description: 'Restricted Mode', detail: restrictedNote, template: undefined, error: new Error(restrictedNote) }] : []),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'GenAI Studio: Generate with Template', placeHolder: `Zero-shot, few-shot, chain-of-thought, or your team's templates in ${templatesFolder()}/` });
  if (picked?.error) throw picked.error;
  return picked?.template;
}

async function workspaceTemplates(): Promise<{ templates: PromptTemplate[]; broken: { name: string; error: Error }[] }> {
  const templates: PromptTemplate[] = [];
  const broken: { name: string; error: Error }[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const dir = vscode.Uri.joinPath(folder.uri, templatesFolder());
    const entries = await Promise.resolve(vscode.workspace.fs.readDirectory(dir)).catch(() => []);
    for (const [name, type] of entries) {
      if (type !== vscode.FileType.File || !name.endsWith('.md')) continue;
      const uri = vscode.Uri.joinPath(dir, name);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      try {
        templates.push(parseTemplate(text, vscode.workspace.asRelativePath(uri), name.replace(/\.md$/, '')));
      } catch (error) {
        broken.push({ name: name.replace(/\.md$/, ''), error: error as Error });
      }
    }
  }
  return { templates, broken };
}

/** Streams the model's text into a new editor or at the cursor (after the selection: the user's text stays). */
async function runGeneration(deps: TextCommandDeps, prompt: string, outputOverride?: TextOutput): Promise<GenerationRun | undefined> {
  const settings = textSettings();
  const output = outputOverride ?? settings.output;
  const editor = vscode.window.activeTextEditor;
  let document: vscode.TextDocument;
  let at: vscode.Position;
  if (output === 'cursor' && editor && !editor.document.isClosed) {
    document = editor.document;
    at = editor.selection.end;
  } else {
    document = await openUntitled('markdown', '');
    await vscode.window.showTextDocument(document, { preview: false });
    at = new vscode.Position(0, 0);
  }
  const stream = new DocumentStream(document, at);
  try {
    const result = await withCancellableProgress(`GenAI Studio: generating with ${settings.model}`, (_progress, token) =>
      stream.feed(token, (write, fedToken) =>
        deps.engine().generateText(
          { jobId: randomUUID(), model: settings.model, prompt, maxTokens: settings.maxTokens, temperature: settings.temperature, topK: settings.topK, topP: settings.topP, seed: Date.now() % 2147483647 },
          write,
          fedToken,
        ),
      ),
    );
    const written = await stream.finish();
    if (result.finishReason === 'loop') {
      // The repeats were streamed before the loop could be seen; the engine's text ends before them.
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, written, result.text);
      await vscode.workspace.applyEdit(edit);
    }
    const how = result.finishReason === 'cancelled' ? 'cancelled after' : result.finishReason === 'loop' ? 'stopped where the model began repeating itself, after' : 'generated';
    reportDone(deps.log, `${how} ${result.generatedTokens} tokens with ${settings.model} (${result.promptFormat} prompt, ${(result.totalMs / 1000).toFixed(1)} s).`, settings.model);
    return { uri: document.uri.toString(), text: result.text, model: settings.model, promptFormat: result.promptFormat, finishReason: result.finishReason };
  } catch (error) {
    await stream.finish().catch(() => undefined);
    reportFailure(deps.log, 'Generate Text', error);
    return undefined;
  }
}
