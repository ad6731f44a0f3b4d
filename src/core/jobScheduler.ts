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
  signal: AbortSignal;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  /** Set while the job waits in the queue: a cancel then removes it. */
  onAbort?: () => void;
}

export interface SchedulerSnapshot {
  running: number;
  queued: { interactive: number; background: number };
}

/** The signal of a job whose caller gave none: nothing can cancel it. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Every forward pass of an image is a job, so the cost per job is kept to a few promise hops: the
 * running job sees its caller's signal directly, and a listener exists only while a job waits.
 */
export class JobScheduler {
  private readonly queue: QueuedJob[] = [];
  private running: QueuedJob | undefined;
  private seq = 0;

  /** Queues `run`; `signal` (the caller's cancellation) aborts it whether queued or running. */
  schedule<T>(priority: Priority, run: (signal: AbortSignal) => Promise<T>, signal: AbortSignal = NEVER_ABORTED): Promise<T> {
    if (signal.aborted) return Promise.reject(new CancelledError());
    return new Promise<T>((resolve, reject) => {
      const job: QueuedJob = { priority, seq: this.seq++, run, signal, resolve: resolve as (value: unknown) => void, reject };
      if (this.running) this.enqueue(job);
      else this.start(job);
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

  private enqueue(job: QueuedJob): void {
    job.onAbort = () => {
      this.queue.splice(this.queue.indexOf(job), 1);
      job.reject(new CancelledError());
    };
    job.signal.addEventListener('abort', job.onAbort, { once: true });
    this.queue.push(job);
  }

  private next(): QueuedJob | undefined {
    if (this.queue.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.queue.length; i++) {
      const a = this.queue[i];
      const b = this.queue[best];
      if (rank(a) < rank(b) || (rank(a) === rank(b) && a.seq < b.seq)) best = i;
    }
    const [job] = this.queue.splice(best, 1);
    job.signal.removeEventListener('abort', job.onAbort!);
    return job;
  }

  private start(job: QueuedJob): void {
    this.running = job;
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(job.run(job.signal));
    } catch (error) {
      // A job that throws before returning its promise fails alone.
      result = Promise.reject(error);
    }
    const settle = (): void => {
      this.running = undefined;
      const next = this.next();
      if (next) this.start(next);
    };
    result.then(
      (value) => {
        settle();
        job.resolve(value);
      },
      (error: unknown) => {
        settle();
        job.reject(error);
      },
    );
  }
}

function rank(job: QueuedJob): number {
  return job.priority === 'interactive' ? 0 : 1;
}
