import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { runInBackground } from '../common/background-work';
import { AppConfig } from '../config/app-config';

/** pg-boss's schema; created by the CreateJobQueue migration, upgraded by pg-boss itself at start. */
export const JOB_SCHEMA = 'pgboss';

/** How a failing queued job is retried: 3 more times, waiting 1 s, 2 s, 4 s (pg-boss backoff). */
const RETRY = { retryLimit: 3, retryDelay: 1, retryBackoff: true };
/** Connections of pg-boss's own pool (fetching, completing and queueing jobs). */
const JOB_QUEUE_CONNECTIONS = 2;
/** A queued job still active after this long is failed (and retried) by pg-boss. */
const EXPIRE_SECONDS = 300;

/**
 * Cluster-wide work on the PostgreSQL queue: every instance offers a run each interval, and the queue runs
 * at most one at a time across all instances (stately policy, one offer per interval slot); failures retry
 * with backoff.
 */
export interface QueuedJob {
  name: string;
  everySeconds: number;
  run: () => Promise<void>;
}

/** Work on state this process holds (an in-memory buffer, a local cache): a timer here, a last run at shutdown. */
export interface ProcessJob {
  name: string;
  everySeconds: number;
  run: () => Promise<void>;
  /** Run once more while stopping (flush what is buffered). */
  runAtShutdown?: boolean;
}

/** A long-running loop with its own claiming (SKIP LOCKED); the runner starts, stops and reports it. */
export interface LoopJob {
  name: string;
  /** Off: registered and reported, not started (the work runs in another process). */
  enabled: boolean;
  start: () => void;
  stop: () => Promise<void>;
  /** Work waiting for it, for /health. */
  backlog?: () => Promise<number>;
}

export type JobMode = 'queue' | 'process' | 'loop';

export interface JobState {
  name: string;
  mode: JobMode;
  everySeconds: number | null;
  /** Scheduled (queue, process) or looping in this instance. */
  running: boolean;
  runs: number;
  failures: number;
  /** Failures since the last success. */
  failingSince: number;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  /** Queued or waiting work; null when unknown. */
  backlog: number | null;
}

export interface JobsReport {
  /** The queue answered (true when no job uses it). */
  queueReachable: boolean;
  queueError: string | null;
  jobs: JobState[];
}

