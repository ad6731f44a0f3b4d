import { TEXT_DEFAULTS } from '../../core/generation/defaults';
import type { GenerateParams } from '../../protocol';
import type { GenerationRequest } from '../textGenerator';

/** A request's sampling settings with the text defaults filled in. */
export function samplingOf(params: Omit<GenerateParams, 'prompt' | 'jobId'>): Omit<GenerationRequest, 'prompt' | 'stop'> {
  return {
    maxTokens: params.maxTokens ?? TEXT_DEFAULTS.maxTokens,
    temperature: params.temperature ?? TEXT_DEFAULTS.temperature,
    topK: params.topK ?? TEXT_DEFAULTS.topK,
    topP: params.topP ?? TEXT_DEFAULTS.topP,
    seed: params.seed ?? 0,
    timeBudgetMs: params.timeBudgetMs,
  };
}

/** `engine/generate` (a raw continuation, for the CLI and benchmarks): greedy and 128 tokens unless asked. */
export function rawSamplingOf(params: Omit<GenerateParams, 'prompt' | 'jobId'>): Omit<GenerationRequest, 'prompt'> {
  return {
    maxTokens: params.maxTokens ?? 128,
    temperature: params.temperature ?? 0,
    topK: params.topK ?? 0,
    topP: params.topP ?? 1,
    seed: params.seed ?? 0,
    stop: params.stop ?? [],
    timeBudgetMs: params.timeBudgetMs,
  };
}
