// Prompt-lookup drafting for greedy decoding: code repeats itself (identifiers, calls, whole lines,
// the text after the cursor), so the tokens that followed the latest earlier occurrence of the last
// few tokens are a cheap guess at what comes next. The engine feeds the guess with the real token
// in one forward pass and keeps the guessed tokens the model itself would have chosen: the output
// is the same as one token per pass, and a small model pays per pass, not per token.

export interface DraftOptions {
  /** Longest tail n-gram looked up; shorter ones are tried when it has no earlier match. */
  readonly maxNgram: number;
  /** Shortest tail n-gram worth a lookup (a single token matches too often to guess well). */
  readonly minNgram: number;
  /** Most tokens guessed at once. */
  readonly maxDraft: number;
}

export const DEFAULT_DRAFT: DraftOptions = { maxNgram: 3, minNgram: 2, maxDraft: 6 };

/** The tokens that followed the latest earlier occurrence of the longest matching tail of `tokens`; [] when none. */
export function draftTokens(tokens: readonly number[], options: DraftOptions = DEFAULT_DRAFT): number[] {
  const end = tokens.length;
  for (let n = Math.min(options.maxNgram, end - 1); n >= options.minNgram; n--) {
    // Latest occurrence first: the nearest repetition is the likeliest to continue the same way.
    for (let start = end - n - 1; start >= 0; start--) {
      let k = 0;
      while (k < n && tokens[start + k] === tokens[end - n + k]) k++;
      if (k === n) return tokens.slice(start + n, Math.min(start + n + options.maxDraft, end));
    }
  }
  return [];
}

/**
 * How many draft tokens the model confirms: draft[i] is kept while the model's own choice after
 * the tokens before it (`chosen(i)`) equals it. Returns the kept count and the model's next token
 * after them, which is never a guess.
 */
export function acceptDraft(draft: readonly number[], chosen: (position: number) => number): { accepted: number; next: number } {
  let accepted = 0;
  let next = chosen(0);
  while (accepted < draft.length && next === draft[accepted]) {
    accepted++;
    next = chosen(accepted);
  }
  return { accepted, next };
}
