// "Generate Text": a prompt to the model as a user message (instruct models) or as text to continue.
import type { GenerateTextParams, PromptFormat } from '../../protocol';
import type { CausalLM } from '../causalLM';
import { generateWithoutLoops, type GenerationOutcome, type PassRunner } from '../textGenerator';
import { samplingOf } from './sampling';
import { resolveRenderer } from './promptFormat';

export async function generateFromPrompt(
  model: CausalLM,
  params: GenerateTextParams,
  signal: AbortSignal,
  onText: (text: string) => void,
  runPass?: PassRunner,
): Promise<GenerationOutcome & { promptFormat: PromptFormat }> {
  const { format, chat } = resolveRenderer(model, params.promptFormat);
  const prompt = chat ? chat([{ role: 'user', content: params.prompt }]) : params.prompt;
  const outcome = await generateWithoutLoops(model, { ...samplingOf(params), prompt, stop: params.stop ?? [], runPass }, signal, onText);
  return { ...outcome, promptFormat: format };
}
