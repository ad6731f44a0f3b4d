// One Image Studio generation: the engine denoises, each step's preview streams to the panel, and the
// finished images join the session's gallery. Failures and cancellation end in a `finished` message,
// so the panel never waits for one that will not come.
import { randomUUID } from 'node:crypto';
import type * as vscode from 'vscode';
import type { EngineProcess } from '../../client/engineProcess';
import type { Gallery } from '../../core/imageStudio/gallery';
import type { GalleryImage, HostMessage, ImageRequest } from '../../core/imageStudio/messages';
import { REQUEST_CANCELLED, type ImageProgress, type ImageResult } from '../../protocol';

/** What a generation produced, or why it failed (returned by the command, for tests and other extensions). */
export type ImageRun = { result: ImageResult; images: GalleryImage[] } | { error: string };

export interface ImageGenerationDeps {
  engine: EngineProcess;
  gallery: Gallery;
  log: vscode.LogOutputChannel;
  /** To the panel, when one is open. */
  post: (message: HostMessage) => void;
}

/** Undefined when the user cancelled. */
export async function generateImages(request: ImageRequest, deps: ImageGenerationDeps, token: vscode.CancellationToken): Promise<ImageRun | undefined> {
  const { post, log, gallery } = deps;
  const jobId = randomUUID();
  post({ type: 'started', jobId });
  const onProgress = (progress: ImageProgress) =>
    post({ type: 'progress', image: progress.image, count: request.count, step: progress.step, steps: progress.steps, preview: progress.preview });
  try {
    const result = await deps.engine.generateImage({ jobId, ...request, previewEvery: 1 }, onProgress, token);
    const images = result.images.map((image) => ({
      id: gallery.nextId(),
      width: image.width,
      height: image.height,
      rgbBase64: image.rgbBase64,
      params: { ...result.params, seed: image.seed },
      device: result.device,
      totalMs: result.totalMs,
    }));
    const dropped = gallery.add(images);
    log.info(
      `Image Studio: ${images.length} image(s) of "${result.params.prompt}" (seed ${result.params.seed}, ${result.params.steps} ${result.params.scheduler} steps, ` +
        `${result.params.width}x${result.params.height}) on ${result.device} in ${Math.round(result.totalMs)} ms (${result.msPerStep.toFixed(1)} ms/step); ${result.finishReason}.`,
    );
    post({ type: 'images', images });
    if (dropped.length) {
      log.info(`Image Studio: the gallery let go of its ${dropped.length} oldest image(s) to stay within its memory budget.`);
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
    log.error(`Image Studio: generation failed: ${message}`);
    post({ type: 'error', message });
    post({ type: 'finished', finishReason: 'failed' });
    return { error: message };
  }
}
