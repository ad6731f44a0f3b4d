// A deterministic stand-in for a tokenizer in tests: one character, one token.
export const countChars = (text: string): number => text.length;
