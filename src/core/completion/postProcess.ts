// Turns a raw model completion into the text worth showing as ghost text, or
// undefined when nothing is.
import { scanCode, type CodeScan } from './languageSyntax';
import { decideMultiline } from './multiline';
import { loopStart } from './repetition';

export interface PostProcessInput {
  /** Document text before the cursor. */
  readonly prefix: string;
  /** Document text after the cursor. */
  readonly suffix: string;
  readonly languageId: string;
  /** Raw model output. */
  readonly completion: string;
  /** The format's stop strings, in case the engine did not stop on them. */
  readonly stopStrings?: readonly string[];
}

function cutAtStops(text: string, stops: readonly string[]): string {
  let end = text.length;
  for (const stop of stops) {
    const at = text.indexOf(stop);
    if (at !== -1 && at < end) end = at;
  }
  return text.slice(0, end);
}

function lastNonBlank(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return lines[i];
  return undefined;
}

/** A run of one line, two times or more, is the model looping, not a suggestion. */
function isOneLineRepeated(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim() !== '').map((line) => line.trimEnd());
  return lines.length >= 2 && lines.every((line) => line === lines[0]);
}

/** Cuts where a line repeats the one before it: past that point the model is looping. */
function cutLoop(text: string): string {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() !== '' && lines[i].trimEnd() === lines[i - 1].trimEnd()) return lines.slice(0, i).join('\n');
  }
  return text;
}

/** Cuts before the line where a loop within a line starts: nothing of that line is worth keeping. */
function cutLoopWithinLine(text: string): string {
  const start = loopStart(text);
  return start === undefined ? text : text.slice(0, Math.max(0, text.lastIndexOf('\n', start)));
}

/** Cuts where the completion starts to rewrite the next non-blank line of the document (same indentation). */
function cutBeforeNextLine(text: string, linePrefix: string, suffix: string): string {
  const next = suffix.split('\n').slice(1).find((line) => line.trim() !== '');
  if (next === undefined) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const produced = (i === 0 ? linePrefix + lines[0] : lines[i]).trimEnd();
    if (produced.trim() !== '' && produced === next.trimEnd()) return lines.slice(0, i).join('\n');
  }
  return text;
}

/**
 * Keeps only the closing brackets the document still needs. The prefix
 * leaves brackets open and the suffix closes some of them; a closer in the
 * completion that closes neither its own bracket nor one the suffix leaves
 * open would be doubled, so the completion ends before it.
 */
function cutAtExtraCloser(text: string, before: CodeScan, suffix: string, languageId: string): string {
  const { foreignClosers } = scanCode(text, languageId, before.openQuote);
  if (foreignClosers.length === 0) return text;
  const needed = before.unclosed - scanCode(suffix, languageId, before.openQuote).foreignClosers.length;
  const extra = foreignClosers[Math.max(0, needed)];
  return extra === undefined ? text : text.slice(0, extra);
}

/** Removes a copy of the rest of the cursor's line from the end of the completion, unless that copy closes the completion's own brackets. */
function stripRestOfLine(text: string, restOfLine: string, languageId: string, openQuote: string): string {
  const tail = restOfLine.trim();
  if (tail === '' || !text.endsWith(tail)) return text;
  const kept = text.slice(0, text.length - tail.length);
  return scanCode(kept, languageId, openQuote).unclosed === 0 ? kept : text;
}

/** True when the line the completion produces is the line above it again. */
function repeatsLineAbove(text: string, prefix: string): boolean {
  const above = prefix.split('\n');
  const current = above.pop() ?? '';
  const lines = text.split('\n');
  const [produced, reference] =
    lines[0].trim() !== ''
      ? [current + lines[0], lastNonBlank(above)]
      : [lines.find((line) => line.trim() !== '') ?? '', current.trim() !== '' ? current : lastNonBlank(above)];
  return reference !== undefined && produced.trimEnd() === reference.trimEnd();
}

export function postProcess(input: PostProcessInput): string | undefined {
  const { prefix, suffix, languageId } = input;
  const linePrefix = prefix.slice(prefix.lastIndexOf('\n') + 1);
  const restOfLine = suffix.split('\n', 1)[0];
  const before = scanCode(prefix, languageId);
  const shape = decideMultiline(prefix, suffix, languageId);

  let text = cutAtStops(input.completion, input.stopStrings ?? []);
  if (shape === 'single') text = text.split('\n', 1)[0];
  if (isOneLineRepeated(text)) return undefined;
  text = cutLoopWithinLine(text);
  text = cutLoop(text);
  text = cutBeforeNextLine(text, linePrefix, suffix);
  text = stripRestOfLine(text, restOfLine, languageId, before.openQuote);
  text = cutAtExtraCloser(text, before, suffix, languageId);
  // Trailing blanks only matter when text follows on the same line.
  if (shape === 'multi' || restOfLine.trim() === '') text = text.trimEnd();
  if (text.trim() === '' || repeatsLineAbove(text, prefix)) return undefined;
  return text;
}
