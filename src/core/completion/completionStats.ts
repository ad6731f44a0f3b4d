// Counters for how suggestions fare, for the status view and telemetry-free diagnostics.

export interface CompletionStatsSnapshot {
  readonly shown: number;
  readonly accepted: number;
  readonly partiallyAccepted: number;
  /** accepted / shown, 0 before anything was shown. */
  readonly acceptanceRate: number;
  /** Mean model latency over recorded requests, 0 before any. */
  readonly meanLatencyMs: number;
  readonly latencySamples: number;
}

export class CompletionStats {
  private shown = 0;
  private accepted = 0;
  private partiallyAccepted = 0;
  private latencyTotalMs = 0;
  private latencySamples = 0;

  recordShown(): void {
    this.shown++;
  }

  recordAccepted(): void {
    this.accepted++;
  }

  recordPartiallyAccepted(): void {
    this.partiallyAccepted++;
  }

  recordLatency(latencyMs: number): void {
    this.latencyTotalMs += latencyMs;
    this.latencySamples++;
  }

  snapshot(): CompletionStatsSnapshot {
    return {
      shown: this.shown,
      accepted: this.accepted,
      partiallyAccepted: this.partiallyAccepted,
      acceptanceRate: this.shown === 0 ? 0 : this.accepted / this.shown,
      meanLatencyMs: this.latencySamples === 0 ? 0 : this.latencyTotalMs / this.latencySamples,
      latencySamples: this.latencySamples,
    };
  }
}
