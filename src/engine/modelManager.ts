// The single owner of loaded models (and so of every ONNX session) in the engine process.
// Concurrent requests for one model share one load; idle and least recently used models are
// unloaded to stay within the memory budget; every change is reported as a status event.
import type { InferenceSession } from 'onnxruntime-node';
import { chooseEvictions } from '../core/evictionPolicy';
import type { DeviceChoice, EngineSettings, ExecutionDevice, ModelStatus } from '../protocol';
import type { DeviceSelector } from './devices';
import { deviceLabel, executionProvider } from './devices';
import { errorMessage } from './errors';
import { resolveModelSource, type ModelSource } from './modelSource';

/**
 * Work on a loaded model shows as busy only once it has lasted this long. A completion takes ~10 ms:
 * a spinner for it would flicker and tell the user nothing, and its two status messages cost the
 * request as much as a forward pass.
 */
export const BUSY_STATUS_DELAY_MS = 150;

export interface LoadedModel {
  /** Estimated resident size of the model's sessions and weights. */
  readonly sizeMB: number;
  /** The weights file that runs, when the model chose one of several (causal LMs: by device and setting). */
  readonly weights?: string;
  dispose(): Promise<void>;
}

export interface LoadContext {
  settings: EngineSettings;
  device: ExecutionDevice;
  /** `device` with its options, as ONNX Runtime takes it. */
  executionProvider: InferenceSession.ExecutionProviderConfig;
  /** 0-100 with what is happening now. */
  progress(percent: number, detail: string): void;
  log(message: string): void;
}

/** Knows how to load one kind of model (causal LM, diffusion pipeline, ...) from its files. */
export interface ModelLoader<T extends LoadedModel> {
  readonly kind: string;
  load(source: ModelSource, context: LoadContext): Promise<T>;
}

export interface ModelManagerEvents {
  status(status: ModelStatus): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

interface Entry {
  key: string;
  ref: string;
  pending: Promise<LoadedModel & DeviceChoice>;
  model?: LoadedModel & DeviceChoice;
  users: number;
  lastUsedMs: number;
  status: ModelStatus;
  /** Set when a device change replaced the entry while it was in use: why it goes once its work ends. */
  retired?: string;
}

export class ModelManager {
  private readonly entries = new Map<string, Entry>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private settings: EngineSettings,
    private readonly devices: DeviceSelector,
    private readonly events: ModelManagerEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.sweepTimer = setInterval(() => void this.evict(), 1000);
    this.sweepTimer.unref();
  }

  getSettings(): EngineSettings {
    return this.settings;
  }

  /** New settings apply at once: models loaded for another device or weights precision are unloaded, budgets re-applied. */
  async configure(settings: EngineSettings): Promise<void> {
    const deviceChanged = settings.device !== this.settings.device || (settings.gpuDeviceId ?? 0) !== (this.settings.gpuDeviceId ?? 0);
    const dtypeOf = (s: EngineSettings, ref: string) => s.dtypes?.[ref] ?? 'auto';
    const previous = this.settings;
    this.settings = settings;
    for (const entry of [...this.entries.values()]) {
      const why = deviceChanged ? 'the device setting changed' : dtypeOf(settings, entry.ref) !== dtypeOf(previous, entry.ref) ? 'the weights setting changed' : undefined;
      if (!why) continue;
      if (entry.users === 0) {
        await this.unloadEntry(entry, why);
      } else {
        // Its running work finishes as it started; new work loads the model as the settings now say.
        this.entries.delete(entry.key);
        entry.retired = why;
      }
    }
    await this.evict();
  }

  /** Loads (or reuses) the model and runs `work` with it; the model cannot be unloaded meanwhile. */
  async use<T extends LoadedModel, R>(ref: string, loader: ModelLoader<T>, work: (model: T & DeviceChoice) => Promise<R>): Promise<R> {
    const entry = this.entryFor(ref, loader);
    entry.users++;
    try {
      const model = (await entry.pending) as T & DeviceChoice;
      const busy = setTimeout(() => this.setStatus(entry, { state: 'busy' }), BUSY_STATUS_DELAY_MS);
      try {
        return await work(model);
      } finally {
        clearTimeout(busy);
        entry.lastUsedMs = this.now();
      }
    } finally {
      entry.users--;
      if (entry.retired && entry.users === 0) await this.disposeRetired(entry, entry.retired);
      else if (entry.users === 0 && entry.model && entry.status.state === 'busy') this.setStatus(entry, { state: 'ready' });
      await this.evict();
    }
  }

  /** Loads without running anything (warm-up); resolves with the model's status. */
  async load<T extends LoadedModel>(ref: string, loader: ModelLoader<T>): Promise<ModelStatus> {
    return this.use(ref, loader, async () => this.entries.get(this.keyOf(ref, loader))!.status);
  }

  async unload(ref: string): Promise<void> {
    for (const entry of [...this.entries.values()]) if (entry.ref === ref) await this.unloadEntry(entry, 'requested');
  }

  statuses(): ModelStatus[] {
    return [...this.entries.values()].map((e) => e.status);
  }

