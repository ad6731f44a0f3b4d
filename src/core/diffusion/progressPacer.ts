// Paces per-step progress messages: a fast model finishes a step in about a millisecond, and a
// message per step costs more than the step. At most one message per interval, but always the
// first step, the last step and steps that carry a preview.

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
