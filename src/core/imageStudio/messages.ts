// The Image Studio's messages between the panel (webview) and the extension, and the validation of
// everything the panel sends. Shared by both sides; pure.
import { SCHEDULERS, type ResolvedImageParams, type RgbImage, type SchedulerName } from '../../protocol';
import { MAX_SEED } from '../diffusion/noise';
import { IMAGE_LIMITS as PIPELINE_LIMITS } from '../diffusion/params';
import { integer, messages, number, object, oneOf, optional, string, type MessageOf, type Validation } from '../webview/messageSchema';

/** The pipeline's own limits, so the panel refuses exactly what the engine would. */
export const IMAGE_LIMITS = {
  promptChars: 2000,
  modelChars: 1000,
  steps: { min: 1, max: PIPELINE_LIMITS.maxSteps },
  guidance: { min: 0, max: PIPELINE_LIMITS.maxGuidance },
  seed: { min: 0, max: MAX_SEED },
  side: { min: 8, max: PIPELINE_LIMITS.maxSide },
  count: { min: 1, max: PIPELINE_LIMITS.maxCount },
  idChars: 64,
} as const;

export type SchedulerChoice = SchedulerName | 'auto';
export const SCHEDULER_CHOICES: readonly SchedulerChoice[] = ['auto', ...SCHEDULERS];

/** What the panel's form holds; `seed` undefined means a random one. */
export interface ImageRequest {
  prompt: string;
  negativePrompt: string;
  model: string;
  steps: number;
  guidance: number;
  seed?: number;
  width: number;
  height: number;
  scheduler: SchedulerChoice;
  count: number;
}

const side = integer(IMAGE_LIMITS.side.min, IMAGE_LIMITS.side.max);
const imageId = string({ minLength: 1, maxLength: IMAGE_LIMITS.idChars });

export const imageRequestShape = {
  prompt: string({ minLength: 1, maxLength: IMAGE_LIMITS.promptChars }),
  negativePrompt: string({ maxLength: IMAGE_LIMITS.promptChars }),
  model: string({ minLength: 1, maxLength: IMAGE_LIMITS.modelChars }),
  steps: integer(IMAGE_LIMITS.steps.min, IMAGE_LIMITS.steps.max),
  guidance: number(IMAGE_LIMITS.guidance.min, IMAGE_LIMITS.guidance.max),
  seed: optional(integer(IMAGE_LIMITS.seed.min, IMAGE_LIMITS.seed.max)),
  width: side,
  height: side,
  scheduler: oneOf(SCHEDULER_CHOICES),
  count: integer(IMAGE_LIMITS.count.min, IMAGE_LIMITS.count.max),
};

const panelShapes = {
  ready: {},
  generate: { request: object(imageRequestShape) },
  cancel: {},
  save: { id: imageId },
  copyPrompt: { id: imageId },
};

/** A message from the panel that passed validation. */
export type PanelMessage = MessageOf<typeof panelShapes>;

export const validatePanelMessage: (value: unknown) => Validation<PanelMessage> = messages(panelShapes);

/** One image of the session's gallery with what made it. */
export interface GalleryImage extends RgbImage {
  id: string;
  /** The parameters of this image (its own seed: image i of a batch uses seed + i). */
  params: ResolvedImageParams;
  device: string;
  totalMs: number;
}

/** Messages from the extension to the panel. */
export type HostMessage =
  | { type: 'defaults'; request: Omit<ImageRequest, 'prompt' | 'negativePrompt' | 'seed'> }
  | { type: 'start'; request: ImageRequest }
  | { type: 'started'; jobId: string }
  | { type: 'progress'; image: number; count: number; step: number; steps: number; preview?: RgbImage }
  | { type: 'images'; images: GalleryImage[] }
  /** Images the gallery let go of to stay within its memory budget: the panel removes their cards. */
  | { type: 'dropped'; ids: string[] }
  | { type: 'finished'; finishReason: 'done' | 'cancelled' | 'failed' }
  | { type: 'error'; message: string }
  | { type: 'notice'; message: string }
  /** The shipped text-to-image models, offered next to the model field. */
  | { type: 'models'; shipped: string[] };

/** What the panel starts with. */
export interface ImageStudioState {
  defaults: Omit<ImageRequest, 'prompt' | 'negativePrompt' | 'seed'>;
  gallery: GalleryImage[];
}

/** Parses a size setting like "32x32". */
export function parseSize(text: string): { width: number; height: number } | undefined {
  const match = /^\s*(\d{1,4})\s*[xX×]\s*(\d{1,4})\s*$/.exec(text);
  if (!match) return undefined;
  const [width, height] = [Number(match[1]), Number(match[2])];
  const inRange = (n: number) => n >= IMAGE_LIMITS.side.min && n <= IMAGE_LIMITS.side.max;
  return inRange(width) && inRange(height) ? { width, height } : undefined;
}

/** The PNG text entries that let anyone reproduce the image. */
export function pngMetadata(params: ResolvedImageParams): Record<string, string> {
  return {
    prompt: params.prompt,
    negative_prompt: params.negativePrompt,
    seed: String(params.seed),
    steps: String(params.steps),
    guidance: String(params.guidance),
    scheduler: params.scheduler,
    size: `${params.width}x${params.height}`,
    model: params.model,
    Software: 'GenAI Studio',
  };
}
