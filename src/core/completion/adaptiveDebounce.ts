// How long to wait after a keystroke before asking the model. A slow model
// gets a longer wait, so fewer requests are spent on keystrokes that a newer
// one will supersede; a fast one answers almost at once.

export interface AdaptiveDebounceOptions {
  readonly minMs?: number;
  readonly maxMs?: number;
  /** Delay before any latency was measured. */
  readonly initialLatencyMs?: number;
  /** Weight of the newest latency in the moving average. */
  readonly smoothing?: number;
  /** Delay as a fraction of the average latency. */
  readonly latencyFraction?: number;
}

export interface DebounceContext {
  /** The last typed character is one after which code usually follows (`.`, `(`, ...). */
  readonly afterTriggerCharacter: boolean;
  /** Nothing but whitespace follows the cursor on its line. */
  readonly atLineEnd: boolean;
}

export class AdaptiveDebounce {
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly smoothing: number;
  private readonly latencyFraction: number;
  private averageMs: number;

  constructor(options: AdaptiveDebounceOptions = {}) {
    this.minMs = options.minMs ?? 50;
    this.maxMs = options.maxMs ?? 600;
    this.smoothing = options.smoothing ?? 0.3;
    this.latencyFraction = options.latencyFraction ?? 0.5;
    this.averageMs = options.initialLatencyMs ?? 300;
  }

  /** Folds one measured response time (request sent to answer received) into the average. */
  recordLatency(latencyMs: number): void {
    this.averageMs += this.smoothing * (latencyMs - this.averageMs);
  }

  get averageLatencyMs(): number {
    return this.averageMs;
  }

  /** The delay to wait now; halved at each of the places where a suggestion is most likely wanted. */
  delayMs(context: DebounceContext): number {
    let delay = this.averageMs * this.latencyFraction;
    if (context.afterTriggerCharacter) delay /= 2;
    if (context.atLineEnd) delay /= 2;
    return Math.round(Math.min(this.maxMs, Math.max(this.minMs, delay)));
  }
}
