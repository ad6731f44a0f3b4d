// Defaults shared by the extension's settings (package.json repeats them; a unit test keeps
// the two equal) and the CLI.
import type { DeviceSetting } from '../protocol';

export const DEFAULTS = {
  model: 'genai-code-tiny',
  hubEndpoint: 'https://huggingface.co',
  device: 'auto' as DeviceSetting,
  memoryBudgetMB: 4096,
  idleUnloadSeconds: 900,
  offline: false,
};
