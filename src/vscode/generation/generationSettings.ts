// Settings of Generate Text, templates and Ask the Workspace; read on every command so a change
// applies to the next run without a reload.
import * as vscode from 'vscode';
import { ASK_DEFAULTS, TEXT_DEFAULTS } from '../../core/generation/defaults';
import type { WorkspaceIndexParams } from '../../protocol';
import { SECTION } from '../settings';

export type TextOutput = 'newEditor' | 'cursor';

export interface TextSettings {
  model: string;
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  output: TextOutput;
}

export function textSettings(): TextSettings {
  const config = vscode.workspace.getConfiguration(`${SECTION}.text`);
  return {
    model: config.get<string>('model') || TEXT_DEFAULTS.model,
    maxTokens: clamp(config.get<number>('maxTokens', TEXT_DEFAULTS.maxTokens), 1, 4096),
    temperature: clamp(config.get<number>('temperature', TEXT_DEFAULTS.temperature), 0, 2),
    topK: clamp(config.get<number>('topK', TEXT_DEFAULTS.topK), 0, 1000),
    topP: clamp(config.get<number>('topP', TEXT_DEFAULTS.topP), 0, 1),
    output: config.get<TextOutput>('output', 'newEditor') === 'cursor' ? 'cursor' : 'newEditor',
  };
}

export function templatesFolder(): string {
  return vscode.workspace.getConfiguration(`${SECTION}.templates`).get<string>('folder') || '.genai/prompts';
}

export function askSourceCount(): number {
  return Math.round(clamp(vscode.workspace.getConfiguration(`${SECTION}.ask`).get<number>('sources', ASK_DEFAULTS.sources), 1, 50));
}

/** What the engine needs to index `folder`: files.exclude and genaiStudio.ask.exclude as gitignore-style patterns. */
export function indexParams(folder: vscode.WorkspaceFolder, storageDir: string): WorkspaceIndexParams {
  const filesExclude = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude', {});
  const ask = vscode.workspace.getConfiguration(`${SECTION}.ask`, folder.uri);
  return {
    folder: folder.uri.fsPath,
    storageDir,
    // `when` clauses of files.exclude (objects) depend on sibling files; only plain `true` entries apply.
    exclude: [...Object.keys(filesExclude).filter((glob) => filesExclude[glob] === true), ...ask.get<string[]>('exclude', [])],
    maxFileBytes: clamp(ask.get<number>('maxFileKB', ASK_DEFAULTS.maxFileKB), 1, 1048576) * 1024,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number.isFinite(value) ? value : min));
}
