// Process checks shared by unit and integration tests.

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` until it holds or `timeoutMs` passes; returns its last value. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !condition()) await new Promise((r) => setTimeout(r, 50));
  return condition();
}
