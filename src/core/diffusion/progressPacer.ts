// Paces per-step progress messages and previews. A fast model finishes a step in about a
// millisecond, and a message per step costs more than the step: at most one message per interval,
// but always the first step, the last step and steps that carry a preview.

export class ProgressPacer {
  private lastMs = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether this step's progress should be sent now; `force` for the last step and previews. */
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
