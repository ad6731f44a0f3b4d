// Opens a new untitled document. VS Code gives a new untitled document the name of one closed a
// moment ago (Untitled-1), and until the extension host has heard of that close, openTextDocument
// hands back the closed document, text and all, under the reused name. A document object the
// extension host already knew is that stale one: wait for the new document to arrive instead.
import * as vscode from 'vscode';

export async function openUntitled(language: string, content: string): Promise<vscode.TextDocument> {
  const known = new Set(vscode.workspace.textDocuments);
  const document = await vscode.workspace.openTextDocument({ language, content });
  if (!known.has(document)) return document;
  const uri = document.uri.toString();
  const fresh = () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri && !known.has(d));
  return (
    fresh() ??
    new Promise<vscode.TextDocument>((resolve) => {
      const subscription = vscode.workspace.onDidOpenTextDocument((opened) => {
        if (opened.uri.toString() !== uri || known.has(opened)) return;
        subscription.dispose();
        resolve(opened);
      });
    })
  );
}
