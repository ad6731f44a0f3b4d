// The Markdown documents of "Ask the Workspace" and "Show Sources": the question, numbered sources
// that link to file and line, and the answer whose [n] citations link to the same places.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { passageLabel, type Passage } from './passage';

/** `file:///abs/path#L12`: VS Code opens the file at that line from a Markdown editor or preview. */
export function citationTarget(folder: string, passage: Pick<Passage, 'path' | 'startLine'>): string {
  return `${pathToFileURL(join(folder, passage.path)).href}#L${passage.startLine}`;
}

function escapeLinkText(text: string): string {
  return text.replace(/([[\]\\])/g, '\\$1');
}

export function sourceList(folder: string, passages: readonly Passage[], withText: boolean): string {
  return passages
    .map((p, i) => {
      const item = `${i + 1}. [${escapeLinkText(passageLabel(p))}](${citationTarget(folder, p)}) (score ${p.score.toFixed(2)})`;
      return withText ? `${item}\n\n${indent(fence(p.text), '   ')}\n` : item;
    })
    .join('\n');
}

export interface AnswerHeading {
  question: string;
  model: string;
  /** Said under the question, e.g. that the shipped model is a tiny code model. */
  note?: string;
}

/** Everything above the answer (the sources, numbered as the prompt numbers them); the answer is streamed after it. */
export function answerPreamble(folder: string, heading: AnswerHeading, sources: readonly Passage[]): string {
  return [
    `# ${heading.question.replace(/\s+/g, ' ').trim()}`,
    '',
    `*Answered by \`${heading.model}\` from the passages of the workspace listed below, best first.*${heading.note ? ` ${heading.note}` : ''}`,
    '',
    '## Sources',
    '',
    sourceList(folder, sources, false),
    '',
    '## Answer',
    '',
    '',
  ].join('\n');
}

export function sourcesDocument(folder: string, question: string, passages: readonly Passage[]): string {
  return [`# Sources for: ${question.replace(/\s+/g, ' ').trim()}`, '', `Best first, from the full-text (BM25) index of ${folder}.`, '', sourceList(folder, passages, true), ''].join('\n');
}

/** Turns the answer's `[n]` citations into links to the n-th source; unknown numbers stay as written. */
export function linkCitations(answer: string, folder: string, used: readonly Passage[]): string {
  return answer.replace(/\[(\d+)\](?!\()/g, (whole, n: string) => {
    const passage = used[Number(n) - 1];
    return passage ? `[\\[${n}\\]](${citationTarget(folder, passage)})` : whole;
  });
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}\n${text}\n${marks}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? prefix + line : line))
    .join('\n');
}
