// Splits a file into the passages the full-text index holds and a prompt cites. Chunks follow line
// boundaries (citations point at lines) and prefer to end at a blank line or before a heading, so a
// paragraph, a section or a function stays in one piece more often than a fixed window would keep it.

export interface Chunk {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

export interface ChunkOptions {
  /** A chunk ends at the first good boundary after this many characters... */
  targetChars: number;
  /** ...and is cut here even without one. */
  maxChars: number;
  /** Longer lines are truncated: minified or generated lines carry little a question can match. */
  maxLineChars: number;
}

export const CHUNK_DEFAULTS: ChunkOptions = { targetChars: 800, maxChars: 1600, maxLineChars: 400 };

/** Markdown headings and top-level declarations start a new unit of meaning. */
const STARTS_UNIT = /^(#{1,6}\s|(export\s+)?(async\s+)?(function|class|def|func|fn|interface|type|struct|impl)\b)/;

export function chunkText(text: string, options: ChunkOptions = CHUNK_DEFAULTS): Chunk[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const chunks: Chunk[] = [];
  let start = 0;
  let buffer: string[] = [];
  let size = 0;
  const flush = (end: number) => {
    const body = buffer.join('\n');
    if (body.trim()) chunks.push({ startLine: start + 1, endLine: end, text: body });
    buffer = [];
    size = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].length > options.maxLineChars ? lines[i].slice(0, options.maxLineChars) : lines[i];
    const boundary = line.trim() === '' || STARTS_UNIT.test(line);
    if (size > 0 && ((size >= options.targetChars && boundary) || size + line.length > options.maxChars || (STARTS_UNIT.test(line) && size >= options.targetChars / 4))) {
      flush(i);
      start = i;
    }
    if (buffer.length === 0 && line.trim() === '') {
      // Leading blank lines belong to no chunk.
      start = i + 1;
      continue;
    }
    buffer.push(line);
    size += line.length + 1;
  }
  flush(lines.length);
  return trimTrailingBlankLines(chunks);
}

function trimTrailingBlankLines(chunks: Chunk[]): Chunk[] {
  return chunks.map((chunk) => {
    const lines = chunk.text.split('\n');
    while (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
    return { startLine: chunk.startLine, endLine: chunk.startLine + lines.length - 1, text: lines.join('\n') };
  });
}
