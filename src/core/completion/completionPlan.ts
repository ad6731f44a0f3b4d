// What the engine sends to the model for one inline completion: the FIM prompt within the
// model's context, the suggestion's shape and where to stop. Shared by the engine and the
// benchmark that rebuilds the engine's prompts.
import type { ContextFile, FimFormat } from './fimFormats';
import { resolveFimFormat } from './fimFormats';
import { decideMultiline, type CompletionShape } from './multiline';
import { buildPrompt, type PromptParts, type TokenCounter } from './promptBuilder';
import { healPrefix } from './whitespaceHealing';

export interface CompletionInput {
  filePath: string;
  languageId: string;
  prefix: string;
  suffix: string;
  contextFiles?: readonly ContextFile[];
  fimFormat?: string;
  maxTokens: number;
  promptTokens: number;
}

export interface ModelFacts {
  /** The FIM marker tokens the tokenizer knows (`fimTokensOf`). */
  fimTokens: ReadonlySet<string>;
  /** The model's context length in tokens. */
  maxPositions: number;
  countTokens: TokenCounter;
}

export interface CompletionPlan {
  prompt: string;
  /** What the prompt is made of (a server with its own FIM template, llama.cpp's /infill, takes these). */
  parts: PromptParts;
  format: FimFormat;
  shape: CompletionShape;
  stop: readonly string[];
  /** Spaces and tabs before the cursor that the prompt leaves out: the answer starts with them. */
  healed: string;
}

/**
 * The suffix window of a prompt that reads it again on every keystroke: 5% of the budget (~50 tokens, a few
 * lines) instead of 20%. Measured on a Qwen2.5-Coder-0.5B-shaped model on the CPU: with the 20% window,
 * 47% of prompt tokens came from the KV cache and the first token took 1.4 s (bench/RESULTS.md).
 */
const REREAD_SUFFIX_SHARE = 0.05;

export function planCompletion(input: CompletionInput, model: ModelFacts): CompletionPlan {
  const format = resolveFimFormat(input.fimFormat ?? 'auto', model.fimTokens);
  const { prefix, healed } = healPrefix(input.prefix);
  const { prompt, parts } = buildPrompt(
    { prefix, suffix: input.suffix, filePath: input.filePath, languageId: input.languageId, contextFiles: input.contextFiles },
    // Leave room for the answer inside the model's context.
    {
      format,
      countTokens: model.countTokens,
      budget: { totalTokens: Math.min(input.promptTokens, model.maxPositions - input.maxTokens - 8), ...(format.rereadsSuffix ? { suffixShare: REREAD_SUFFIX_SHARE } : {}) },
    },
  );
  const shape = decideMultiline(input.prefix, input.suffix, input.languageId);
  // A single-line suggestion can stop at the first newline instead of spending tokens on more.
  return { prompt, parts, format, shape, stop: shape === 'single' ? [...format.stopStrings, '\n'] : format.stopStrings, healed };
}
