// How generation commands report: a cancellable progress notification, errors that offer the log and
// the settings, and the reminder that the shipped model is a tiny code model.
import * as vscode from 'vscode';
import { SHIPPED_MODEL_NOTE, TEXT_DEFAULTS } from '../../core/generation/defaults';
import { REQUEST_CANCELLED } from '../../protocol';

export function withCancellableProgress<T>(title: string, work: (progress: vscode.Progress<{ message?: string }>, token: vscode.CancellationToken) => Thenable<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, work);
}

/** Shows what went wrong (not awaited: a command's result must not wait for the user to close a message). */
export function reportFailure(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  if ((error as { code?: number }).code === REQUEST_CANCELLED) {
    log.info(`${what}: cancelled.`);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  log.error(`${what} failed: ${message}`);
  void vscode.window.showErrorMessage(`GenAI Studio: ${message}`, 'Show Log', 'Open Settings').then((choice) => {
    if (choice === 'Show Log') log.show();
    if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'genaiStudio');
  });
}

/** Set when the shipped model answered, so its output is not taken for a capable assistant's. */
export function shippedModelNote(model: string): string | undefined {
  return model === TEXT_DEFAULTS.model ? SHIPPED_MODEL_NOTE : undefined;
}

/** The closing message of a generation: which model, and the note about the shipped one. */
export function reportDone(log: vscode.LogOutputChannel, summary: string, model: string): void {
  log.info(summary);
  const note = shippedModelNote(model);
  if (!note) {
    void vscode.window.showInformationMessage(`GenAI Studio: ${summary}`);
    return;
  }
  void vscode.window.showInformationMessage(`GenAI Studio: ${summary} ${note.replace(/`/g, '')}`, 'Set the Text Model').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'genaiStudio.text.model');
  });
}
