// The "generation" half of retrieval-augmented generation: the retrieved passages that fit the model's
// context go into the prompt (chat template or plain), and the answer streams back.
import { assembleAskPrompt, askMessages, plainAskPrompt, PLAIN_ASK_STOP } from '../../core/retrieval';
import { ASK_DEFAULTS } from '../../core/generation/defaults';
import { EngineErrorCode, type AskParams, type PromptFormat, type RetrievedSource } from '../../protocol';
import type { CausalLM } from '../causalLM';
import { EngineError } from '../errors';
import { generateWithoutLoops, type GenerationOutcome, type PassRunner } from '../textGenerator';
import { resolveRenderer } from '../generation/promptFormat';
import { samplingOf } from '../generation/sampling';

export interface AnswerOutcome extends GenerationOutcome {
  promptFormat: PromptFormat;
  used: RetrievedSource[];
}

export async function answerQuestion(model: CausalLM, params: AskParams, sources: RetrievedSource[], signal: AbortSignal, onText: (text: string) => void, runPass?: PassRunner): Promise<AnswerOutcome> {
  const { format, chat } = resolveRenderer(model, params.promptFormat);
  const sampling = samplingOf({ ...params, temperature: params.temperature ?? ASK_DEFAULTS.temperature });
  // Small models have small contexts: the answer gets at most a quarter of it, the passages the rest.
  const limit = model.config.maxPositions;
  const maxTokens = Math.max(1, Math.min(sampling.maxTokens, Math.floor(limit / 4)));
  let assembled;
  try {
    assembled = assembleAskPrompt(params.question, sources, {
      countTokens: (text) => model.tokenizer.encode(text, { add_special_tokens: false }).length,
      budgetTokens: limit - maxTokens,
      render: chat ? (context, question) => chat(askMessages(context, question)) : plainAskPrompt,
    });
  } catch (error) {
    if (error instanceof RangeError) throw new EngineError(EngineErrorCode.BadRequest, error.message);
    throw error;
  }
  const outcome = await generateWithoutLoops(model, { ...sampling, maxTokens, prompt: assembled.prompt, stop: chat ? [] : PLAIN_ASK_STOP, runPass }, signal, onText);
  return { ...outcome, promptFormat: format, used: assembled.used };
}
