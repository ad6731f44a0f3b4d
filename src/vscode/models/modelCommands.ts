// "Choose Model..." (a shipped, downloaded or recommended model, a folder or a hub id, for one role)
// and "Manage Downloaded Models..." (what the hub cache holds, which role uses it, delete it).
// The choice is written to the user settings, so it takes effect at once, everywhere.
import { homedir, totalmem } from 'node:os';
import * as vscode from 'vscode';
import type { EngineProcess } from '../../client/engineProcess';
import { formatSize, machineFit, memoryNeededMB, MODEL_ROLES, RECOMMENDED_MODELS, refersTo, type ModelRole } from '../../core/modelChoices';
import { parseModelRef, REMOTE_PREFIX } from '../../core/modelRef';
import type { DownloadedModel, RemoteServer } from '../../protocol';
import { reportFailure } from '../generation/feedback';
import { SECTION } from '../settings';

export interface ModelCommandDeps {
  engine: () => EngineProcess;
  log: vscode.LogOutputChannel;
}

/** Given (by tests or other extensions), they replace the questions. */
export interface ChooseModelArgs {
  role?: ModelRole;
  model?: string;
}

export interface ManageModelsArgs {
  /** Delete this downloaded model without asking. */
  delete?: string;
}

export function registerModelCommands(deps: ModelCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('genaiStudio.chooseModel', (args?: ChooseModelArgs) => chooseModel(deps, args ?? {})),
    vscode.commands.registerCommand('genaiStudio.manageModels', (args?: ManageModelsArgs) => manageModels(deps, args ?? {})),
  ];
}

const roleValue = (role: ModelRole) => vscode.workspace.getConfiguration(SECTION).get<string>(MODEL_ROLES[role].setting) ?? '';

/** Writes the model for a role to the user settings; returns it, or undefined if nothing was chosen or it is not a model reference. */
async function chooseModel(deps: ModelCommandDeps, args: ChooseModelArgs): Promise<string | undefined> {
  try {
    const role = args.role ?? (await pickRole());
    if (!role) return undefined;
    const model = args.model ?? (await pickModel(deps, role));
    if (model === undefined) return undefined;
    parseModelRef(model, homedir());
    await vscode.workspace.getConfiguration(SECTION).update(MODEL_ROLES[role].setting, model, vscode.ConfigurationTarget.Global);
    deps.log.info(`${MODEL_ROLES[role].label} now uses ${model}.`);
    if (!args.model && role !== 'image') {
      void vscode.window.showInformationMessage(`GenAI Studio: ${MODEL_ROLES[role].label} now uses ${model}. It loads (and downloads, if it is a hub model) on first use.`, 'Load Now').then((choice) => {
        if (choice === 'Load Now') void vscode.commands.executeCommand('genaiStudio.loadModel', model);
      });
    }
    return model;
  } catch (error) {
    reportFailure(deps.log, 'Choose Model', error);
    return undefined;
  }
}

async function pickRole(): Promise<ModelRole | undefined> {
  const items = (Object.keys(MODEL_ROLES) as ModelRole[]).map((role) => ({ label: MODEL_ROLES[role].label, description: roleValue(role), role }));
  return (await vscode.window.showQuickPick(items, { title: 'GenAI Studio: Choose Model', placeHolder: 'Which model do you want to change?' }))?.role;
}

type ModelItem = vscode.QuickPickItem & { model?: string; ask?: 'folder' | 'hub' | 'server' };

async function pickModel(deps: ModelCommandDeps, role: ModelRole): Promise<string | undefined> {
  const { kind, label } = MODEL_ROLES[role];
  const current = roleValue(role);
  const info = await deps.engine().models();
  const mark = (model: string) => (refersTo(current, model) ? '$(check) ' : '');
  const downloaded = info.downloaded.filter((m) => m.kind === kind);
  const items: ModelItem[] = [
    { label: 'Shipped with GenAI Studio', kind: vscode.QuickPickItemKind.Separator },
    ...info.shipped.filter((m) => m.kind === kind).map((m) => ({ label: `${mark(m.name)}${m.name}`, description: 'tiny demo model, offline', model: m.name })),
    { label: 'Downloaded', kind: vscode.QuickPickItemKind.Separator },
    ...downloaded.map((m) => ({ label: `${mark(m.id)}${m.id}`, description: `${m.sizeMB} MB on disk`, model: m.id })),
    { label: 'Recommended (downloaded on first use)', kind: vscode.QuickPickItemKind.Separator },
    ...RECOMMENDED_MODELS.filter((m) => m.role === role && !downloaded.some((d) => d.id === m.id)).map((m) => {
      const fit = machineFit(memoryNeededMB(m), totalmem() / 1048576);
      return {
        label: `${mark(m.id)}${fit.fits ? '' : '$(warning) '}${m.id}`,
        description: `${m.billions}B parameters, ${formatSize(m.downloadMB)} download`,
        detail: `${m.why}; ${fit.text}`,
        model: m.id,
      };
    }),
    ...(kind === 'causal-lm' ? serverItems(info.settings.remotes ?? [], mark) : []),
    { label: 'Other', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(folder) Local folder...', description: kind === 'diffusion' ? 'a Stable Diffusion ONNX export' : 'an ONNX export with config.json, tokenizer.json and onnx/', ask: 'folder' },
    { label: '$(edit) Hub id...', description: 'org/name or org/name@revision', ask: 'hub' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `GenAI Studio: model for ${label}`, placeHolder: `Now: ${current}`, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.ask === 'folder') {
    const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use This Model', title: `GenAI Studio: model folder for ${label}` });
    return folder?.[0]?.fsPath;
  }
  if (picked.ask === 'server') {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: `${SECTION}.remotes`, edit: true } });
    return undefined;
  }
  if (picked.ask === 'hub') {
    return vscode.window.showInputBox({
      title: `GenAI Studio: hub model for ${label}`,
      prompt: 'A Hugging Face repository with an ONNX export (Transformers.js layout), e.g. onnx-community/Qwen2.5-Coder-0.5B-Instruct',
      value: parseModelRefKind(current) === 'hub' ? current : '',
      validateInput: (value) => (parseModelRefKind(value) === 'hub' ? undefined : 'Write org/name or org/name@revision.'),
    });
  }
  return picked.model;
}

