// What Choose Model offers for each role: the setting it writes, and the hub models worth starting with.

export type ModelRole = 'completion' | 'text' | 'image';

export const MODEL_ROLES: Record<ModelRole, { setting: string; label: string; kind: 'causal-lm' | 'diffusion' }> = {
  completion: { setting: 'completion.model', label: 'Inline completion', kind: 'causal-lm' },
  text: { setting: 'text.model', label: 'Generate Text, templates and Ask', kind: 'causal-lm' },
  image: { setting: 'image.model', label: 'Image Studio', kind: 'diffusion' },
};

export interface RecommendedModel {
  id: string;
  role: ModelRole;
  /** Parameters, in billions. */
  billions: number;
  /** The download of the 8-bit weights, which the engine takes first from a hub. */
  download: string;
  why: string;
}

/** ONNX exports (Transformers.js layout) on the Hugging Face hub; the README's table lists the same. */
export const RECOMMENDED_MODELS: readonly RecommendedModel[] = [
  { id: 'onnx-community/Qwen2.5-Coder-0.5B-Instruct', role: 'completion', billions: 0.5, download: '~640 MB', why: 'fill-in-the-middle code model, fast on a CPU' },
  { id: 'onnx-community/Qwen2.5-Coder-1.5B', role: 'completion', billions: 1.5, download: '~1.6 GB', why: 'base code model, the best suggestions of these; wants a GPU or a fast CPU' },
  { id: 'Xenova/deepseek-coder-1.3b-base', role: 'completion', billions: 1.3, download: '~1.4 GB', why: 'fill-in-the-middle code model' },
  { id: 'onnx-community/Qwen2.5-0.5B-Instruct', role: 'text', billions: 0.5, download: '~500 MB', why: 'instruct model with a chat template, fast on a CPU' },
];

/** Whether a setting's value names this hub repository (any revision). */
export function refersTo(settingValue: string, hubId: string): boolean {
  return settingValue === hubId || settingValue.startsWith(`${hubId}@`);
}
