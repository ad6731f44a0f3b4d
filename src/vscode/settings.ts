// Reads the extension's settings into the engine's settings and reports changes as they happen.
import * as vscode from 'vscode';
import { DEFAULTS } from '../client/defaults';
import type { DeviceSetting, EngineSettings } from '../protocol';

export const SECTION = 'genaiStudio';

export function readEngineSettings(context: vscode.ExtensionContext): EngineSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    shippedModelsDir: vscode.Uri.joinPath(context.extensionUri, 'models').fsPath,
    hubCacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'hub').fsPath,
    hubEndpoint: config.get<string>('hubEndpoint') || DEFAULTS.hubEndpoint,
    offline: config.get<boolean>('offline', DEFAULTS.offline),
    device: config.get<DeviceSetting>('device', DEFAULTS.device),
    memoryBudgetMB: Math.max(64, config.get<number>('memoryBudgetMB', DEFAULTS.memoryBudgetMB)),
    idleUnloadSeconds: Math.max(0, config.get<number>('idleUnloadSeconds', DEFAULTS.idleUnloadSeconds)),
  };
}

export function completionModel(): string {
  return vscode.workspace.getConfiguration(SECTION).get<string>('completion.model') || DEFAULTS.model;
}

/** Fires when any engine-relevant setting changes, so it takes effect without a reload. */
export function onEngineSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (['hubEndpoint', 'offline', 'device', 'memoryBudgetMB', 'idleUnloadSeconds'].some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) listener();
  });
}