/** The servers in genaiStudio.remotes (as the engine read them), and a way to add one. */
function serverItems(remotes: readonly RemoteServer[], mark: (model: string) => string): ModelItem[] {
  return [
    { label: 'Inference servers (genaiStudio.remotes)', kind: vscode.QuickPickItemKind.Separator },
    ...remotes.map((r) => ({ label: `${mark(`${REMOTE_PREFIX}${r.name}`)}$(server) ${REMOTE_PREFIX}${r.name}`, description: `${r.model ?? 'the server\'s model'} at ${r.url} (${r.api})`, model: `${REMOTE_PREFIX}${r.name}` })),
    { label: '$(add) Add a server...', description: 'vLLM, TGI, llama.cpp server or Ollama: edit genaiStudio.remotes', ask: 'server' as const },
  ];
}

function parseModelRefKind(value: string): string | undefined {
  try {
    return parseModelRef(value, homedir()).kind;
  } catch {
    return undefined;
  }
}

/** Lists the downloaded models, which role uses each, and deletes one on request; returns what is downloaded afterwards. */
async function manageModels(deps: ModelCommandDeps, args: ManageModelsArgs): Promise<DownloadedModel[] | undefined> {
  try {
    const engine = deps.engine();
    if (args.delete) {
      await engine.deleteDownloaded(args.delete);
      deps.log.info(`Deleted the download of ${args.delete}.`);
      return (await engine.models()).downloaded;
    }
    const { downloaded } = await engine.models();
    if (downloaded.length === 0) {
      void vscode.window.showInformationMessage('GenAI Studio: no model has been downloaded yet. Choose Model... offers the recommended ones.', 'Choose Model...').then((choice) => {
        if (choice) void vscode.commands.executeCommand('genaiStudio.chooseModel');
      });
      return downloaded;
    }
    const usedBy = (id: string) => (Object.keys(MODEL_ROLES) as ModelRole[]).filter((role) => refersTo(roleValue(role), id)).map((role) => MODEL_ROLES[role].label);
    const total = downloaded.reduce((sum, m) => sum + m.sizeMB, 0);
    const model = (
      await vscode.window.showQuickPick(
        downloaded.map((m) => ({ label: m.id, description: `${m.sizeMB} MB`, detail: usedBy(m.id).length > 0 ? `In use: ${usedBy(m.id).join(', ')}` : 'Not in use', model: m })),
        { title: `GenAI Studio: downloaded models (${total} MB)`, placeHolder: 'Choose a model to use or delete' },
      )
    )?.model;
    if (!model) return downloaded;
    const roles = (Object.keys(MODEL_ROLES) as ModelRole[]).filter((role) => MODEL_ROLES[role].kind === model.kind);
    const action = await vscode.window.showQuickPick(
      [
        ...roles.map((role) => ({ label: `$(check) Use for ${MODEL_ROLES[role].label}`, role })),
        { label: `$(trash) Delete (${model.sizeMB} MB)`, role: undefined },
      ],
      { title: `GenAI Studio: ${model.id}` },
    );
    if (!action) return downloaded;
    if (action.role) {
      await chooseModel(deps, { role: action.role, model: model.id });
      return downloaded;
    }
    const inUse = usedBy(model.id);
    const confirm = await vscode.window.showWarningMessage(
      `Delete ${model.id} (${model.sizeMB} MB) from disk?${inUse.length > 0 ? ` ${inUse.join(' and ')} use it: it downloads again on next use.` : ' It can be downloaded again.'}`,
      { modal: true },
      'Delete',
    );
    if (confirm !== 'Delete') return downloaded;
    return manageModels(deps, { delete: model.id });
  } catch (error) {
    reportFailure(deps.log, 'Manage Downloaded Models', error);
    return undefined;
  }
}