/**
 * The one runner for background work. Modules register their jobs while the application initializes
 * (onModuleInit); the runner starts them at bootstrap and stops them before shutdown, and reports each
 * job's state for /health.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobRunner.name);
  private readonly queued = new Map<string, QueuedJob>();
  private readonly local = new Map<string, ProcessJob>();
  private readonly loops = new Map<string, LoopJob>();
  private readonly states = new Map<string, JobState>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly workerIds = new Map<string, string>();
  private boss: PgBoss | null = null;
  private started = false;
  private stopping = false;

  constructor(private readonly config: AppConfig) {}

  queue(job: QueuedJob): void {
    this.register(job.name, 'queue', job.everySeconds);
    this.queued.set(job.name, job);
  }

  process(job: ProcessJob): void {
    this.register(job.name, 'process', job.everySeconds);
    this.local.set(job.name, job);
  }

  loop(job: LoopJob): void {
    this.register(job.name, 'loop', null);
    this.loops.set(job.name, job);
  }

  /** A loop reports each pass: an error marks a failure, otherwise a success. */
  recordRun(name: string, error?: unknown): void {
    const state = this.states.get(name);
    if (!state) return;
    const now = new Date().toISOString();
    state.runs += 1;
    state.lastRunAt = now;
    if (error === undefined) {
      state.lastSuccessAt = now;
      state.failingSince = 0;
    } else {
      state.failures += 1;
      state.failingSince += 1;
      state.lastFailureAt = now;
      state.lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs.enabled) return;
    this.started = true;
    if (this.queued.size > 0) await this.startQueue();
    for (const job of this.local.values()) {
      const timer = setInterval(() => void this.runLocal(job), job.everySeconds * 1000);
      timer.unref();
      this.timers.push(timer);
      this.states.get(job.name)!.running = true;
    }
    for (const job of this.loops.values()) {
      if (!job.enabled) continue;
      job.start();
      this.states.get(job.name)!.running = true;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    for (const state of this.states.values()) if (state.mode !== 'loop') state.running = false;
    await Promise.all([...this.inFlight.values()]);
    for (const job of this.local.values()) if (job.runAtShutdown) await this.runLocal(job);
    for (const job of this.loops.values()) {
      if (!job.enabled) continue;
      await job.stop();
      this.states.get(job.name)!.running = false;
    }
    // Active jobs finish first; then pg-boss closes its own pool.
    await this.boss?.stop({ graceful: true, wait: true, close: true, timeout: EXPIRE_SECONDS * 1000 });
    this.boss = null;
  }

  /**
   * Runs a job now, outside its schedule (tests, operators). A queued job is offered to the queue (resolves
   * when queued, not run); a per-process job runs here and resolves when it has run.
   */
  async trigger(name: string): Promise<void> {
    const local = this.local.get(name);
    if (local) return this.runLocal(local);
    const job = this.queued.get(name);
    if (!job || !this.boss) throw new Error(`No queued job ${name} is running`);
    await this.offer(job, false);
  }

  async report(): Promise<JobsReport> {
    let queueReachable = this.queued.size === 0 || !this.config.jobs.enabled;
    let queueError: string | null = null;
    if (this.boss) {
      try {
        for (const name of this.queued.keys()) this.states.get(name)!.backlog = await this.boss.getQueueSize(name);
        queueReachable = true;
      } catch (error) {
        queueReachable = false;
        queueError = error instanceof Error ? error.message : String(error);
      }
    }
    for (const job of this.loops.values()) {
      if (!job.backlog) continue;
      const state = this.states.get(job.name)!;
      state.backlog = await job.backlog().catch(() => null);
    }
    return { queueReachable, queueError, jobs: [...this.states.values()].map((state) => ({ ...state })) };
  }

  private register(name: string, mode: JobMode, everySeconds: number | null): void {
    if (this.states.has(name)) throw new Error(`Job ${name} is registered twice`);
    if (this.started) throw new Error(`Job ${name} registered after the runner started; register in onModuleInit`);
    this.states.set(name, {
      name,
      mode,
      everySeconds,
      running: false,
      runs: 0,
      failures: 0,
      failingSince: 0,
      lastRunAt: null,
      lastSuccessAt: null,
      lastFailureAt: null,
      lastError: null,
      backlog: null,
    });
  }

  private async startQueue(): Promise<void> {
    // pg-boss has a small pool of its own, so a job settling while the app closes TypeORM's pool still records its outcome.
    const boss = new PgBoss({
      connectionString: this.config.database.url,
      max: JOB_QUEUE_CONNECTIONS,
      schema: JOB_SCHEMA,
      // Upgrades its own schema when a newer pg-boss needs it (under an advisory lock).
      migrate: true,
      // No cron: schedules here run every few seconds, below cron's one-minute granularity.
      schedule: false,
      supervise: true,
    });
    // One line, not the pg client dump: a lost connection is retried by pg-boss's next poll.
    boss.on('error', (error: unknown) => {
      if (this.stopping) return;
      const { message, code } = error as { message?: string; code?: string };
      this.logger.warn(`Job queue error: ${message ?? String(error)}${code ? ` (${code})` : ''}`);
    });
    await boss.start();
    this.boss = boss;
    for (const job of this.queued.values()) {
      await boss.createQueue(job.name, { name: job.name, policy: 'stately', ...RETRY, expireInSeconds: EXPIRE_SECONDS });
      const workerId = await boss.work(job.name, { pollingIntervalSeconds: this.config.jobs.pollSeconds, batchSize: 1 }, () => this.runQueued(job));
      this.workerIds.set(job.name, workerId);
      const state = this.states.get(job.name)!;
      state.running = true;
      // The first offer at start catches up on anything missed while no instance ran (not throttled: a run
      // another instance made in this interval slot must not hold it back; the queue still allows one queued).
      await this.offer(job, false);
      const timer = setInterval(() => void this.offer(job, true), job.everySeconds * 1000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /**
   * Queues a run unless one is queued already (stately queue: at most one queued and one active across every
   * instance). Throttled: at most one per interval slot, so N instances offering each interval run it once.
   */
  private async offer(job: QueuedJob, throttled: boolean): Promise<void> {
    if (!this.boss || this.stopping) return;
    try {
      const id = await this.boss.send(job.name, {}, { singletonKey: job.name, ...(throttled ? { singletonSeconds: job.everySeconds } : {}) });
      if (id) this.boss.notifyWorker(this.workerIds.get(job.name)!);
    } catch (error) {
      if (!this.stopping) this.logger.warn({ err: error }, `Could not queue job ${job.name}`);
    }
  }

  private runQueued(job: QueuedJob): Promise<void> {
    // A throw fails the pg-boss job, which retries it with backoff.
    return this.track(job.name, job.run);
  }

  /** One run at a time per process; an overlapping tick joins the run in flight. Failures are logged and counted. */
  private runLocal(job: ProcessJob): Promise<void> {
    const inFlight = this.inFlight.get(job.name);
    if (inFlight) return inFlight;
    const run = this.track(job.name, job.run)
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(job.name));
    this.inFlight.set(job.name, run);
    return run;
  }

  /** Runs a job under its background-task name and records the outcome. */
  private async track(name: string, run: () => Promise<void>): Promise<void> {
    try {
      await runInBackground(name, run);
      this.recordRun(name);
    } catch (error) {
      this.recordRun(name, error);
      this.logger.warn({ err: error }, `Job ${name} failed`);
      throw error;
    }
  }
}
