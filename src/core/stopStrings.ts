// Finds stop strings in streamed text and holds back any tail that could still become one,
// so a stop string is never shown to the user and then taken back.

export class StopStringMatcher {
  constructor(private readonly stops: readonly string[]) {}

  /**
   * `safe` is the text that can be shown now (cut before the first stop string when one is
   * found); `final` releases a held-back partial match at the end of generation.
   */
  scan(text: string, final = false): { safe: string; stopped: boolean } {
    let cut = -1;
    for (const stop of this.stops) {
      if (stop === '') continue;
      const at = text.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) return { safe: text.slice(0, cut), stopped: true };
    if (final) return { safe: text, stopped: false };
    return { safe: text.slice(0, text.length - this.partialTail(text)), stopped: false };
  }

  /** Length of the longest text suffix that is a proper prefix of some stop string. */
  private partialTail(text: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let len = Math.min(stop.length - 1, text.length); len > longest; len--) {
        if (text.endsWith(stop.slice(0, len))) {
          longest = len;
          break;
        }
      }
    }
    return longest;
  }
}
