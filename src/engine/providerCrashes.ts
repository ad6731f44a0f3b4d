// GPU providers that crashed the engine process. A native abort in a GPU driver or provider library
// cannot be caught, and every restart would try the same provider again: so before a GPU provider
// starts, a marker is written to the engine's state folder, and it is removed once the provider has
// started or failed cleanly. A marker found when the next engine starts means that provider took the
// process down: it is remembered, per ONNX Runtime version, and skipped from then on.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRASHED_PROVIDERS_FILE, type ExecutionDevice } from '../protocol';
import { deviceLabel } from './devices';

interface Crash {
  device: ExecutionDevice;
  runtimeVersion: string;
  at: string;
}

const MARKER_PREFIX = 'starting-provider-';

export class ProviderCrashes {
  /**
   * @param dir the engine's state folder; without one nothing is remembered
   * @param runtimeVersion ONNX Runtime's version: a crash is remembered for the version it happened with
   */
  constructor(
    private readonly dir: string | undefined,
    private readonly runtimeVersion: string,
  ) {}

  /** The providers that crashed an engine of this ONNX Runtime version, with the reason to show; records leftover markers first. */
  remembered(): Map<ExecutionDevice, string> {
    if (!this.dir || !existsSync(this.dir)) return new Map();
    const crashes = this.read();
    const markers = readdirSync(this.dir).filter((n) => n.startsWith(MARKER_PREFIX));
    for (const name of markers) {
      const marker = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Crash;
      if (!crashes.some((c) => c.device === marker.device && c.runtimeVersion === marker.runtimeVersion)) crashes.push(marker);
      rmSync(join(this.dir, name), { force: true });
    }
    if (markers.length > 0) writeFileSync(join(this.dir, CRASHED_PROVIDERS_FILE), JSON.stringify(crashes, null, 1));
    const reasons = new Map<ExecutionDevice, string>();
    for (const crash of crashes.filter((c) => c.runtimeVersion === this.runtimeVersion)) {
      reasons.set(
        crash.device,
        `${deviceLabel(crash.device)} crashed the engine when it last started (ONNX Runtime ${crash.runtimeVersion}, ${crash.at.slice(0, 16).replace('T', ' ')} UTC), so it is not tried again; run GenAI Studio: Restart Engine to try it once more`,
      );
    }
    return reasons;
  }

  /** Runs the start of a GPU provider with its marker on disk, so that a crash in it is known to the next engine. */
  async attempt<T>(device: ExecutionDevice, start: () => Promise<T>): Promise<T> {
    if (!this.dir) return start();
    const marker = join(this.dir, `${MARKER_PREFIX}${device}.json`);
    mkdirSync(this.dir, { recursive: true });
    // Written synchronously: the process may not live to see an asynchronous write finish.
    writeFileSync(marker, JSON.stringify({ device, runtimeVersion: this.runtimeVersion, at: new Date().toISOString() } satisfies Crash));
    try {
      return await start();
    } finally {
      rmSync(marker, { force: true });
    }
  }

  private read(): Crash[] {
    try {
      return JSON.parse(readFileSync(join(this.dir!, CRASHED_PROVIDERS_FILE), 'utf8')) as Crash[];
    } catch {
      return [];
    }
  }
}
