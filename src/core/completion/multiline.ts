// Whether a suggestion may span several lines at the cursor.
import { scanCode } from './languageSyntax';

export type CompletionShape = 'single' | 'multi';

const FENCE = /^\s*(```|~~~)/;

/** Text after the cursor made only of closers, quotes and separators (often auto-inserted) does not make the cursor "mid-line". */
const TRAILING_CLOSERS = /^[\s)\]}>'"`;,]*$/;

function opensBlock(line: string, linesAbove: readonly string[], languageId: string): boolean {
  if (languageId === 'markdown') {
    // An odd count of fences up to this one means it opens a code block.
    return FENCE.test(line) && [...linesAbove, line].filter((l) => FENCE.test(l)).length % 2 === 1;
  }
  const trimmed = line.trimEnd();
  const { commentAt, openQuote } = scanCode(trimmed, languageId);
  if (openQuote) return false;
  const code = (commentAt === -1 ? trimmed : trimmed.slice(0, commentAt)).trimEnd();
  const colonOpens = languageId === 'python' || languageId === 'yaml';
  return /[{([]$/.test(code) || (colonOpens && code.endsWith(':'));
}

/**
 * 'multi' at a block opening (a line ending with `{`, `(`, `[`, or `:` in
 * Python/YAML, an opening Markdown fence) or on an empty line right below
 * one; 'single' everywhere else, in particular with text after the cursor or
 * inside a line comment.
 */
export function decideMultiline(prefix: string, suffix: string, languageId: string): CompletionShape {
  const lines = prefix.split('\n');
  const current = lines.pop() ?? '';
  const restOfLine = suffix.split('\n', 1)[0];
  if (scanCode(current, languageId).commentAt !== -1) return 'single';
  if (!TRAILING_CLOSERS.test(restOfLine)) return 'single';
  if (current.trim() !== '') return opensBlock(current, lines, languageId) ? 'multi' : 'single';
  let above = lines.length - 1;
  while (above >= 0 && lines[above].trim() === '') above--;
  return above >= 0 && opensBlock(lines[above], lines.slice(0, above), languageId) ? 'multi' : 'single';
}
