// Activation only wires services; nothing heavy loads until the first request starts the engine.
import type * as vscode from 'vscode';
import { Container, type GenAIStudioApi } from './vscode/container';

/** When this bundle started evaluating: activation time is measured from here. */
const moduleLoadedAt = performance.now();
let container: Container | undefined;

export function activate(context: vscode.ExtensionContext): GenAIStudioApi {
  container = new Container(context);
  return container.api(performance.now() - moduleLoadedAt);
}

export async function deactivate(): Promise<void> {
  await container?.dispose();
  container = undefined;
}
