/**
 * What the sentence encoder reads for detector 1: change summaries without pull-request references and
 * markup, and article passages (the detector's own, `passagesOf`) cut into chunks of at most ~`maxChars`
 * at line breaks, each prefixed with its heading. Pure.
 */
import { passagesOf } from '../detectors/text-relevance';

export interface SemanticChunk {
  /** Index of the detector passage the chunk belongs to. */
  passage: number;
  text: string;
}

function plain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_>#]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A change summary as a sentence: `(#1234)`, `(fix #12)`, commit hashes and markup dropped. */
export function summaryText(summary: string): string {
  return plain(summary.replace(/\((?:fix(?:es)?\s*)?#\d+\)|\(#\d+,?\s*#?\d*\)|\b[0-9a-f]{7,40}\b/gi, ''));
}

export function articleChunks(title: string, body: string, maxChars = 600): SemanticChunk[] {
  const chunks: SemanticChunk[] = [{ passage: -1, text: plain(title) }];
  passagesOf(body).forEach((passage, index) => {
    const heading = plain(passage.heading);
    let current = '';
    const flush = (): void => {
      const text = plain(current);
      if (text.length >= 20) chunks.push({ passage: index, text: heading && !text.startsWith(heading) ? `${heading}: ${text}` : text });
      current = '';
    };
    for (const line of body.slice(passage.start, passage.end).split('\n')) {
      if (current.length + line.length + 1 > maxChars && current) flush();
      current += `${line.slice(0, maxChars)}\n`;
    }
    flush();
  });
  return chunks.filter((chunk) => chunk.text.length > 0);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
