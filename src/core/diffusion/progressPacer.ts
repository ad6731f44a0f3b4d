// Paces per-step progress messages and previews. A fast model finishes a step in about a
// millisecond, and a message per step costs more than the step (an IPC write is ~0.1 ms): at most
// one message per interval, counted from the start, so an image done within one interval sends
// none before its result; a slow model (steps longer than the interval) reports every step,
// the last one included. Steps that carry a preview always go.

export class ProgressPacer {
  private lastMs: number;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastMs = now();
  }

  /** Whether this step's progress should be sent now; `force` for steps with a preview. */
  due(force: boolean): boolean {
    const now = this.now();
    if (!force && now - this.lastMs < this.intervalMs) return false;
    this.lastMs = now;
    return true;
  }
}

/**
 * Keeps previews under a share of the generation's time. A preview is a VAE decode: cheap for a tiny
 * model, but on a large one it costs as much as several denoising steps, and a preview every step
 * would double the time to the final image.
 */
export class PreviewBudget {
  private readonly startedMs: number;
  private spentMs = 0;
  private lastCostMs = 0;

  constructor(
    private readonly share: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedMs = now();
  }

  /** Whether one more preview (assumed to cost what the last one did) stays within the share. */
  allows(): boolean {
    return this.spentMs + this.lastCostMs <= this.share * (this.now() - this.startedMs);
  }

  record(costMs: number): void {
    this.spentMs += costMs;
    this.lastCostMs = costMs;
  }
}
