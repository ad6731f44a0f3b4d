// Summaries for benchmark figures: medians and p95 side by side with a baseline.

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** `digits` after the point: 1 for times, more for ratios near 1, where the first decimal hides the difference. */
export function row(label: string, values: readonly number[], unit = 'ms', digits = 1): string {
  return `${label.padEnd(44)} median ${median(values).toFixed(digits).padStart(8)} ${unit}   p95 ${percentile(values, 95).toFixed(digits).padStart(8)} ${unit}   (n=${values.length})`;
}

/** Up to `n` items spread evenly over `items`, in order: a deterministic sample that covers the whole run. */
export function evenlySpaced<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}
