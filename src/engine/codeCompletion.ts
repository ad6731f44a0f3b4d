// Inline completion in the engine: the FIM prompt for the model's family within a token budget,
// greedy decoding that resumes from the previous prompt's KV cache, then post-processing.
import { endsInLoop, planCompletion, postProcess, unhealCompletion } from '../core/completion';
import { COMPLETION_DEFAULTS } from '../defaults';
import { EngineErrorCode, type CompleteParams } from '../protocol';
import type { CausalLM } from './causalLM';
import { EngineError } from './errors';
import { generate, type GenerationOutcome } from './textGenerator';

export interface CompletionOutcome extends GenerationOutcome {
  raw: string;
  fimFormat: string;
  shape: 'single' | 'multi';
}

export async function completeCode(model: CausalLM, params: CompleteParams, signal: AbortSignal): Promise<CompletionOutcome> {
  const maxTokens = params.maxTokens ?? COMPLETION_DEFAULTS.maxTokens;
  const promptTokens = params.promptTokens ?? COMPLETION_DEFAULTS.promptTokens;
  if (!Number.isInteger(promptTokens) || promptTokens < 16) throw new EngineError(EngineErrorCode.BadRequest, `promptTokens must be a whole number of at least 16; got ${promptTokens}.`);
  const plan = planCompletion(
    { ...params, maxTokens, promptTokens },
    { fimTokens: model.fimTokens, maxPositions: model.config.maxPositions, countTokens: model.countTokens },
  );
  const outcome = await generate(
    model,
    {
      prompt: plan.prompt,
      maxTokens,
      temperature: 0,
      topK: 0,
      topP: 1,
      seed: 0,
      stop: plan.stop,
      // Post-processing drops a loop within a line, so tokens spent on one are wasted.
      stopWhen: endsInLoop,
      timeBudgetMs: params.timeBudgetMs ?? COMPLETION_DEFAULTS.timeBudgetMs,
    },
    signal,
    () => undefined,
  );
  const completion = unhealCompletion(outcome.text, plan.healed);
  const text = postProcess({ prefix: params.prefix, suffix: params.suffix, languageId: params.languageId, completion, stopStrings: plan.format.stopStrings }) ?? '';
  return { ...outcome, text, raw: outcome.text, fimFormat: plan.format.name, shape: plan.shape };
}
