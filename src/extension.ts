// Activation only wires services; nothing heavy loads until the first request starts the engine.
import type * as vscode from 'vscode';
import { Container, type GenAIStudioApi } from './vscode/container';

/** When the bundle started evaluating: esbuild.mjs puts it on the bundle's first line. */
declare const bundleStartedAt: number;
/**
 * The extension's own start-up cost is the evaluation of its bundle (every import has run by this
 * line) plus activate(); what VS Code does in between (the extension context, its storage) is not ours.
 */
const evaluationMs = performance.now() - bundleStartedAt;
let container: Container | undefined;

export function activate(context: vscode.ExtensionContext): GenAIStudioApi {
  const started = performance.now();
  container = new Container(context);
  const activateMs = performance.now() - started;
  const activationMs = evaluationMs + activateMs;
  container.log.info(`Activated in ${activationMs.toFixed(1)} ms (evaluating the extension's code ${evaluationMs.toFixed(1)} ms, then activate ${activateMs.toFixed(1)} ms).`);
  return container.api(activationMs);
}

export async function deactivate(): Promise<void> {
  await container?.dispose();
  container = undefined;
}
