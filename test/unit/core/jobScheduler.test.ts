import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { CancelledError, JobScheduler } from '../../../src/core/jobScheduler';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('JobScheduler', () => {
  it('runs one job at a time, interactive jobs before queued background jobs', async () => {
    const scheduler = new JobScheduler();
    const order: string[] = [];
    const gate = deferred();
    const first = scheduler.schedule('background', async () => {
      order.push('bg1');
      await gate.promise;
    });
    const bg2 = scheduler.schedule('background', async () => void order.push('bg2'));
    const fg = scheduler.schedule('interactive', async () => void order.push('fg'));
    assert.deepEqual(scheduler.snapshot(), { running: 1, queued: { interactive: 1, background: 1 } });
    gate.resolve();
    await Promise.all([first, bg2, fg]);
    assert.deepEqual(order, ['bg1', 'fg', 'bg2']);
  });

  it('removes a cancelled queued job without running it', async () => {
    const scheduler = new JobScheduler();
    const gate = deferred();
    const running = scheduler.schedule('background', () => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const queued = scheduler.schedule('background', async () => void (ran = true), controller.signal);
    controller.abort();
    await assert.rejects(queued, CancelledError);
    gate.resolve();
    await running;
    assert.equal(ran, false);
  });

  it('aborts the signal of a running job when its caller cancels', async () => {
    const scheduler = new JobScheduler();
    const controller = new AbortController();
    const seen = scheduler.schedule(
      'interactive',
      (signal) => new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('aborted'))),
      controller.signal,
    );
    controller.abort();
    assert.equal(await seen, 'aborted');
  });

  it('removes its abort listener when a job settles, so one signal can serve many jobs', async () => {
    const scheduler = new JobScheduler();
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await scheduler.schedule('background', async () => i, controller.signal);
    await assert.rejects(scheduler.schedule('background', async () => Promise.reject(new Error('failed')), controller.signal), /failed/);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('a job that throws synchronously fails alone and the next job still runs', async () => {
    const scheduler = new JobScheduler();
    const throwing = (() => {
      throw new Error('bad parameters');
    }) as unknown as () => Promise<number>;
    await assert.rejects(scheduler.schedule('interactive', throwing), /bad parameters/);
    assert.equal(await scheduler.schedule('interactive', async () => 2), 2);
  });

  it('rejects at once when the caller already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(new JobScheduler().schedule('interactive', async () => 1, controller.signal), CancelledError);
  });
});
