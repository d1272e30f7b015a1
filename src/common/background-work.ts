import { AsyncLocalStorage } from 'node:async_hooks';

const backgroundTask = new AsyncLocalStorage<string>();

/** Runs timer- and loop-driven work under a task name, so what it does can be told apart from request work. */
export function runInBackground<T>(task: string, work: () => T): T {
  return backgroundTask.run(task, work);
}

/** The background task the current code runs under, or undefined inside a request. */
export function currentBackgroundTask(): string | undefined {
  return backgroundTask.getStore();
}
