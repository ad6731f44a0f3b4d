// The little lexical knowledge completion needs per language: line comments,
// string quotes and bracket balance. Approximate on purpose (no block
// comments, no nested string syntax): it steers heuristics, it never parses.

const LINE_COMMENT: Readonly<Record<string, string>> = {
  c: '//', cpp: '//', csharp: '//', dart: '//', go: '//', groovy: '//', java: '//',
  javascript: '//', javascriptreact: '//', jsonc: '//', kotlin: '//', 'objective-c': '//',
  php: '//', rust: '//', scala: '//', swift: '//', typescript: '//', typescriptreact: '//', zig: '//',
  coffeescript: '#', dockerfile: '#', elixir: '#', julia: '#', makefile: '#', perl: '#',
  powershell: '#', python: '#', r: '#', ruby: '#', shellscript: '#', toml: '#', yaml: '#',
  haskell: '--', lua: '--', sql: '--',
  erlang: '%', latex: '%', matlab: '%',
};

/** The line-comment marker of a language, or undefined where it has none (JSON, Markdown, plain text). */
export function lineCommentPrefix(languageId: string): string | undefined {
  return LINE_COMMENT[languageId];
}

/** Rust's `'` also starts lifetimes and prose is full of apostrophes, so they are no quotes there. */
function stringQuotes(languageId: string): string {
  switch (languageId) {
    case 'markdown':
    case 'plaintext':
      return '';
    case 'rust':
      return '"';
    default:
      return '"\'`';
  }
}

const OPENER_OF: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

export interface CodeScan {
  /** The string quote still open at the end ('' when none). */
  readonly openQuote: string;
  /** Where the line comment the text ends in starts, or -1. */
  readonly commentAt: number;
  /** Positions of closing brackets that close nothing opened in the text. */
  readonly foreignClosers: readonly number[];
  /** How many brackets the text leaves open. */
  readonly unclosed: number;
}

/**
 * Scans `text` outside strings and line comments. `openQuote` is a string
 * already open where the text starts (text after a cursor inside a string).
 * Single and double quoted strings end at a line end, backtick ones do not.
 */
export function scanCode(text: string, languageId: string, openQuote = ''): CodeScan {
  const quotes = stringQuotes(languageId);
  const comment = lineCommentPrefix(languageId);
  const open: string[] = [];
  const foreignClosers: number[] = [];
  let quote = openQuote;
  let commentAt = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (commentAt !== -1) {
      if (ch === '\n') commentAt = -1;
    } else if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote || (ch === '\n' && quote !== '`')) quote = '';
    } else if (comment !== undefined && text.startsWith(comment, i)) {
      commentAt = i;
    } else if (quotes.includes(ch)) {
      quote = ch;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      open.push(ch);
    } else if (ch in OPENER_OF) {
      if (open[open.length - 1] === OPENER_OF[ch]) open.pop();
      else foreignClosers.push(i);
    }
  }
  return { openQuote: quote, commentAt, foreignClosers, unclosed: open.length };
}
