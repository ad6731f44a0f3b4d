// Which kind of Stable-Diffusion pipeline a folder holds, from its model_index.json, its scheduler
// config and its UNet's inputs, and what each kind uses when a request leaves a parameter out.
import type { SchedulerName } from '../../protocol';
import { schedulerOfClass, spacingOf, type SchedulerConfig } from './schedulers';

/** sd: classic (CFG, ~20+ steps); sd-turbo: distilled, Euler trailing, 1-4 steps, no guidance; lcm: latent consistency (`timestep_cond`). */
export type DiffusionVariant = 'sd' | 'sd-turbo' | 'lcm';

export interface VariantEvidence {
  modelIndex: Record<string, unknown>;
  schedulerConfig: SchedulerConfig;
  unetInputNames: readonly string[];
}

export function detectVariant({ modelIndex, schedulerConfig, unetInputNames }: VariantEvidence): DiffusionVariant {
  const schedulerClass = schedulerConfig._class_name ?? indexedSchedulerClass(modelIndex);
  if (unetInputNames.includes('timestep_cond') || schedulerClass === 'LCMScheduler') return 'lcm';
  const name = String(modelIndex._name_or_path ?? '');
  if (/turbo/i.test(name)) return 'sd-turbo';
  if (schedulerOfClass(schedulerClass) === 'euler' && spacingOf(schedulerConfig) === 'trailing') return 'sd-turbo';
  return 'sd';
}

/** model_index.json names the scheduler as ["diffusers", "DDIMScheduler"]. */
function indexedSchedulerClass(modelIndex: Record<string, unknown>): string | undefined {
  const entry = modelIndex.scheduler;
  return Array.isArray(entry) && typeof entry[1] === 'string' ? entry[1] : undefined;
}

export interface VariantDefaults {
  steps: number;
  guidance: number;
  /** Used when the scheduler config names none of ours. */
  scheduler: SchedulerName;
}

export const VARIANT_DEFAULTS: Record<DiffusionVariant, VariantDefaults> = {
  sd: { steps: 20, guidance: 4, scheduler: 'ddim' },
  'sd-turbo': { steps: 4, guidance: 0, scheduler: 'euler' },
  // LCM's guidance goes into the UNet as an embedding (`timestep_cond`), not through a second batch.
  lcm: { steps: 4, guidance: 8.5, scheduler: 'lcm' },
};

/** The scheduler a request gets with `auto`: the config's, else the variant's. */
export function defaultScheduler(variant: DiffusionVariant, config: SchedulerConfig): SchedulerName {
  return schedulerOfClass(config._class_name) ?? VARIANT_DEFAULTS[variant].scheduler;
}

/** Whether the variant runs classifier-free guidance as a batch of two (LCM embeds the guidance instead). */
export function usesClassifierFreeGuidance(variant: DiffusionVariant, guidance: number): boolean {
  return variant !== 'lcm' && guidance > 1;
}
