// Activation only wires services; nothing heavy loads until the first request starts the engine.
import type * as vscode from 'vscode';
import { Container, type GenAIStudioApi } from './vscode/container';

let container: Container | undefined;

export function activate(context: vscode.ExtensionContext): GenAIStudioApi {
  container = new Container(context);
  return container.api();
}

export async function deactivate(): Promise<void> {
  await container?.dispose();
  container = undefined;
}
