// Shows hub downloads as a progress notification, one per model, until the model is ready or fails
// or the engine stops. Its Cancel stops the download in the engine (the load then fails saying so).
import * as vscode from 'vscode';
import type { DownloadProgress, ModelStatus } from '../protocol';

interface Active {
  report: (message: string, percent: number) => void;
  finish: () => void;
  files: Map<string, { loaded: number; total: number }>;
  shownPercent: number;
}

export class DownloadNotifications {
  private readonly active = new Map<string, Active>();

  constructor(private readonly cancel: (model: string) => Promise<unknown>) {}

  onDownload(progress: DownloadProgress): void {
    const entry = this.active.get(progress.model) ?? this.open(progress.model);
    entry.files.set(progress.file, { loaded: progress.loadedBytes, total: progress.totalBytes });
    const loaded = [...entry.files.values()].reduce((sum, f) => sum + f.loaded, 0);
    const total = [...entry.files.values()].reduce((sum, f) => sum + f.total, 0);
    const percent = total > 0 ? Math.floor((100 * loaded) / total) : 0;
    entry.report(`${progress.file} (${(loaded / 1048576).toFixed(1)} of ${(total / 1048576).toFixed(1)} MB)`, percent);
  }

  onStatus(status: ModelStatus): void {
    if (status.state !== 'loading') {
      this.active.get(status.model)?.finish();
      this.active.delete(status.model);
    }
  }

  /** The engine stopped: no status will end the downloads it was making, so their notifications close now. */
  closeAll(): void {
    for (const entry of this.active.values()) entry.finish();
    this.active.clear();
  }

  private open(model: string): Active {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const entry: Active = { report: () => undefined, finish, files: new Map(), shownPercent: 0 };
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `GenAI Studio: downloading ${model}`, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => void this.cancel(model).catch(() => undefined));
      entry.report = (message, percent) => {
        progress.report({ message, increment: Math.max(0, percent - entry.shownPercent) });
        entry.shownPercent = Math.max(entry.shownPercent, percent);
      };
      return done;
    });
    this.active.set(model, entry);
    return entry;
  }
}
