// Decides which loaded models to unload: idle ones past the timeout, then least recently used
// ones until the total fits the memory budget. Models in use are never chosen.

export interface Resident {
  key: string;
  sizeMB: number;
  lastUsedMs: number;
  inUse: boolean;
}

export interface EvictionLimits {
  budgetMB: number;
  /** 0 disables the idle timeout. */
  idleMs: number;
}

export interface Eviction {
  key: string;
  reason: 'idle' | 'budget';
}

export function chooseEvictions(residents: readonly Resident[], limits: EvictionLimits, nowMs: number): Eviction[] {
  const evictions: Eviction[] = [];
  const remaining: Resident[] = [];
  for (const r of residents) {
    if (!r.inUse && limits.idleMs > 0 && nowMs - r.lastUsedMs >= limits.idleMs) evictions.push({ key: r.key, reason: 'idle' });
    else remaining.push(r);
  }
  let total = remaining.reduce((sum, r) => sum + r.sizeMB, 0);
  const byAge = remaining.filter((r) => !r.inUse).sort((a, b) => a.lastUsedMs - b.lastUsedMs);
  for (const r of byAge) {
    if (total <= limits.budgetMB) break;
    evictions.push({ key: r.key, reason: 'budget' });
    total -= r.sizeMB;
  }
  return evictions;
}
