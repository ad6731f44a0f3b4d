// The Model Playground: "Open Model Playground" and its panel. Each demo runs on the engine; a demo that
// ran sets its `genaiStudio.demo.<name>Run` context key, which completes the walkthrough's step.
import * as vscode from 'vscode';
import type { EngineProcess } from '../../client/engineProcess';
import { DEMO_SAMPLES, NEXT_TOKEN_BARS, demoOf, isDemoName, validatePanelMessage, type HostMessage, type PanelMessage, type PlaygroundState } from '../../core/playground/playgroundMessages';
import type { DemoName } from '../../protocol';
import { WebviewChannel } from '../webview/webviewPanel';
import { playgroundBody } from './playgroundBody';

export interface PlaygroundDeps {
  engine: () => EngineProcess;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}

export class Playground implements vscode.Disposable {
  private channel: WebviewChannel<PanelMessage, HostMessage> | undefined;
  private readonly command: vscode.Disposable;

  constructor(private readonly deps: PlaygroundDeps) {
    this.command = vscode.commands.registerCommand('genaiStudio.openPlayground', (demo?: unknown) => this.open(isDemoName(demo) ? demo : 'vae'));
  }

  /** Opens (or reveals) the panel on a demo's section. */
  open(demo: DemoName): void {
    if (this.channel) {
      this.channel.reveal();
      this.channel.post({ type: 'show', demo });
      return;
    }
    const state: PlaygroundState = { demo };
    const channel = new WebviewChannel<PanelMessage, HostMessage>({
      viewType: 'genaiStudio.playground',
      title: 'Model Playground',
      extensionUri: this.deps.extensionUri,
      mediaFolder: 'media/playground',
      script: 'playground',
      body: playgroundBody(),
      state,
      validate: validatePanelMessage,
      log: this.deps.log,
    });
    channel.onMessage((message) => {
      if (message.type === 'ready') return;
      const demo = demoOf(message);
      this.run(message).then(
        (reply) => {
          channel.post(reply);
          void vscode.commands.executeCommand('setContext', `genaiStudio.demo.${demo}Run`, true);
        },
        (error: unknown) => {
          const text = error instanceof Error ? error.message : String(error);
          this.deps.log.error(`Model Playground: the ${demo} demo failed: ${text}`);
          channel.post({ type: 'error', demo, message: text });
        },
      );
    });
    channel.onDidDispose(() => {
      if (this.channel === channel) this.channel = undefined;
    });
    this.channel = channel;
  }

  private async run(message: Exclude<PanelMessage, { type: 'ready' }>): Promise<HostMessage> {
    const engine = this.deps.engine();
    switch (message.type) {
      case 'vaeDecode':
        return { type: 'vae', request: 'decode', result: await engine.demoVae({ action: 'decode', latent: [message.z1, message.z2] }) };
      case 'vaeSample':
        return { type: 'vae', request: 'sample', result: await engine.demoVae({ action: 'sample', seed: message.seed, count: DEMO_SAMPLES }) };
      case 'vaeInterpolate':
        return { type: 'vae', request: 'interpolate', result: await engine.demoVae({ action: 'interpolate', from: message.from, to: message.to, t: message.t }) };
      case 'vaeExamples':
        return { type: 'vae', request: 'examples', result: await engine.demoVae({ action: 'examples' }) };
      case 'gan':
        return { type: 'gan', result: await engine.demoGan({ seed: message.seed, count: DEMO_SAMPLES }) };
      case 'diffusion':
        return { type: 'diffusion', result: await engine.demoDiffusion({ prompt: message.prompt, seed: message.seed, steps: message.steps }) };
      case 'nextToken':
        return { type: 'nextToken', prompt: message.prompt, result: await engine.demoNextToken({ prompt: message.prompt, temperature: message.temperature, topK: NEXT_TOKEN_BARS, seed: message.seed }) };
    }
  }

  dispose(): void {
    this.command.dispose();
    this.channel?.dispose();
  }
}
