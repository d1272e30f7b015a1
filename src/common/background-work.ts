import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Off unless {@link trackBackgroundWork} turned it on. In Node 20 the first `AsyncLocalStorage.run` installs
 * promise hooks for the whole process, so every promise of every request pays for them (measured: about 6 % of
 * the CPU of an uncached delivery request, plus the garbage). Only the test harness needs the tags.
 */
let backgroundTask: AsyncLocalStorage<string> | null = null;

/** Tags background work from now on, so {@link currentBackgroundTask} can tell it apart from request work (tests). */
export function trackBackgroundWork(): void {
  backgroundTask ??= new AsyncLocalStorage<string>();
}

/** Runs timer- and loop-driven work under a task name (tagged only when {@link trackBackgroundWork} was called). */
export function runInBackground<T>(task: string, work: () => T): T {
  return backgroundTask ? backgroundTask.run(task, work) : work();
}

/** The background task the current code runs under, or undefined inside a request or when tracking is off. */
export function currentBackgroundTask(): string | undefined {
  return backgroundTask?.getStore();
}
