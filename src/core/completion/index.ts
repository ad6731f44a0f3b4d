// Public API of the completion core: pure logic, no editor or runtime imports.
export {
  FIM_FORMAT_NAMES,
  detectFimFormat,
  fimTokensOf,
  getFimFormat,
  isFimFormatName,
  resolveFimFormat,
  type ContextFile,
  type FimFormat,
  type FimFormatName,
} from './fimFormats';
export {
  DEFAULT_PROMPT_BUDGET,
  buildPrompt,
  windowPrefix,
  windowSuffix,
  type BuiltPrompt,
  type PromptBudget,
  type PromptOptions,
  type PromptParts,
  type PromptRequest,
  type TokenCounter,
} from './promptBuilder';
export {
  DEFAULT_SNIPPET_WINDOW,
  identifiers,
  jaccard,
  rankSnippets,
  selectSnippets,
  type Snippet,
  type SnippetWindow,
} from './snippetRanker';
export { postProcess, type PostProcessInput } from './postProcess';
export { endsInLoop, loopStart } from './repetition';
export { decideMultiline, type CompletionShape } from './multiline';
export { lineCommentPrefix } from './languageSyntax';
export { CompletionCache, type CompletionCacheOptions } from './completionCache';
export { AdaptiveDebounce, type AdaptiveDebounceOptions, type DebounceContext } from './adaptiveDebounce';
export { isLanguageEnabled } from './languageFilter';
export { CompletionStats, type CompletionStatsSnapshot } from './completionStats';
export { planCompletion, type CompletionInput, type CompletionPlan, type ModelFacts } from './completionPlan';
export { healPrefix, unhealCompletion, type HealedPrefix } from './whitespaceHealing';
