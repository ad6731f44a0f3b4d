// Reads the extension's settings into the engine's settings and reports changes as they happen.
import * as vscode from 'vscode';
import { checkRemoteServers } from '../core/remote/remoteServers';
import { TEXT_DEFAULTS } from '../core/generation/defaults';
import { COMPLETION_DEFAULTS, DEFAULTS } from '../defaults';
import { DEVICE_SETTINGS, type DeviceSetting, type EngineSettings, type RemoteServer } from '../protocol';
import { HUB_TOKEN, serverKeyId, type Keychain } from './keychain';

export const SECTION = 'genaiStudio';

export function readEngineSettings(context: vscode.ExtensionContext, keychain: Keychain): EngineSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    shippedModelsDir: vscode.Uri.joinPath(context.extensionUri, 'models').fsPath,
    hubCacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'hub').fsPath,
    stateDir: vscode.Uri.joinPath(context.globalStorageUri, 'engine').fsPath,
    hubEndpoint: config.get<string>('hubEndpoint') || DEFAULTS.hubEndpoint,
    hubToken: keychain.get(HUB_TOKEN),
    offline: config.get<boolean>('offline', DEFAULTS.offline),
    device: deviceSetting(config.get<string>('device', DEFAULTS.device)),
    gpuDeviceId: clampInt(config.get<number>('gpuDeviceId', 0), 0, Number.MAX_SAFE_INTEGER),
    memoryBudgetMB: Math.max(64, config.get<number>('memoryBudgetMB', DEFAULTS.memoryBudgetMB)),
    idleUnloadSeconds: Math.max(0, config.get<number>('idleUnloadSeconds', DEFAULTS.idleUnloadSeconds)),
    untrustedFolders: vscode.workspace.isTrusted ? [] : (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    remotes: withKeys(config.get<unknown[]>('remotes', []), keychain),
    dtypes: dtypesByModel(config),
    httpProxy: vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined,
  };
}

/** Each role's weights setting, keyed by the model the role uses (the engine loads by model reference). */
function dtypesByModel(config: vscode.WorkspaceConfiguration): Record<string, string> {
  const dtypes: Record<string, string> = {};
  for (const [role, model] of [['text', config.get<string>('text.model') || TEXT_DEFAULTS.model], ['completion', completionModel()]]) {
    const dtype = config.get<string>(`${role}.dtype`, 'auto');
    if (dtype !== 'auto') dtypes[model] = dtype;
  }
  return dtypes;
}

/** settings.json may hold any string (VS Code only underlines it): one that names no device means auto. */
function deviceSetting(value: string): DeviceSetting {
  return (DEVICE_SETTINGS as readonly string[]).includes(value) ? (value as DeviceSetting) : DEFAULTS.device;
}

/** Values in the user's settings that cannot be used as written, in words that say what is used instead. */
export function settingProblems(): string[] {
  const config = vscode.workspace.getConfiguration(SECTION);
  const device = config.get<string>('device', DEFAULTS.device);
  const problems = deviceSetting(device) === device ? [] : [`genaiStudio.device is "${device}", which is not a device (${DEVICE_SETTINGS.join(', ')}): using ${DEFAULTS.device}.`];
  // A server entry that cannot be used is left out; remote:<name> for it then names what is configured.
  return [...problems, ...checkRemoteServers(config.get('remotes')).problems.map((p) => `${p} That server is not used until it is fixed.`)];
}

/** The servers as written (the engine checks each entry and names what is wrong), with their keys. */
function withKeys(remotes: unknown, keychain: Keychain): RemoteServer[] {
  if (!Array.isArray(remotes)) return remotes as RemoteServer[];
  return remotes.map((entry: unknown) => {
    const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
    const apiKey = typeof name === 'string' ? keychain.get(serverKeyId(name)) : undefined;
    return (apiKey ? { ...(entry as object), apiKey } : entry) as RemoteServer;
  });
}

export function completionModel(): string {
  return vscode.workspace.getConfiguration(SECTION).get<string>('completion.model') || DEFAULTS.model;
}

export interface CompletionSettings {
  enabled: boolean;
  model: string;
  languages: Record<string, boolean>;
  fimFormat: string;
  maxTokens: number;
  promptTokens: number;
  timeBudgetMs: number;
  /** A local model for when the completion model's server cannot be reached ('' for none). */
  fallbackModel: string;
}

/** Read on every request, so changes apply to the next keystroke. */
export function completionSettings(): CompletionSettings {
  const config = vscode.workspace.getConfiguration(`${SECTION}.completion`);
  return {
    enabled: config.get<boolean>('enabled', true),
    model: completionModel(),
    languages: config.get<Record<string, boolean>>('languages', { '*': true }),
    fimFormat: config.get<string>('fimFormat', 'auto'),
    maxTokens: clampInt(config.get<number>('maxTokens', COMPLETION_DEFAULTS.maxTokens), 1, 512),
    promptTokens: clampInt(config.get<number>('promptTokens', COMPLETION_DEFAULTS.promptTokens), 64, 32768),
    timeBudgetMs: clampInt(config.get<number>('timeBudgetMs', COMPLETION_DEFAULTS.timeBudgetMs), 100, 30000),
    fallbackModel: config.get<string>('fallbackModel', '').trim(),
  };
}

function clampInt(value: number, min: number, max: number): number {
  return Math.round(Math.min(max, Math.max(min, Number.isFinite(value) ? value : min)));
}

/**
 * Fires when any engine-relevant setting changes, so it takes effect without a reload; also when the
 * workspace is trusted or its folders change (which folders no model may load from).
 */
export function onEngineSettingsChanged(listener: (why: string) => void): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (['hubEndpoint', 'offline', 'device', 'gpuDeviceId', 'memoryBudgetMB', 'idleUnloadSeconds', 'remotes', 'completion.dtype', 'text.dtype', 'completion.model', 'text.model'].some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) listener('Settings changed');
      else if (event.affectsConfiguration('http.proxy')) listener('The proxy setting changed');
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => listener('The workspace is trusted now')),
    vscode.workspace.onDidChangeWorkspaceFolders(() => listener('The workspace folders changed')),
  );
}
