// A transfer that stops sending is given up: the signal aborts once `ms` pass without a call to
// stillAlive(). Hub downloads and requests to inference servers both use it.

export interface IdleWatchdog {
  readonly ms: number;
  readonly signal: AbortSignal;
  stillAlive(): void;
  stop(): void;
}

export function idleWatchdog(ms: number): IdleWatchdog {
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), ms);
  return {
    ms,
    signal: idle.signal,
    stillAlive: () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), ms);
    },
    stop: () => clearTimeout(timer),
  };
}
