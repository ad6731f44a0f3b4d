// The Image Studio: "Generate Image..." and the panel. Runs generations through the engine, streams
// the denoising to the panel, keeps this session's gallery, saves PNGs with their parameters.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { EngineProcess } from '../../client/engineProcess';
import { rgbImagePng } from '../../core/image/rgbImage';
import { Gallery } from '../../core/imageStudio/gallery';
import { imageDefaults, type ImageDefaults } from '../../core/imageStudio/imageDefaults';
import { pngMetadata, validatePanelMessage, type GalleryImage, type HostMessage, type ImageRequest, type ImageStudioState, type PanelMessage } from '../../core/imageStudio/messages';
import { REQUEST_CANCELLED, type ImageProgress, type ImageResult } from '../../protocol';
import { SECTION } from '../settings';
import { WebviewChannel } from '../webview/webviewPanel';
import { imageStudioBody } from './imageStudioBody';

export interface ImageStudioDeps {
  engine: () => EngineProcess;
  log: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}

/** What a generation produced, or why it failed (returned by the command, for tests and other extensions). */
export type ImageRun = { result: ImageResult; images: GalleryImage[] } | { error: string };

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
    const jobId = randomUUID();
    const cancellation = new vscode.CancellationTokenSource();
    this.running = cancellation;
    post({ type: 'started', jobId });
    const onProgress = (progress: ImageProgress) =>
      post({
        type: 'progress',
        image: progress.image,
        count: request.count,
        step: progress.step,
        steps: progress.steps,
        preview: progress.preview,
      });
    try {
      const result = await this.deps.engine().generateImage({ jobId, ...request, previewEvery: 1 }, onProgress, cancellation.token);
      const images = result.images.map((image) => ({
        id: this.gallery.nextId(),
        width: image.width,
        height: image.height,
        rgbBase64: image.rgbBase64,
        params: { ...result.params, seed: image.seed },
        device: result.device,
        totalMs: result.totalMs,
      }));
      const dropped = this.gallery.add(images);
      this.deps.log.info(
        `Image Studio: ${images.length} image(s) of "${result.params.prompt}" (seed ${result.params.seed}, ${result.params.steps} ${result.params.scheduler} steps, ` +
          `${result.params.width}x${result.params.height}) on ${result.device} in ${Math.round(result.totalMs)} ms (${result.msPerStep.toFixed(1)} ms/step); ${result.finishReason}.`,
      );
      post({ type: 'images', images });
      if (dropped.length) {
        this.deps.log.info(`Image Studio: the gallery let go of its ${dropped.length} oldest image(s) to stay within its memory budget.`);
        post({ type: 'dropped', ids: dropped });
      }
      post({ type: 'finished', finishReason: result.finishReason });
      return { result, images };
    } catch (error) {
      if ((error as { code?: number }).code === REQUEST_CANCELLED) {
        post({ type: 'finished', finishReason: 'cancelled' });
        return undefined;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.error(`Image Studio: generation failed: ${message}`);
      post({ type: 'error', message });
      post({ type: 'finished', finishReason: 'failed' });
      return { error: message };
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

  /** Writes the PNG where the user chooses (the workspace folder by default), with its parameters as text. */
  private async save(id: string): Promise<void> {
    const image = this.image(id);
    if (!image) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const slug = image.params.prompt.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'image';
    const name = `${slug}-${image.params.seed}.png`;
    const target = await vscode.window.showSaveDialog({
      title: 'Save Image',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { 'PNG image': ['png'] },
      saveLabel: 'Save PNG',
    });
    if (!target) return;
    try {
      const png = rgbImagePng(image, pngMetadata(image.params));
      await vscode.workspace.fs.writeFile(target, png);
      this.deps.log.info(`Image Studio: saved ${target.toString(true)}`);
      this.channel?.post({ type: 'notice', message: `Saved ${vscode.workspace.asRelativePath(target)}` });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.channel?.post({ type: 'error', message: `Could not save ${target.toString(true)}: ${message}. Choose another folder.` });
    }
  }

  dispose(): void {
    this.running?.cancel();
    this.channel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
