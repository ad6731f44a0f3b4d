// Byte-level BPE tokenizers attach a space to the word after it (" return", " a"), so a prompt that
// ends in spaces cuts tokens where the model almost never saw a cut in training, and it often
// answers with nothing at all. The prompt leaves the spaces and tabs before the cursor out; the
// model writes them, and they are taken off its answer again.

export interface HealedPrefix {
  /** The prefix without its trailing spaces and tabs: what the prompt is built from. */
  prefix: string;
  /** The spaces and tabs left out, which the model's answer must start with. */
  healed: string;
}

export function healPrefix(prefix: string): HealedPrefix {
  const kept = prefix.replace(/[ \t]+$/, '');
  return { prefix: kept, healed: prefix.slice(kept.length) };
}

/** The answer as inserted at the cursor, or '' when the model did not write the left-out whitespace first. */
export function unhealCompletion(completion: string, healed: string): string {
  return completion.startsWith(healed) ? completion.slice(healed.length) : '';
}
