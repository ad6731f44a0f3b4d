// Assembles the prompt of a workspace question: as many retrieved passages as fit in the model's
// context budget, best first, each numbered so the answer can cite it as [n].
import { passageLabel, type Passage } from './passage';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export const ASK_SYSTEM_PROMPT =
  'You answer questions about the user\'s project using only the numbered sources. Cite the sources you use as [1], [2]. If the sources do not contain the answer, say so.';

/** The conversation an instruct model gets. */
export function askMessages(context: string, question: string): ChatMessage[] {
  return [
    { role: 'system', content: ASK_SYSTEM_PROMPT },
    { role: 'user', content: `Sources:\n\n${context}\n\nQuestion: ${question}` },
  ];
}

/** What a base model continues: the sources and the question as a document that ends where the answer starts
 * (no instructions: a base model does not follow them, and small contexts need the room). */
export function plainAskPrompt(context: string, question: string): string {
  return `${context}\n\nQuestion: ${question}\nAnswer:`;
}

/** A base model that keeps going writes the next question; stop there. */
export const PLAIN_ASK_STOP = ['\nQuestion:'];

export interface AssembledPrompt {
  prompt: string;
  /** The passages in the prompt, in order (the last one may be shortened). */
  used: Passage[];
  tokens: number;
}

export interface AssembleOptions {
  countTokens: (text: string) => number;
  /** Tokens the whole prompt may take. */
  budgetTokens: number;
  /** Turns the numbered sources and the question into the model's prompt. */
  render: (context: string, question: string) => string;
}

/** A passage shorter than this many lines is not worth quoting once cut. */
const MIN_CUT_LINES = 3;

export function formatSources(passages: readonly Passage[]): string {
  return passages.map((p, i) => `[${i + 1}] ${passageLabel(p)}\n${p.text}`).join('\n\n');
}

export function assembleAskPrompt(question: string, passages: readonly Passage[], options: AssembleOptions): AssembledPrompt {
  const measure = (used: Passage[]) => {
    const prompt = options.render(formatSources(used), question);
    return { prompt, used, tokens: options.countTokens(prompt) };
  };
  let best = measure([]);
  if (best.tokens > options.budgetTokens) {
    throw new RangeError(`The question alone takes ${best.tokens} tokens, more than the ${options.budgetTokens} the model's context leaves for the prompt. Ask a shorter question.`);
  }
  for (const passage of passages) {
    const whole = measure([...best.used, passage]);
    if (whole.tokens <= options.budgetTokens) {
      best = whole;
      continue;
    }
    const cut = longestFittingCut(best.used, passage, measure, options.budgetTokens);
    if (cut) best = cut;
    break;
  }
  return best;
}

/** The passage's first lines, as many as fit (binary search on the line count). */
function longestFittingCut(before: Passage[], passage: Passage, measure: (used: Passage[]) => AssembledPrompt, budget: number): AssembledPrompt | undefined {
  const lines = passage.text.split('\n');
  let low = MIN_CUT_LINES;
  let high = lines.length - 1;
  let found: AssembledPrompt | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const attempt = measure([...before, { ...passage, text: lines.slice(0, mid).join('\n'), endLine: passage.startLine + mid - 1 }]);
    if (attempt.tokens <= budget) {
      found = attempt;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}
