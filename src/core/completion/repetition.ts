// A completion stuck in a loop within a line ("-sembly-sembly-sembly", ", 0, 0, 0, 0", "+ + + +"): small code
// models fall into these and fill the token limit with them. Found from the end of the text, so the
// decode loop can stop as soon as one forms and post-processing can drop it.

/** The longest repeated unit looked for, in characters (3 repeats of it make 192). */
const MAX_UNIT = 64;
/** A loop repeats its unit at least this often... */
const MIN_REPEATS = 3;
/**
 * ...over at least this many characters, so that `[0, 0, 0, 0, 0, 0, 0]` is still code while it is
 * generated. Measured on the completion benchmark's 358 answers: 3 repeats and 20 characters (was 4
 * and 24) stop ~13% of all generated tokens earlier and drop 12 more suggestions, each of them a loop
 * such as "`s` and `s` and `s` and `s` and".
 */
const MIN_CHARS = 20;
/** Runs of one character ("-----", "=====", indentation) and of white space are separators, not loops. */
function isSeparator(unit: string): boolean {
  return new Set(unit).size === 1 || unit.trim() === '';
}

/**
 * Where the loop that ends `text` begins (the start of its first repeat), or undefined when the
 * text does not end in one. The last repeat may be cut short: generation stops mid-unit.
 */
export function loopStart(text: string): number | undefined {
  const end = text.length;
  let start: number | undefined;
  for (let unit = 1; unit <= MAX_UNIT && unit * MIN_REPEATS <= end; unit++) {
    // The text from `from` on has period `unit`.
    let from = end - unit;
    while (from > 0 && text.charCodeAt(from - 1) === text.charCodeAt(from - 1 + unit)) from--;
    const length = end - from;
    if (length < unit * MIN_REPEATS || length < MIN_CHARS) continue;
    const repeated = text.slice(from, from + unit);
    // Repeated lines are for post-processing's line checks, which keep the first copy.
    if (repeated.includes('\n') || isSeparator(repeated)) continue;
    if (start === undefined || from < start) start = from;
  }
  return start;
}

/** True when the text ends in a loop: a suggestion that has one will be cut before it. */
export function endsInLoop(text: string): boolean {
  return loopStart(text) !== undefined;
}
