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

export interface DraftGateOptions {
  /** Guessed tokens over which the confirmed share is judged. */
  readonly window: number;
  /** The confirmed share below which guessing pauses. */
  readonly minRate: number;
  /** Passes without guesses before guessing is tried again. */
  readonly pausePasses: number;
}

export const DEFAULT_DRAFT_GATE: DraftGateOptions = { window: 24, minRate: 0.1, pausePasses: 32 };

/**
 * Whether guessing pays for a model. A guess makes its pass longer, which pays only when the model
 * confirms enough of them: a trained code model confirms 40-55% of its tokens, a random-weight model of
 * real size none, and there each pass costs 10-20% more for nothing. Guessing pauses while fewer than
 * `minRate` of the recently guessed tokens were confirmed, and is tried again after `pausePasses`.
 */
export class DraftGate {
  private proposed = 0;
  private confirmed = 0;
  private pausedFor = 0;

  constructor(private readonly options: DraftGateOptions = DEFAULT_DRAFT_GATE) {}

  get open(): boolean {
    return this.pausedFor === 0;
  }

  /** After every greedy pass: how many tokens it guessed, and how many of them the model confirmed. */
  record(guessed: number, accepted: number): void {
    if (this.pausedFor > 0) {
      this.pausedFor--;
      return;
    }
    this.proposed += guessed;
    this.confirmed += accepted;
    if (this.proposed < this.options.window) return;
    if (this.confirmed < this.options.minRate * this.proposed) this.pausedFor = this.options.pausePasses;
    this.proposed = 0;
    this.confirmed = 0;
  }
}
