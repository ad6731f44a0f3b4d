// The actions of the "Generative AI, step by step" walkthrough that no feature command covers: try
// inline completion on a sample, and read how the shipped code model was pre-trained.
import * as vscode from 'vscode';
import { DEFAULTS } from '../../defaults';
import { SECTION } from '../settings';
import { openUntitled } from '../untitledDocument';

export const TRY_COMPLETION_COMMAND = 'genaiStudio.walkthrough.tryCompletion';
export const SHOW_TRAINING_COMMAND = 'genaiStudio.walkthrough.showTraining';

/** The sample opened by "Try Inline Completion"; `|` marks the cursor (a suffix follows, so FIM applies). */
const COMPLETION_SAMPLE = `// Try inline completion (an unsaved sample: close it without saving when you are done).
// A grey suggestion appears at the cursor: Tab accepts it, Esc dismisses it, Alt+\\ asks again.
export interface Point {
  x: number;
  y: number;
}

export function distance(a: Point, b: Point): number {
  const dx = b.x - a.x;
  |
}
`;

export function registerWalkthroughCommands(extensionUri: vscode.Uri): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(TRY_COMPLETION_COMMAND, () => tryCompletion()),
    vscode.commands.registerCommand(SHOW_TRAINING_COMMAND, () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(extensionUri, 'models', DEFAULTS.model, 'MODEL_CARD.md')),
    ),
  ];
}

/** Opens the sample in an untitled editor (no user file is touched) and asks for a suggestion at the cursor. */
async function tryCompletion(): Promise<vscode.TextEditor | undefined> {
  if (!vscode.workspace.getConfiguration(SECTION).get<boolean>('completion.enabled', true)) {
    const turnOn = 'Turn On';
    const choice = await vscode.window.showInformationMessage('GenAI Studio inline completion is turned off.', turnOn);
    if (choice !== turnOn) return undefined;
    await vscode.commands.executeCommand('genaiStudio.completion.toggle');
  }
  const cursor = COMPLETION_SAMPLE.indexOf('|');
  const document = await openUntitled('typescript', COMPLETION_SAMPLE.replace('|', ''));
  const editor = await vscode.window.showTextDocument(document);
  const position = document.positionAt(cursor);
  editor.selection = new vscode.Selection(position, position);
  await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  return editor;
}
