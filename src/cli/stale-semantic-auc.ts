/**
 * Sentence-encoder experiment (docs/staleness.md, fifth round): per release of a split, how well does one
 * number per page separate the gold pages from the others (AUC), for the detector's lexical votes and for
 * page scores built from the encoder's cosines (vectors from `npm run eval:stale:embed`). Mean over the
 * split's releases with gold pages. Reads gold only to score.
 *
 *   npx ts-node --transpile-only src/cli/stale-semantic-auc.ts <folder> <cache-dir> [--split dev]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changeQueries, DEFAULT_PRODUCT_CHANGE_PARAMETERS, detectProductChange } from '../staleness/detectors/product-change';
import { parseReleaseNotes } from '../staleness/detectors/release-notes';
import { loadStaleDocsFolder, titleOf } from '../staleness/eval/stale-docs-format';
import { articleChunks, summaryText } from '../staleness/eval/semantic-text';
import { semanticLookup } from '../staleness/eval/semantic-vectors';

function auc(positives: number[], negatives: number[]): number {
  let sum = 0;
  for (const p of positives) for (const n of negatives) sum += p > n ? 1 : p === n ? 0.5 : 0;
  return sum / (positives.length * negatives.length);
}

/** Rank of each value, 0 for the highest. */
function ranks(values: number[]): number[] {
  const out = new Array<number>(values.length);
  values
    .map((v, i) => [v, i])
    .sort((a, b) => b[0] - a[0])
    .forEach(([, i], rank) => (out[i] = rank));
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function main(): void {
  const [folder, cacheDir] = process.argv.slice(2);
  const splitAt = process.argv.indexOf('--split');
  const split = splitAt > 0 ? process.argv[splitAt + 1] : 'dev';
  const vectorOf = semanticLookup(cacheDir);
  const gold = new Map(
    readFileSync(join(folder, 'releases.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { version: string; changed_pages: string[] })
      .map((r) => [r.version, new Set(r.changed_pages)]),
  );
  const sums = new Map<string, number[]>();
  for (const r of loadStaleDocsFolder(folder).filter((x) => x.split === split)) {
    const goldPages = gold.get(r.version) ?? new Set<string>();
    const paths = [...r.articles.keys()];
    if (!paths.some((p) => goldPages.has(p))) continue;
    const changes = parseReleaseNotes(r.notes).map((c) => ({ id: null, kind: c.kind, summary: c.summary, featureKeys: [] as string[] }));
    const release = { id: r.version, version: r.version, releasedAt: new Date(), notesMarkdown: r.notes, changes };
    const articles = paths.map((p) => ({ articleId: p, locale: 'en', title: titleOf(p, r.articles.get(p)!), body: r.articles.get(p)!, featureKeys: [], lastConfirmedAt: null }));
    const chunks = articles.map((a) => articleChunks(a.title, a.body).flatMap((c) => vectorOf(c.text) ?? []));
    const queries = changeQueries(release).flatMap((q) => {
      const v = vectorOf(summaryText(q.summary));
      return v ? [{ kind: q.kind, v }] : [];
    });
    const cos = chunks.map((list) => queries.map((q) => Math.max(0, ...list.map((c) => dot(q.v, c)))));
    const best = queries.map((_, e) => Math.max(...cos.map((row) => row[e])));
    const findings = detectProductChange(release, articles, { ...DEFAULT_PRODUCT_CHANGE_PARAMETERS, historyWeight: 0 });
    const lexical = new Map(findings.map((f) => [f.articleId, f.score + 1e-3 * f.support]));
    const signals: Record<string, number[]> = {
      'lexical votes': paths.map((p) => lexical.get(p) ?? 0),
      'best cosine': cos.map((row) => Math.max(...row)),
      'mean of 3 best cosines': cos.map((row) => [...row].sort((a, b) => b - a).slice(0, 3).reduce((s, x) => s + x, 0) / 3),
      'entries within 95% of best': cos.map((row) => row.filter((c, e) => c >= 0.95 * best[e]).length),
      'best cosine, not fixes': cos.map((row) => Math.max(0, ...row.filter((_, e) => queries[e].kind !== 'fixed'))),
    };
    const lexicalRank = ranks(signals['lexical votes']);
    const meanRank = ranks(signals['mean of 3 best cosines']);
    const winsRank = ranks(signals['entries within 95% of best']);
    signals['RRF lexical + mean of 3'] = paths.map((_, i) => 1 / (10 + lexicalRank[i]) + 1 / (10 + meanRank[i]));
    signals['RRF lexical + 0.5 mean of 3'] = paths.map((_, i) => 1 / (10 + lexicalRank[i]) + 0.5 / (10 + meanRank[i]));
    signals['RRF lexical + 0.5 entries within 95%'] = paths.map((_, i) => 1 / (10 + lexicalRank[i]) + 0.5 / (10 + winsRank[i]));
    for (const [name, values] of Object.entries(signals)) {
      const positives = paths.flatMap((p, i) => (goldPages.has(p) ? [values[i]] : []));
      const negatives = paths.flatMap((p, i) => (goldPages.has(p) ? [] : [values[i]]));
      sums.set(name, [...(sums.get(name) ?? []), auc(positives, negatives)]);
    }
  }
  for (const [name, values] of sums) {
    process.stdout.write(`${name.padEnd(40)} mean AUC ${(values.reduce((s, x) => s + x, 0) / values.length).toFixed(3)} over ${values.length} ${split} releases\n`);
  }
}

if (require.main === module) main();
