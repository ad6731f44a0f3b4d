// The Image Studio: "Generate Image..." and the panel, which owns this session's gallery and allows one
// generation at a time. A generation itself is imageGeneration.ts; saving a PNG is imageSave.ts.
import * as vscode from 'vscode';
import type { EngineProcess } from '../../client/engineProcess';
import { Gallery } from '../../core/imageStudio/gallery';
import { imageDefaults, type ImageDefaults } from '../../core/imageStudio/imageDefaults';
import { validatePanelMessage, type GalleryImage, type HostMessage, type ImageRequest, type ImageStudioState, type PanelMessage } from '../../core/imageStudio/messages';
import { SECTION } from '../settings';
import { WebviewChannel } from '../webview/webviewPanel';
import { generateImages, type ImageRun } from './imageGeneration';
import { imageStudioBody } from './imageStudioBody';
import { saveImage } from './imageSave';

export interface ImageStudioDeps {
  engine: () => EngineProcess;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}

export interface GenerateImageArgs {
  prompt?: string;
  /** A fixed seed (default: a random one). */
  seed?: number;
}

export function imageSettings(): ImageDefaults {
  const config = vscode.workspace.getConfiguration(`${SECTION}.image`);
  return imageDefaults({ model: config.get('model'), steps: config.get('steps'), guidance: config.get('guidance'), scheduler: config.get('scheduler'), size: config.get('size') });
}

export class ImageStudio implements vscode.Disposable {
  private channel: WebviewChannel<PanelMessage, HostMessage> | undefined;
  private readonly gallery = new Gallery();
  private running: vscode.CancellationTokenSource | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly deps: ImageStudioDeps) {
    this.disposables = [
      vscode.commands.registerCommand('genaiStudio.generateImage', (args?: GenerateImageArgs) => this.generateFromCommand(args)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`${SECTION}.image`)) this.channel?.post({ type: 'defaults', request: imageSettings() });
      }),
    ];
  }

  /** Asks for a prompt (unless given), opens the panel and generates with the default settings. */
  async generateFromCommand(args: GenerateImageArgs = {}): Promise<ImageRun | undefined> {
    const prompt =
      args.prompt ??
      (await vscode.window.showInputBox({
        title: 'Generate Image',
        prompt: `Describe the image for ${imageSettings().model}`,
        placeHolder: 'a red circle on a blue background',
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? undefined : 'Type what the image should show.'),
      }));
    if (prompt === undefined) return undefined;
    const request: ImageRequest = { ...imageSettings(), prompt: prompt.trim(), negativePrompt: '', seed: args.seed };
    const channel = this.open();
    const refusal = !request.prompt
      ? 'The prompt is empty: describe the image and press Generate.'
      : this.running && 'An image is being generated: wait for it or press Cancel, then generate again.';
    if (refusal) {
      channel.post({ type: 'error', message: refusal });
      return { error: refusal };
    }
    channel.post({ type: 'start', request });
    return this.generate(request);
  }

  /** Reveals the panel, creating it when none is open. */
  open(): WebviewChannel<PanelMessage, HostMessage> {
    if (this.channel) {
      this.channel.reveal();
      return this.channel;
    }
    const defaults = imageSettings();
    const state: ImageStudioState = { defaults, gallery: this.gallery.list() };
    const channel = new WebviewChannel<PanelMessage, HostMessage>({
      viewType: 'genaiStudio.imageStudio',
      title: 'Image Studio',
      extensionUri: this.deps.extensionUri,
      mediaFolder: 'media/imageStudio',
      script: 'imageStudio',
      body: imageStudioBody(`${defaults.width}x${defaults.height}`),
      state,
      validate: validatePanelMessage,
      log: this.deps.log,
    });
    channel.onMessage((message) =>
      this.onMessage(message).catch((error: unknown) => {
        const text = error instanceof Error ? error.message : String(error);
        this.deps.log.error(`Image Studio: ${message.type} failed: ${text}`);
        channel.post({ type: 'error', message: `${message.type === 'copyPrompt' ? 'Copy Prompt' : 'That action'} failed: ${text}` });
      }),
    );
    channel.onDidDispose(() => {
      if (this.channel === channel) this.channel = undefined;
      this.running?.cancel();
    });
    this.channel = channel;
    this.offerShippedModels(channel);
    return channel;
  }

  /** Not awaited: the panel is usable before the engine answers. */
  private offerShippedModels(channel: WebviewChannel<PanelMessage, HostMessage>): void {
    this.deps
      .engine()
      .models()
      .then(
        (info) => channel.post({ type: 'models', shipped: info.shipped.filter((m) => m.kind === 'diffusion').map((m) => m.name) }),
        (error: Error) => this.deps.log.warn(`Image Studio: could not list the shipped models: ${error.message}`),
      );
  }

  private async onMessage(message: PanelMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return;
      case 'generate':
        await this.generate(message.request);
        return;
      case 'cancel':
        this.running?.cancel();
        return;
      case 'save':
        await this.save(message.id);
        return;
      case 'copyPrompt': {
        const image = this.image(message.id);
        if (!image) return;
        await vscode.env.clipboard.writeText(image.params.prompt);
        this.channel?.post({ type: 'notice', message: 'Prompt copied to the clipboard.' });
        return;
      }
    }
  }

  private async generate(request: ImageRequest): Promise<ImageRun | undefined> {
    const post = (message: HostMessage) => this.channel?.post(message);
    if (this.running) {
      const message = 'An image is being generated: wait for it or press Cancel, then generate again.';
      post({ type: 'error', message });
      return { error: message };
    }
    const cancellation = new vscode.CancellationTokenSource();
    this.running = cancellation;
    try {
      return await generateImages(request, { engine: this.deps.engine(), gallery: this.gallery, log: this.deps.log, post }, cancellation.token);
    } finally {
      cancellation.dispose();
      this.running = undefined;
    }
  }

  private image(id: string): GalleryImage | undefined {
    const image = this.gallery.get(id);
    if (!image) this.channel?.post({ type: 'error', message: `That image is no longer in this session's gallery (${id}): generate it again.` });
    return image;
  }

  private async save(id: string): Promise<void> {
    const image = this.image(id);
    const outcome = image && (await saveImage(image, this.deps.log));
    if (outcome) this.channel?.post(outcome);
  }

  dispose(): void {
    this.running?.cancel();
    this.channel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
