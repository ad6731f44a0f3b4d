/** A retrieved piece of a workspace file: what a prompt quotes and a citation points at. */
export interface Passage {
  /** Relative to the workspace folder, with forward slashes. */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
  /** BM25 relevance; higher is better. */
  score: number;
}

/** `src/a.ts:3-9`: how sources are named in prompts, documents and the CLI. */
export function passageLabel(passage: Pick<Passage, 'path' | 'startLine' | 'endLine'>): string {
  return passage.startLine === passage.endLine ? `${passage.path}:${passage.startLine}` : `${passage.path}:${passage.startLine}-${passage.endLine}`;
}
