// Closing the untitled documents a test opened. VS Code reuses a closed untitled name (Untitled-1)
// at once, so a test that opens the next one must wait until the extension host has dropped the old
// document, or it may see the old text under the new document's URI.
import * as vscode from 'vscode';

export async function closeEditorsReverting(): Promise<void> {
  const open = new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
  for (let i = 0; i < 20 && vscode.window.activeTextEditor; i++) {
    const active = vscode.window.activeTextEditor.document.uri.toString();
    open.add(active);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  const untitled = [...open].filter((uri) => uri.startsWith('untitled:'));
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && vscode.workspace.textDocuments.some((d) => untitled.includes(d.uri.toString()))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
