// The Model Playground's messages between the panel (webview) and the extension, and the validation of
// everything the panel sends. Shared by both sides; pure.
import { DEMO_NAMES, type DemoName, type DiffusionDemoResult, type GanDemoResult, type NextTokenResult, type VaeDemoResult } from '../../protocol';
import { MAX_SEED } from '../diffusion/noise';
import { integer, messages, number, string, type MessageOf } from '../webview/messageSchema';
import { DEMO_LIMITS } from './demoParams';

export interface PlaygroundState {
  /** The section to show first. */
  demo: DemoName;
}

const PANEL_MESSAGES = {
  ready: {},
  vaeDecode: { z1: number(-DEMO_LIMITS.latent, DEMO_LIMITS.latent), z2: number(-DEMO_LIMITS.latent, DEMO_LIMITS.latent) },
  vaeSample: { seed: integer(0, MAX_SEED) },
  vaeInterpolate: { from: string({ minLength: 1, maxLength: DEMO_LIMITS.nameChars }), to: string({ minLength: 1, maxLength: DEMO_LIMITS.nameChars }), t: number(0, 1) },
  vaeExamples: {},
  gan: { seed: integer(0, MAX_SEED) },
  diffusion: { prompt: string({ minLength: 1, maxLength: DEMO_LIMITS.promptChars }), seed: integer(0, MAX_SEED), steps: integer(DEMO_LIMITS.steps.min, DEMO_LIMITS.steps.max) },
  nextToken: {
    prompt: string({ minLength: 1, maxLength: DEMO_LIMITS.promptChars }),
    temperature: number(DEMO_LIMITS.temperature.min, DEMO_LIMITS.temperature.max),
    seed: integer(0, MAX_SEED),
  },
};

export type PanelMessage = MessageOf<typeof PANEL_MESSAGES>;
export const validatePanelMessage = messages(PANEL_MESSAGES);

/** Which demo each panel message runs (its context key is set when it succeeds). */
export function demoOf(message: Exclude<PanelMessage, { type: 'ready' }>): DemoName {
  return message.type.startsWith('vae') ? 'vae' : message.type === 'nextToken' ? 'transformer' : (message.type as DemoName);
}

export function isDemoName(value: unknown): value is DemoName {
  return typeof value === 'string' && (DEMO_NAMES as readonly string[]).includes(value);
}

/** How many bars the transformer demo shows. */
export const NEXT_TOKEN_BARS = 10;
/** Samples the VAE and GAN demos draw at once. */
export const DEMO_SAMPLES = 4;

export type HostMessage =
  | { type: 'show'; demo: DemoName }
  | { type: 'vae'; request: 'decode' | 'sample' | 'interpolate' | 'examples'; result: VaeDemoResult }
  | { type: 'gan'; result: GanDemoResult }
  | { type: 'diffusion'; result: DiffusionDemoResult }
  | { type: 'nextToken'; prompt: string; result: NextTokenResult }
  | { type: 'error'; demo: DemoName; message: string };
