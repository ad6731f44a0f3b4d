// How text becomes search terms, for documents and questions alike. Code names are split into their
// words (parseConfigFile, parse_config_file -> parse, config, file) so a question in plain words finds
// them; common English words are dropped; a light suffix rule makes "indexing" meet "indexed".

const STOP_WORDS = new Set(
  (
    'a an and are as at be by can do does did for from has have how i if in into is it its of on or our ' +
    'should so that the their then there these this those to was we what when where which who why will with ' +
    'would you your me my about after before use used using get'
  ).split(' '),
);

/** The words of a text, each whole identifier followed by its parts. */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const word of text.split(/[^\p{L}\p{N}_]+/u)) {
    if (!word) continue;
    terms.push(word);
    const parts = word
      .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
      .split(/[\s_]+/)
      .filter(Boolean);
    if (parts.length > 1) terms.push(...parts);
  }
  return terms;
}

/** The indexed form of one term, or null to leave it out. */
export function normalizeTerm(term: string): string | null {
  const lower = term.toLowerCase();
  if (lower.length < 2 || STOP_WORDS.has(lower)) return null;
  return stem(lower);
}

/** A deliberately small stemmer: plural and -ing/-ed forms only, never below three letters. */
export function stem(word: string): string {
  if (/\d/.test(word)) return word;
  const rules: [RegExp, string][] = [
    [/ies$/, 'y'],
    [/(x|ch|sh|ss)es$/, '$1'],
    [/([^s])s$/, '$1'],
    [/ing$/, ''],
    [/ed$/, ''],
  ];
  for (const [pattern, replacement] of rules) {
    const stemmed = word.replace(pattern, replacement);
    if (stemmed !== word) return stemmed.length >= 3 ? stemmed : word;
  }
  return word;
}
