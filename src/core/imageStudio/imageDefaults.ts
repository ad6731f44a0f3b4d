// Image Studio defaults and how raw settings become a valid form: out-of-range values are clamped,
// an unreadable size or unknown scheduler falls back to the default, so a bad setting never breaks the panel.
import { IMAGE_LIMITS, parseSize, SCHEDULER_CHOICES, type ImageStudioState, type SchedulerChoice } from './messages';

export type ImageDefaults = ImageStudioState['defaults'];

/** Tuned for the shipped genai-image-tiny (its card: 20 DDIM steps, guidance 4, 32x32). */
export const IMAGE_DEFAULTS: ImageDefaults = {
  model: 'genai-image-tiny',
  steps: 20,
  guidance: 4,
  scheduler: 'auto',
  width: 32,
  height: 32,
  count: 1,
};

export interface RawImageSettings {
  model?: unknown;
  steps?: unknown;
  guidance?: unknown;
  scheduler?: unknown;
  size?: unknown;
}

function clamp(value: unknown, limits: { min: number; max: number }, fallback: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  const clamped = Math.min(limits.max, Math.max(limits.min, value));
  return integer ? Math.round(clamped) : clamped;
}

export function imageDefaults(raw: RawImageSettings): ImageDefaults {
  const size = typeof raw.size === 'string' ? parseSize(raw.size) : undefined;
  const model = typeof raw.model === 'string' ? raw.model.trim() : '';
  return {
    model: model && model.length <= IMAGE_LIMITS.modelChars ? model : IMAGE_DEFAULTS.model,
    steps: clamp(raw.steps, IMAGE_LIMITS.steps, IMAGE_DEFAULTS.steps, true),
    guidance: clamp(raw.guidance, IMAGE_LIMITS.guidance, IMAGE_DEFAULTS.guidance, false),
    scheduler: SCHEDULER_CHOICES.includes(raw.scheduler as SchedulerChoice) ? (raw.scheduler as SchedulerChoice) : IMAGE_DEFAULTS.scheduler,
    width: size?.width ?? IMAGE_DEFAULTS.width,
    height: size?.height ?? IMAGE_DEFAULTS.height,
    count: IMAGE_DEFAULTS.count,
  };
}
