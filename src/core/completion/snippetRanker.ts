// Picks windows of other files that look like the code around the cursor
// (Jaccard similarity over identifier sets) and fits them into a token budget.
import type { ContextFile } from './fimFormats';

export interface Snippet extends ContextFile {
  /** 0-based line of the window's first line in its file. */
  readonly startLine: number;
  /** Jaccard similarity to the query, in (0, 1]. */
  readonly score: number;
}

export interface SnippetWindow {
  readonly windowLines: number;
  readonly stepLines: number;
}

export const DEFAULT_SNIPPET_WINDOW: SnippetWindow = { windowLines: 20, stepLines: 10 };

/** Identifiers of two characters or more: single letters (i, x) match everywhere and say little. */
export function identifiers(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][\w$]+/g) ?? []);
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/** Every window of every file that shares an identifier with the query, best first. */
export function rankSnippets(
  query: string,
  files: readonly ContextFile[],
  window: SnippetWindow = DEFAULT_SNIPPET_WINDOW,
): Snippet[] {
  const wanted = identifiers(query);
  const ranked: Snippet[] = [];
  for (const file of files) {
    const lines = file.text.split('\n');
    for (let start = 0; start < lines.length; start += window.stepLines) {
      const text = lines.slice(start, start + window.windowLines).join('\n');
      const score = jaccard(wanted, identifiers(text));
      if (score > 0) ranked.push({ path: file.path, startLine: start, text, score });
      if (start + window.windowLines >= lines.length) break;
    }
  }
  return ranked.sort((a, b) => b.score - a.score || compareByPlace(a, b));
}

function compareByPlace(a: Snippet, b: Snippet): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine;
}

function overlaps(a: Snippet, b: Snippet): boolean {
  if (a.path !== b.path) return false;
  const aEnd = a.startLine + a.text.split('\n').length;
  const bEnd = b.startLine + b.text.split('\n').length;
  return a.startLine < bEnd && b.startLine < aEnd;
}

/** The snippet cut to its first lines that fit `budget`, or undefined when not even one does. */
function fitLines(snippet: Snippet, budget: number, cost: (snippet: Snippet) => number): Snippet | undefined {
  const lines = snippet.text.split('\n');
  for (let count = lines.length; count > 0; count--) {
    const candidate = { ...snippet, text: lines.slice(0, count).join('\n') };
    if (cost(candidate) <= budget) return candidate;
  }
  return undefined;
}

/**
 * Greedily takes the best non-overlapping snippets whose rendered cost fits
 * `budgetTokens`, trimming the last one taken to its leading lines. Returned
 * in file order rather than score order, so that the prompt's first bytes do
 * not shuffle when scores move a little.
 */
export function selectSnippets(
  ranked: readonly Snippet[],
  budgetTokens: number,
  cost: (snippet: Snippet) => number,
): Snippet[] {
  const chosen: Snippet[] = [];
  let left = budgetTokens;
  for (const candidate of ranked) {
    if (left <= 0) break;
    if (chosen.some((taken) => overlaps(taken, candidate))) continue;
    const fitted = fitLines(candidate, left, cost);
    if (fitted === undefined) continue;
    chosen.push(fitted);
    left -= cost(fitted);
  }
  return chosen.sort(compareByPlace);
}
