// Defaults shared by the engine, the extension's settings (package.json repeats them; a unit test
// keeps the two equal) and the CLI.
import type { DeviceSetting } from './protocol';

export const DEFAULTS = {
  model: 'genai-code-tiny',
  hubEndpoint: 'https://huggingface.co',
  device: 'auto' as DeviceSetting,
  memoryBudgetMB: 4096,
  idleUnloadSeconds: 900,
  offline: false,
};

/** The shipped text-to-image model: the image command's and the Image Studio's default. */
export const IMAGE_MODEL = 'genai-image-tiny';

export const COMPLETION_DEFAULTS = {
  maxTokens: 64,
  promptTokens: 1024,
  timeBudgetMs: 1500,
};
