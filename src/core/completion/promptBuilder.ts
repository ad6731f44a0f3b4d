// Builds the model prompt within a token budget, laid out for KV-cache reuse:
// the engine resumes from the longest common token prefix with the previous
// prompt, so what changes per keystroke must come as late as possible.
import type { ContextFile, FimFormat } from './fimFormats';
import { DEFAULT_SNIPPET_WINDOW, rankSnippets, selectSnippets, type Snippet, type SnippetWindow } from './snippetRanker';

export type TokenCounter = (text: string) => number;

export interface PromptBudget {
  readonly totalTokens: number;
  /** Share of totalTokens for the text before the cursor. */
  readonly prefixShare: number;
  /** Most of totalTokens the text after the cursor may take; what it leaves goes to snippets. */
  readonly suffixShare: number;
}

export const DEFAULT_PROMPT_BUDGET: PromptBudget = { totalTokens: 1024, prefixShare: 0.7, suffixShare: 0.2 };

export interface PromptRequest {
  /** Whole document text before the cursor. */
  readonly prefix: string;
  /** Whole document text after the cursor. */
  readonly suffix: string;
  readonly filePath: string;
  readonly languageId: string;
  readonly repoName?: string;
  /** Other open or recently edited files to draw snippets from. */
  readonly contextFiles?: readonly ContextFile[];
}

export interface PromptOptions {
  readonly format: FimFormat;
  readonly countTokens: TokenCounter;
  readonly budget?: Partial<PromptBudget>;
  /** The prefix window starts on a multiple of this many lines (see windowPrefix); default 32. */
  readonly prefixBlockLines?: number;
  /** Lines above the cursor's line that snippets are compared with; default 20. */
  readonly queryLines?: number;
  readonly snippetWindow?: SnippetWindow;
}

export interface PromptParts {
  /** Repository header, snippets and current-file header, rendered for the format. */
  readonly context: string;
  readonly snippets: readonly Snippet[];
  readonly prefix: string;
  readonly suffix: string;
}

export interface BuiltPrompt {
  readonly prompt: string;
  readonly parts: PromptParts;
}

/** The longest head (or tail) of `text` within `budget`, found by bisection for lines too long to keep whole. */
function fitCharacters(text: string, budget: number, count: TokenCounter, keep: 'head' | 'tail'): string {
  const cut = (length: number) => (keep === 'head' ? text.slice(0, length) : text.slice(text.length - length));
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (count(cut(mid)) <= budget) low = mid;
    else high = mid - 1;
  }
  return cut(low);
}

/**
 * The end of `prefix` within `budget`. The window starts on a line that is a
 * multiple of `blockLines`, so while the user types it stays put until the
 * budget overflows, then drops a whole block at once instead of sliding (and
 * invalidating the engine's cache) one line per keystroke.
 */
export function windowPrefix(prefix: string, budget: number, count: TokenCounter, blockLines: number): string {
  const lines = prefix.split('\n');
  const last = lines.length - 1;
  // Counted a line at a time: only the cursor's line changes while the user types, so with a
  // memoized counter it is the only text tokenized again. A sum of line counts may differ from the
  // joined text's by a token or so at a line break; the engine keeps the end of a prompt that still
  // overflows.
  let total = count(lines[last]);
  if (total > budget) return fitCharacters(lines[last], budget, count, 'tail');
  let start = last;
  let fitting = last;
  while (start > 0) {
    total += count(`${lines[start - 1]}\n`);
    if (total > budget) break;
    start--;
    if (start % blockLines === 0) fitting = start;
  }
  // Whole blocks when the cursor's block fits; otherwise the whole lines that fit.
  const cursorBlock = last - (last % blockLines);
  return lines.slice(start <= cursorBlock ? fitting : start).join('\n');
}

/** The start of `suffix` within `budget`, in whole lines where possible. */
export function windowSuffix(suffix: string, budget: number, count: TokenCounter): string {
  const lines = suffix.split('\n');
  let fitting = '';
  for (let end = 1; end <= lines.length; end++) {
    const candidate = lines.slice(0, end).join('\n');
    if (count(candidate) > budget) {
      return end === 1 ? fitCharacters(lines[0], budget, count, 'head') : fitting;
    }
    fitting = candidate;
  }
  return fitting;
}

/** The lines above the cursor's line: unlike the line being typed, they change only when the cursor moves to another line, so the chosen snippets stay put. */
function snippetQuery(prefix: string, queryLines: number): string {
  const lineStart = prefix.lastIndexOf('\n');
  if (lineStart === -1) return prefix;
  return prefix.slice(0, lineStart).split('\n').slice(-queryLines).join('\n');
}

function buildContext(
  request: PromptRequest,
  options: PromptOptions,
  budget: number,
): { context: string; snippets: Snippet[] } {
  const { format, countTokens } = options;
  const repo = request.repoName === undefined ? '' : format.repoHeader(request.repoName);
  const candidates = (request.contextFiles ?? []).filter((file) => file.path !== request.filePath);
  const header = format.currentFileHeader(request.filePath, request.languageId);
  const ranked = rankSnippets(
    snippetQuery(request.prefix, options.queryLines ?? 20),
    candidates,
    options.snippetWindow ?? DEFAULT_SNIPPET_WINDOW,
  );
  const snippets = selectSnippets(ranked, budget - countTokens(repo + header), (snippet) =>
    countTokens(format.contextFile(snippet, request.languageId)),
  );
  if (snippets.length === 0 && repo === '') return { context: '', snippets };
  const files = snippets.map((snippet) => format.contextFile(snippet, request.languageId)).join('');
  return { context: `${repo}${files}${header}`, snippets };
}

/** Prompt for `request`: context first (stable), then the block-aligned prefix window, then the suffix. */
export function buildPrompt(request: PromptRequest, options: PromptOptions): BuiltPrompt {
  const { format, countTokens } = options;
  const budget = { ...DEFAULT_PROMPT_BUDGET, ...options.budget };
  // Without a suffix in the prompt, its share goes to the prefix.
  const prefixShare = budget.prefixShare + (format.usesSuffix ? 0 : budget.suffixShare);
  const prefixBudget = Math.floor(budget.totalTokens * prefixShare);
  const suffix = format.usesSuffix
    ? windowSuffix(request.suffix, Math.floor(budget.totalTokens * budget.suffixShare), countTokens)
    : '';
  const prefix = windowPrefix(request.prefix, prefixBudget, countTokens, options.prefixBlockLines ?? 32);
  // The suffix does not change while typing at the cursor, so its unused share is a stable gift to snippets.
  const contextBudget = budget.totalTokens - prefixBudget - countTokens(suffix);
  const { context, snippets } = buildContext(request, options, contextBudget);
  return { prompt: format.assemble(context, prefix, suffix), parts: { context, snippets, prefix, suffix } };
}
