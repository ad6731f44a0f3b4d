// Commands about the engine and its models: status details, the log, load, restart.
import * as vscode from 'vscode';
import type { EngineProcess } from '../client/engineProcess';
import type { DeviceCheck, ServerReport } from '../protocol';
import { DEVICE_NAMES } from '../core/statusText';
import type { StatusBar } from './statusBar';
import { completionModel } from './settings';
import { openUntitled } from './untitledDocument';

export interface EngineCommandDeps {
  engine: () => EngineProcess;
  restartEngine: () => Promise<void>;
  log: vscode.LogOutputChannel;
  statusBar: StatusBar;
}

export function registerEngineCommands(deps: EngineCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('genaiStudio.showLog', () => deps.log.show()),
    vscode.commands.registerCommand('genaiStudio.showStatus', () => showStatus(deps)),
    vscode.commands.registerCommand('genaiStudio.loadModel', (model?: string) => loadModel(deps, model)),
    vscode.commands.registerCommand('genaiStudio.checkGpu', () => checkGpu(deps)),
    vscode.commands.registerCommand('genaiStudio.restartEngine', async () => {
      await deps.restartEngine();
      void vscode.window.showInformationMessage('GenAI Studio: the engine was restarted; models load again on first use.');
    }),
  ];
}

async function loadModel(deps: EngineCommandDeps, model = completionModel()): Promise<boolean> {
  try {
    const status = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `GenAI Studio: loading ${model}` },
      () => deps.engine().load(model),
    );
    const device = status.device ? DEVICE_NAMES[status.device] : 'CPU';
    deps.log.info(`${model} ready on ${device}`);
    if (status.fallbackReason) void vscode.window.showWarningMessage(`GenAI Studio: ${model} runs on CPU because ${status.fallbackReason}`);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.log.error(`Loading ${model} failed: ${message}`);
    // Not awaited: the command's result must not wait for the user to dismiss the message.
    void vscode.window.showErrorMessage(`GenAI Studio: ${message}`, 'Show Log', 'Open Settings').then((choice) => {
      if (choice === 'Show Log') deps.log.show();
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'genaiStudio');
    });
    return false;
  }
}

async function showStatus(deps: EngineCommandDeps): Promise<void> {
  const snapshot = deps.statusBar.snapshot();
  const items: (vscode.QuickPickItem & { run?: () => unknown })[] = [
    { label: snapshot.text.replace(/\$\([^)]*\)\s*/g, ''), detail: snapshot.tooltip.replace(/\s*Click for details[^.]*\./, '') },
  ];
  if (deps.engine().state === 'running') {
    try {
      const [info, models] = await Promise.all([deps.engine().info(), deps.engine().models()]);
      items.push({ label: 'Engine', description: `pid ${info.pid}, ${info.rssMB} MB, Node ${info.nodeVersion}` });
      for (const m of models.loaded) {
        const where = m.server ? ` at ${m.server}` : m.device ? ` on ${DEVICE_NAMES[m.device]}` : '';
        items.push({ label: `$(${m.server ? 'server' : 'circuit-board'}) ${m.model}`, description: `${m.state}${where}${m.sizeMB ? `, ~${m.sizeMB} MB` : ''}`, detail: m.fallbackReason ?? m.error });
      }
      for (const d of models.devices) items.push({ label: `${d.available ? '$(check)' : '$(close)'} ${DEVICE_NAMES[d.device]}`, detail: d.reason ?? (d.autoSkips && `used only when asked for by name: ${d.autoSkips}`) });
    } catch (error) {
      items.push({ label: '$(error) The engine did not answer', detail: error instanceof Error ? error.message : String(error) });
    }
  } else {
    items.push({ label: 'Engine', description: deps.engine().state, detail: 'The engine starts on the first request.' });
  }
  items.push(
    { label: '$(output) Show Log', run: () => deps.log.show() },
    { label: '$(cloud-download) Load the Completion Model', run: () => loadModel(deps) },
    { label: '$(library) Choose Model...', run: () => vscode.commands.executeCommand('genaiStudio.chooseModel') },
    { label: '$(database) Manage Downloaded Models...', run: () => vscode.commands.executeCommand('genaiStudio.manageModels') },
    { label: '$(circuit-board) Check GPU Support', run: () => vscode.commands.executeCommand('genaiStudio.checkGpu') },
    { label: '$(debug-restart) Restart Engine', run: () => vscode.commands.executeCommand('genaiStudio.restartEngine') },
    { label: '$(gear) Open Settings', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'genaiStudio') },
  );
  const picked = await vscode.window.showQuickPick(items, { title: 'GenAI Studio', placeHolder: 'Status, devices and actions' });
  await picked?.run?.();
}

function serverSection(servers: ServerReport[]): string[] {
  if (servers.length === 0) return [];
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = servers.map((s) =>
    s.reachable
      ? `| ${s.name} | ${cell(s.url)} (${s.api}) | answers in ${s.ms?.toFixed(0)} ms | ${cell(s.model ?? '')}${s.contextLength ? `, ${s.contextLength} tokens of context` : ''}; serves ${cell(s.models.join(', ') || 'nothing listed')} |`
      : `| ${s.name} | ${cell(s.url)} (${s.api}) | not reachable | ${cell(s.error ?? '')} |`,
  );
  return ['## Inference servers (genaiStudio.remotes)', '', '| server | address | result | details |', '|---|---|---|---|', ...rows, ''];
}

/**
 * Opens a report of every execution provider (tried or not, working or not, and what to install) and
 * of every configured inference server (reachable or not, what it serves).
 */
async function checkGpu(deps: EngineCommandDeps): Promise<DeviceCheck[]> {
  const [checks, servers] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'GenAI Studio: checking GPU support' }, () =>
    Promise.all([deps.engine().checkDevices(), deps.engine().checkServers()]),
  );
  const rows = checks.map((c) => `| ${DEVICE_NAMES[c.device]} | ${!c.tried ? 'not tried' : c.works ? '$(check) works' : '$(close) failed'} | ${c.ms === undefined ? '' : `${c.ms.toFixed(1)} ms`} | ${c.detail.replace(/\|/g, '\\|')} |`);
  const working = checks.filter((c) => c.works && c.device !== 'cpu').map((c) => DEVICE_NAMES[c.device]);
  const summary = working.length ? `GPU providers that work here: ${working.join(', ')}.` : 'No GPU provider works here: models run on the CPU. The table says what each provider needs.';
  const markdown = ['# GenAI Studio: GPU support', '', summary, '', '| provider | result | one forward pass | details |', '|---|---|---|---|', ...rows, '', ...serverSection(servers)].join('\n').replace(/\$\((check|close)\) /g, '');
  const document = await openUntitled('markdown', markdown);
  await vscode.window.showTextDocument(document, { preview: true });
  deps.log.info(summary);
  return checks;
}
