// Owns the extension's services and wires them together; activate() only creates this.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EngineProcess } from '../client/engineProcess';
import { CRASHED_PROVIDERS_FILE, type ModelStatus } from '../protocol';
import type { CompletionStatsSnapshot } from '../core/completion';
import { registerCompletionCommands } from './completion/completionCommands';
import { CompletionProvider } from './completion/completionProvider';
import { RecentFiles } from './completion/recentFiles';
import { DownloadNotifications } from './downloadProgress';
import { registerEngineCommands } from './engineCommands';
import { WorkspaceAsk } from './generation/askCommands';
import { registerTextCommands } from './generation/textCommands';
import { ImageStudio } from './imageStudio/imageStudio';
import { registerModelCommands } from './models/modelCommands';
import { Playground } from './playground/playground';
import { Keychain } from './keychain';
import { registerKeychainCommands } from './keychainCommands';
import { completionModel, onEngineSettingsChanged, readEngineSettings, settingProblems } from './settings';
import { StatusBar, type StatusSnapshot } from './statusBar';
import { registerWalkthroughCommands } from './walkthrough/walkthroughCommands';

/** What the extension exports: read-only facts for tests and other extensions. */
export interface GenAIStudioApi {
  /** The evaluation of the extension bundle plus activate(), in ms. */
  activationMs: number;
  enginePid(): number | undefined;
  status(): StatusSnapshot;
  completionStats(): CompletionStatsSnapshot;
  /** The inline completion provider VS Code calls, and its latest engine answer. */
  completion: Pick<CompletionProvider, 'provideInlineCompletionItems' | 'lastResult' | 'warmed'>;
}

export class Container implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel('GenAI Studio', { log: true });
  readonly statusBar = new StatusBar(completionModel);
  private readonly downloads = new DownloadNotifications((model) => this.engineProcess.cancelDownload(model));
  private readonly recentFiles = new RecentFiles();
  private readonly keychain: Keychain;
  readonly completion: CompletionProvider;
  private engineProcess: EngineProcess;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    this.keychain = new Keychain(context.secrets, context.globalState);
    this.engineProcess = this.createEngine();
    this.completion = new CompletionProvider(() => this.engineProcess, this.statusBar, this.recentFiles, this.log);
    this.disposables.push(
      this.log,
      this.statusBar,
      this.recentFiles,
      this.completion,
      vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, this.completion),
      ...registerCompletionCommands(this.completion),
      ...registerEngineCommands({ engine: () => this.engineProcess, restartEngine: () => this.restartEngine(), log: this.log, statusBar: this.statusBar }),
      ...registerTextCommands({ engine: () => this.engineProcess, log: this.log }),
      ...registerModelCommands({ engine: () => this.engineProcess, log: this.log }),
      new ImageStudio({ engine: () => this.engineProcess, log: this.log, extensionUri: context.extensionUri }),
      new Playground({ engine: () => this.engineProcess, log: this.log, extensionUri: context.extensionUri }),
      ...registerWalkthroughCommands(context.extensionUri),
      // Indexes persist per workspace (global storage when no folder is open).
      new WorkspaceAsk({ engine: () => this.engineProcess, log: this.log, storageDir: vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'retrieval').fsPath }),
      this.keychain,
      ...registerKeychainCommands(this.keychain),
      onEngineSettingsChanged((why) => this.applySettings(why)),
      this.keychain.onDidChange((id) => this.applySettings(`The secret ${id} changed`)),
    );
    this.warnAboutSettings();
  }

  get engine(): EngineProcess {
    return this.engineProcess;
  }

  api(activationMs: number): GenAIStudioApi {
    return {
      activationMs, enginePid: () => this.engineProcess.pid, status: () => this.statusBar.snapshot(), completionStats: () => this.completion.stats.snapshot(), completion: this.completion };
  }

  private applySettings(why: string): void {
    this.log.info(`${why}; applying the settings to the engine.`);
    this.warnAboutSettings();
    this.engineProcess.configure(this.engineSettings()).catch((error: Error) => this.log.error(`Could not apply settings: ${error.message}`));
  }

  /** Settings that cannot be used as written: said at once, with what is used instead. */
  private warnAboutSettings(): void {
    for (const problem of settingProblems()) {
      this.log.warn(problem);
      void vscode.window.showWarningMessage(`GenAI Studio: ${problem}`);
    }
  }

  private engineSettings() {
    return readEngineSettings(this.context, this.keychain);
  }

  /** The user's restart: GPU providers that crashed the engine before get one more try. */
  async restartEngine(): Promise<void> {
    const { stateDir } = this.engineSettings();
    if (stateDir) rmSync(join(stateDir, CRASHED_PROVIDERS_FILE), { force: true });
    const old = this.engineProcess;
    this.engineProcess = this.createEngine();
    await old.dispose();
    this.statusBar.setEngineState('stopped');
  }

  async dispose(): Promise<void> {
    await this.engineProcess.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private createEngine(): EngineProcess {
    const engine = new EngineProcess({
      enginePath: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'engine.js').fsPath,
      settings: this.engineSettings(),
    });
    engine.onState((state) => {
      if (state !== 'running') this.downloads.closeAll();
      if (this.engineProcess === engine) this.statusBar.setEngineState(state);
      this.log.info(`Engine ${state}${engine.pid ? ` (pid ${engine.pid})` : ''}`);
    });
    engine.onStatus((status: ModelStatus) => {
      this.statusBar.setModelStatus(status);
      this.downloads.onStatus(status);
      const where = status.device ? ` on ${status.device}` : '';
      if (status.state !== 'loading' && status.state !== 'busy') this.log.info(`${status.model}: ${status.state}${where}${status.error ? `: ${status.error}` : ''}`);
    });
    engine.onDownload((progress) => this.downloads.onDownload(progress));
    engine.onLog((entry) => this.log[entry.level](entry.message));
    return engine;
  }
}
