import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppConfig } from '../../config/app-config';
import { RenderedPost, renderPost } from './render-post';

/** Bodies from this length on are rendered in the worker thread; shorter ones cost well under a few ms inline. */
export const OFF_THREAD_FROM_CHARS = 2_000;

type Reply = { id: number; rendered: RenderedPost; threadId: number } | { id: number; error: string };

interface Pending {
  resolve: (rendered: RenderedPost) => void;
  source: string;
}

/**
 * Renders post Markdown with the configured image hosts; once per revision, when it is written.
 *
 * Long bodies are rendered in a `worker_threads` Worker (post-render.worker.js): pathological Markdown (thousands of
 * emphasis delimiters, table cells or bare e-mail addresses) takes up to ~0.35 s for the 50,000 characters a post
 * may have, which on the event loop would stall every request of the process. One worker per process, started on
 * first use, unref'd while idle, terminated at shutdown. If it cannot start or fails, the body is rendered inline
 * (same result; logged once per failure) and the next long body starts a new worker.
 */
@Injectable()
export class PostRenderer implements OnApplicationShutdown {
  private static readonly logger = new Logger(PostRenderer.name);
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** The thread the last off-thread render ran on (tests check it is not the event loop's). */
  lastThreadId: number | null = null;

  constructor(private readonly config: AppConfig) {}

  render(markdown: string): Promise<RenderedPost> {
    const policy = { imageHosts: this.config.forum.imageHosts };
    if (markdown.length < OFF_THREAD_FROM_CHARS) return Promise.resolve(renderPost(markdown, policy));
    const worker = this.start();
    if (!worker) return Promise.resolve(renderPost(markdown, policy));
    return new Promise((resolve) => {
      this.nextId += 1;
      this.pending.set(this.nextId, { resolve, source: markdown });
      worker.ref();
      worker.postMessage({ id: this.nextId, source: markdown, policy });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.forget(worker, null);
    await worker.terminate();
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    let worker: Worker;
    try {
      worker = new Worker(join(__dirname, 'post-render.worker.js'));
    } catch (error) {
      PostRenderer.logger.warn(`post rendering stays on the event loop: the worker did not start (${String(error)})`);
      return undefined;
    }
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) {
        PostRenderer.logger.warn(`post rendering failed in the worker, rendered inline: ${reply.error}`);
        pending.resolve(renderPost(pending.source, { imageHosts: this.config.forum.imageHosts }));
        return;
      }
      this.lastThreadId = reply.threadId;
      pending.resolve(reply.rendered);
    });
    worker.on('error', (error) => this.forget(worker, `the worker failed (${String(error)})`));
    worker.on('exit', (code) => this.forget(worker, `the worker exited with code ${code}`));
    return worker;
  }

  /** Drops `worker`; what it had not answered is rendered inline (or, at shutdown, not at all). */
  private forget(worker: Worker, reason: string | null): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    if (reason === null) return;
    PostRenderer.logger.warn(`post rendering: ${reason}; ${pending.length} body(ies) rendered inline, the next long one starts a new worker`);
    for (const { resolve, source } of pending) resolve(renderPost(source, { imageHosts: this.config.forum.imageHosts }));
  }
}
