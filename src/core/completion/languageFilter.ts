// Per-language enablement from a setting such as { "*": true, "markdown": false }.

/** The language's own entry wins, then "*", then enabled. */
export function isLanguageEnabled(settings: Readonly<Record<string, boolean>>, languageId: string): boolean {
  return settings[languageId] ?? settings['*'] ?? true;
}
