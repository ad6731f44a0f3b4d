// Checks the playground's engine requests field by field (the same schema helpers as webview
// messages), so a bad request gets a reason that names the field instead of a failed forward pass.
import type { DiffusionDemoParams, GanDemoParams, NextTokenParams, VaeDemoParams } from '../../protocol';
import { MAX_SEED } from '../diffusion/noise';
import { boolean, integer, number, object, oneOf, optional, string, type Field, type Validation } from '../webview/messageSchema';

export const DEMO_LIMITS = {
  /** Latent coordinates the VAE demo decodes (the prior puts nearly all mass within +-4). */
  latent: 6,
  count: { min: 1, max: 8 },
  steps: { min: 1, max: 50 },
  topK: { min: 1, max: 20 },
  temperature: { min: 0.05, max: 5 },
  promptChars: 2000,
  nameChars: 100,
} as const;

const seed = integer(0, MAX_SEED);
const prompt = string({ minLength: 1, maxLength: DEMO_LIMITS.promptChars });
const model = optional(string({ minLength: 1, maxLength: 1000 }));

function vector(maxLength: number, bound: number): Field<number[]> {
  return (value, path) => {
    if (!Array.isArray(value) || value.length < 1 || value.length > maxLength) return { ok: false, reason: `${path} must be a list of 1 to ${maxLength} numbers` };
    for (let i = 0; i < value.length; i++) {
      const checked = number(-bound, bound)(value[i], `${path}[${i}]`);
      if (!checked.ok) return checked;
    }
    return { ok: true, value: value as number[] };
  };
}

const VAE_SHAPES = {
  decode: { latent: vector(16, DEMO_LIMITS.latent) },
  sample: { seed, count: integer(DEMO_LIMITS.count.min, DEMO_LIMITS.count.max) },
  interpolate: { from: string({ minLength: 1, maxLength: DEMO_LIMITS.nameChars }), to: string({ minLength: 1, maxLength: DEMO_LIMITS.nameChars }), t: number(0, 1) },
  examples: {},
};

export function checkVaeParams(value: unknown): Validation<VaeDemoParams> {
  const action = (value as { action?: unknown } | null)?.action;
  const checkedAction = oneOf(Object.keys(VAE_SHAPES) as (keyof typeof VAE_SHAPES)[])(action, 'params.action');
  if (!checkedAction.ok) return checkedAction;
  return object({ ...VAE_SHAPES[checkedAction.value], action: oneOf([checkedAction.value]) })(value, 'params') as Validation<VaeDemoParams>;
}

export const checkGanParams = object({ seed, count: integer(DEMO_LIMITS.count.min, DEMO_LIMITS.count.max) }) as (value: unknown, path: string) => Validation<GanDemoParams>;

export const checkDiffusionParams = object({ model, prompt, seed, steps: integer(DEMO_LIMITS.steps.min, DEMO_LIMITS.steps.max), withLatents: optional(boolean()) }) as (
  value: unknown,
  path: string,
) => Validation<DiffusionDemoParams>;

export const checkNextTokenParams = object({
  model,
  prompt,
  temperature: number(DEMO_LIMITS.temperature.min, DEMO_LIMITS.temperature.max),
  topK: integer(DEMO_LIMITS.topK.min, DEMO_LIMITS.topK.max),
  seed,
}) as (value: unknown, path: string) => Validation<NextTokenParams>;
