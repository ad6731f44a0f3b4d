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
  /** The download of the 8-bit weights, which the engine takes first from a hub, in MB. */
  downloadMB: number;
  why: string;
}

/** ONNX exports (Transformers.js layout) on the Hugging Face hub; the README's table lists the same. */
export const RECOMMENDED_MODELS: readonly RecommendedModel[] = [
  { id: 'onnx-community/Qwen2.5-Coder-0.5B-Instruct', role: 'completion', billions: 0.5, downloadMB: 640, why: 'fill-in-the-middle code model, fast on a CPU' },
  { id: 'onnx-community/Qwen2.5-Coder-1.5B', role: 'completion', billions: 1.5, downloadMB: 1600, why: 'base code model, the best suggestions of these; wants a GPU or a fast CPU' },
  { id: 'Xenova/deepseek-coder-1.3b-base', role: 'completion', billions: 1.3, downloadMB: 1400, why: 'fill-in-the-middle code model' },
  { id: 'onnx-community/Qwen2.5-0.5B-Instruct', role: 'text', billions: 0.5, downloadMB: 500, why: 'instruct model with a chat template, fast on a CPU' },
];

/**
 * What the engine holds beside the weights while it works: ONNX Runtime, the KV cache, and the logits of a
 * long prefill (151,936 floats a position). Measured: a Qwen2.5-Coder-0.5B-shaped model with 2.0 GB of
 * fp32 weights ran at 3.9 GB resident (issue 16), so 1.9 GB.
 */
const WORKING_MEMORY_MB = 1900;

export function memoryNeededMB(model: Pick<RecommendedModel, 'downloadMB'>): number {
  return model.downloadMB + WORKING_MEMORY_MB;
}

/** `~640 MB`, `~1.6 GB`. */
export function formatSize(mb: number): string {
  return mb < 1000 ? `~${Math.round(mb)} MB` : `~${(mb / 1000).toFixed(1)} GB`;
}

/** Whether a model fits beside the editor and the system: it may take three quarters of the memory. */
export function machineFit(neededMB: number, totalMB: number): { fits: boolean; text: string } {
  const total = `${Math.round(totalMB / 1024)} GB`;
  return neededMB <= 0.75 * totalMB
    ? { fits: true, text: `needs ${formatSize(neededMB)} of memory; fits this machine (${total})` }
    : { fits: false, text: `needs ${formatSize(neededMB)} of memory, more than this machine (${total}) can spare` };
}

/** Whether a setting's value names this hub repository (any revision). */
export function refersTo(settingValue: string, hubId: string): boolean {
  return settingValue === hubId || settingValue.startsWith(`${hubId}@`);
}