  async dispose(): Promise<void> {
    clearInterval(this.sweepTimer);
    for (const entry of [...this.entries.values()]) await this.unloadEntry(entry, 'the engine is stopping');
  }

  private keyOf(ref: string, loader: ModelLoader<LoadedModel>): string {
    return `${loader.kind}:${ref}`;
  }

  private entryFor<T extends LoadedModel>(ref: string, loader: ModelLoader<T>): Entry {
    const key = this.keyOf(ref, loader);
    const existing = this.entries.get(key);
    if (existing) return existing;
    const entry: Entry = {
      key,
      ref,
      users: 0,
      lastUsedMs: this.now(),
      status: { model: ref, state: 'loading', progress: 0 },
      pending: undefined as never,
    };
    this.entries.set(key, entry);
    entry.pending = this.startLoad(entry, loader);
    return entry;
  }

  private async startLoad<T extends LoadedModel>(entry: Entry, loader: ModelLoader<T>): Promise<T & DeviceChoice> {
    const settings = this.settings;
    this.setStatus(entry, { state: 'loading', progress: 0, detail: 'resolving the model' });
    const started = this.now();
    const residentBefore = process.memoryUsage().rss;
    try {
      const source = resolveModelSource(entry.ref, settings);
      const log = (message: string) => this.events.log('info', `[${entry.ref}] ${message}`);
      const loaded = await this.devices.load(
        settings.device,
        (device) =>
          loader.load(source, {
            settings,
            device,
            executionProvider: executionProvider(device, settings.gpuDeviceId),
            log,
            progress: (percent, detail) => this.setStatus(entry, { state: 'loading', progress: Math.round(percent), detail }),
          }),
        (message) => this.events.log('warn', `[${entry.ref}] ${message}`),
      );
      // The budget counts what the model holds: the engine's resident growth over the load when it exceeds
      // the files' size (decompressed weights, runtime arenas). Over-counting is the safe side: a load running
      // beside it counts twice, and the first load also holds the runtime's own start-up.
      const residentMB = (process.memoryUsage().rss - residentBefore) / 1048576;
      const model = Object.assign(loaded.value, { device: loaded.device, fallbackReason: loaded.fallbackReason, sizeMB: Math.max(loaded.value.sizeMB, residentMB) });
      entry.model = model;
      entry.lastUsedMs = this.now();
      this.setStatus(entry, {
        state: 'ready',
        progress: undefined,
        detail: undefined,
        device: loaded.device,
        fallbackReason: loaded.fallbackReason,
        sizeMB: Math.round(model.sizeMB * 10) / 10,
        weights: model.weights,
      });
      this.events.log('info', `Loaded ${entry.ref} (${loader.kind}${model.weights ? `, ${model.weights}` : ''}) on ${deviceLabel(loaded.device)} in ${this.now() - started} ms, ~${model.sizeMB.toFixed(1)} MB`);
      return model;
    } catch (error) {
      // A failed load is forgotten so the next request tries again (the user may have fixed the files).
      this.entries.delete(entry.key);
      this.setStatus(entry, { state: 'failed', progress: undefined, detail: undefined, error: errorMessage(error) });
      this.events.log('error', `Could not load ${entry.ref}: ${errorMessage(error)}`);
      throw error;
    }
  }

  private setStatus(entry: Entry, change: Partial<ModelStatus>): void {
    entry.status = { ...entry.status, ...change, model: entry.ref };
    if (change.state && change.state !== 'failed') delete entry.status.error;
    // The model's status is its current entry's; a replaced one finishing its work says nothing.
    if (!entry.retired) this.events.status(entry.status);
  }

  private async evict(): Promise<void> {
    const residents = [...this.entries.values()]
      .filter((e) => e.model)
      .map((e) => ({ key: e.key, sizeMB: e.model!.sizeMB, lastUsedMs: e.lastUsedMs, inUse: e.users > 0 }));
    const evictions = chooseEvictions(residents, { budgetMB: this.settings.memoryBudgetMB, idleMs: this.settings.idleUnloadSeconds * 1000 }, this.now());
    for (const { key, reason } of evictions) {
      const entry = this.entries.get(key);
      if (entry) await this.unloadEntry(entry, reason === 'idle' ? `idle for ${this.settings.idleUnloadSeconds} s` : `over the ${this.settings.memoryBudgetMB} MB memory budget`);
    }
  }

  /** A replaced entry is no longer the model's: its end is logged, not reported as the model's status. */
  private async disposeRetired(entry: Entry, why: string): Promise<void> {
    const model = await entry.pending.catch(() => undefined);
    await model?.dispose();
    this.events.log('info', `Unloaded the ${entry.model?.device ?? ''} copy of ${entry.ref}: ${why}`);
  }

  private async unloadEntry(entry: Entry, why: string): Promise<void> {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    const model = await entry.pending.catch(() => undefined);
    if (!model) return;
    await model.dispose();
    this.setStatus(entry, { state: 'unloaded', progress: undefined, detail: why, sizeMB: undefined, weights: undefined });
    this.events.log('info', `Unloaded ${entry.ref}: ${why}`);
  }
}
