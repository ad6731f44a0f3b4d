// Runs jobs one at a time (a forward pass already uses every core), interactive ones first.
// Each job gets an AbortSignal; cancelling a queued job removes it without running it.

export type Priority = 'interactive' | 'background';

export class CancelledError extends Error {
  constructor(message = 'The request was cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

interface QueuedJob {
  priority: Priority;
  seq: number;
  run: (signal: AbortSignal) => Promise<unknown>;
  controller: AbortController;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export interface SchedulerSnapshot {
  running: number;
  queued: { interactive: number; background: number };
}

export class JobScheduler {
  private readonly queue: QueuedJob[] = [];
  private running: QueuedJob | undefined;
  private seq = 0;

  /** Queues `run`; `signal` (the caller's cancellation) aborts it whether queued or running. */
  schedule<T>(priority: Priority, run: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new CancelledError());
        return;
      }
      // The listener goes when the job settles: one request may schedule many jobs on its signal.
      const onAbort = () => this.cancel(job);
      const settled = () => signal?.removeEventListener('abort', onAbort);
      const job: QueuedJob = {
        priority,
        seq: this.seq++,
        run,
        controller: new AbortController(),
        resolve: (value) => {
          settled();
          resolve(value as T);
        },
        reject: (reason) => {
          settled();
          reject(reason);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  snapshot(): SchedulerSnapshot {
    return {
      running: this.running ? 1 : 0,
      queued: {
        interactive: this.queue.filter((j) => j.priority === 'interactive').length,
        background: this.queue.filter((j) => j.priority === 'background').length,
      },
    };
  }

  private cancel(job: QueuedJob): void {
    const index = this.queue.indexOf(job);
    if (index >= 0) {
      this.queue.splice(index, 1);
      job.reject(new CancelledError());
    } else {
      job.controller.abort();
    }
  }

  private next(): QueuedJob | undefined {
    if (this.queue.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.queue.length; i++) {
      const a = this.queue[i];
      const b = this.queue[best];
      if (rank(a) < rank(b) || (rank(a) === rank(b) && a.seq < b.seq)) best = i;
    }
    return this.queue.splice(best, 1)[0];
  }

  private pump(): void {
    if (this.running) return;
    const job = this.next();
    if (!job) return;
    this.running = job;
    // A job that throws before returning its promise must fail alone, not leave the scheduler running it forever.
    new Promise((resolve) => resolve(job.run(job.controller.signal)))
      .then(job.resolve, job.reject)
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }
}

function rank(job: QueuedJob): number {
  return job.priority === 'interactive' ? 0 : 1;
}
