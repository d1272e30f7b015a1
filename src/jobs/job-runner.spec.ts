import { AppConfig } from '../config/app-config';
import { JobRunner } from './job-runner';

/** Per-process jobs and loops need no queue: the runner is exercised here without a database. */
function runner(enabled = true): JobRunner {
  const config = { jobs: { enabled, pollSeconds: 1, viewFlushSeconds: 3600, searchAnalyticsFlushSeconds: 3600, searchSettingsCheckSeconds: 3600 } } as AppConfig;
  return new JobRunner(config);
}

describe('JobRunner', () => {
  it('records successes and failures of a per-process job', async () => {
    const jobs = runner();
    let fail = true;
    jobs.process({ name: 'flush', everySeconds: 3600, run: async () => { if (fail) throw new Error('database away'); } });
    await jobs.onApplicationBootstrap();

    await jobs.trigger('flush');
    fail = false;
    await jobs.trigger('flush');
    await jobs.trigger('flush');
    fail = true;
    await jobs.trigger('flush');

    const { jobs: [state], queueReachable } = await jobs.report();
    expect(queueReachable).toBe(true);
    expect(state).toMatchObject({ name: 'flush', mode: 'process', runs: 4, failures: 2, failingSince: 1, lastError: 'database away' });
    expect(state.lastSuccessAt).not.toBeNull();
    await jobs.beforeApplicationShutdown();
  });

  it('joins a run in flight instead of overlapping it', async () => {
    const jobs = runner();
    let running = 0;
    let most = 0;
    jobs.process({
      name: 'slow',
      everySeconds: 3600,
      run: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
      },
    });
    await jobs.onApplicationBootstrap();

    await Promise.all([jobs.trigger('slow'), jobs.trigger('slow'), jobs.trigger('slow')]);

    expect(most).toBe(1);
    expect((await jobs.report()).jobs[0].runs).toBe(1);
    await jobs.beforeApplicationShutdown();
  });

  it('runs flushes once more at shutdown and starts and stops enabled loops only', async () => {
    const jobs = runner();
    const calls: string[] = [];
    jobs.process({ name: 'flush', everySeconds: 3600, runAtShutdown: true, run: async () => void calls.push('flush') });
    jobs.process({ name: 'check', everySeconds: 3600, run: async () => void calls.push('check') });
    jobs.loop({ name: 'worker', enabled: true, start: () => void calls.push('start worker'), stop: async () => void calls.push('stop worker') });
    jobs.loop({ name: 'elsewhere', enabled: false, start: () => void calls.push('start elsewhere'), stop: async () => void calls.push('stop elsewhere') });

    await jobs.onApplicationBootstrap();
    expect((await jobs.report()).jobs.map((job) => [job.name, job.running])).toEqual([
      ['flush', true],
      ['check', true],
      ['worker', true],
      ['elsewhere', false],
    ]);
    await jobs.beforeApplicationShutdown();

    expect(calls).toEqual(['start worker', 'flush', 'stop worker']);
  });

  it('starts nothing when jobs are off (CLI commands)', async () => {
    const jobs = runner(false);
    const calls: string[] = [];
    jobs.loop({ name: 'worker', enabled: true, start: () => void calls.push('start'), stop: async () => void calls.push('stop') });
    jobs.process({ name: 'flush', everySeconds: 3600, runAtShutdown: true, run: async () => void calls.push('flush') });

    await jobs.onApplicationBootstrap();
    await jobs.beforeApplicationShutdown();

    expect(calls).toEqual([]);
  });

  it('refuses a name registered twice and a registration after start', async () => {
    const jobs = runner();
    jobs.process({ name: 'flush', everySeconds: 1, run: async () => undefined });
    expect(() => jobs.process({ name: 'flush', everySeconds: 1, run: async () => undefined })).toThrow('registered twice');
    await jobs.onApplicationBootstrap();
    expect(() => jobs.process({ name: 'late', everySeconds: 1, run: async () => undefined })).toThrow('onModuleInit');
    await jobs.beforeApplicationShutdown();
  });
});
