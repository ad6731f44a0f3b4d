// Closes the editors a test opened, reverting untitled ones so that closing asks nothing. (A test that
// opens an untitled document next uses openUntitled, which copes with VS Code reusing the closed name.)
import * as vscode from 'vscode';

export async function closeEditorsReverting(): Promise<void> {
  for (let i = 0; i < 20 && vscode.window.activeTextEditor; i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
