/**
 * Chooses the similarity threshold of the recurring-question article pointer (`articleCoverage`) on the DEV
 * split of a dup-questions folder only (docs/recurring-questions.md, "Similar articles"):
 *
 * - positives: a duplicate group of 3+ questions whose duplicates form the cluster and whose original (the
 *   question Stack Exchange closed them against, the canonical page people are sent to) plays the article;
 * - hard negatives: the same cluster against the best-covering original of every other dev group, and against
 *   the best-covering page of the stale-docs articles (long documentation pages, another domain).
 *
 * Prints the distributions and, per threshold, the share of positives pointed at (recall) and of clusters
 * whose best wrong page would be pointed at (false pointers).
 *
 *   npx ts-node --transpile-only src/staleness/recurring/eval/calibrate-article-pointer.ts ../shared/eval
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { articleClusterSimilarity, ArticleText, ClusterQuestion } from '../article-similarity';
import { questionTerms } from '../question-terms';

const root = process.argv[2] ?? '../shared/eval';
const lines = (file: string): Record<string, unknown>[] =>
  fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

const questions = new Map(lines(path.join(root, 'dup-questions/questions.jsonl')).map((q) => [q.id as string, q as { title: string; body: string }]));
const groups = lines(path.join(root, 'dup-questions/groups.jsonl')).filter((g) => g.split === 'dev') as { members: string[]; originals: string[] }[];
const docsFile = path.join(root, 'stale-docs/articles.jsonl');
const docs: ArticleText[] = fs.existsSync(docsFile)
  ? lines(docsFile).map((a) => {
      const text = String(a.text ?? '');
      return { title: text.split('\n')[0].replace(/^#\s*/, ''), body: text };
    })
  : [];

// IDF over every question of the folder (in the product: over the scope's stored questions).
const df = new Map<string, number>();
for (const x of questions.values()) for (const term of new Set(questionTerms(`${x.title}\n${x.body}`))) df.set(term, (df.get(term) ?? 0) + 1);
const idf = (term: string): number => Math.log(1 + (questions.size - (df.get(term) ?? 0) + 0.5) / ((df.get(term) ?? 0) + 0.5));
const asArticle = (id: string): ArticleText => ({ title: questions.get(id)!.title, body: questions.get(id)!.body });
const rows: { size: number; positive: number; otherOriginal: number; doc: number }[] = [];
for (const g of groups) {
  const original = g.originals[0];
  const cluster = g.members.filter((m) => m !== original).map((id) => ({ title: questions.get(id)!.title, question: questions.get(id)!.body }));
  if (cluster.length < 2) continue;
  const sim = (a: ArticleText) => articleClusterSimilarity(cluster as ClusterQuestion[], a, idf);
  const others = groups.filter((o) => o !== g).map((o) => sim(asArticle(o.originals[0])));
  rows.push({
    size: cluster.length,
    positive: sim(asArticle(original)),
    otherOriginal: Math.max(...others),
    doc: docs.length ? Math.max(...docs.map((d) => sim(d))) : 0,
  });
}
const q = (values: number[], p: number): string => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(p * values.length))].toFixed(2);
const describe = (name: string, values: number[]) => console.log(`${name.padEnd(34)} p10 ${q(values, 0.1)}  p50 ${q(values, 0.5)}  p90 ${q(values, 0.9)}  max ${q(values, 1)}`);
console.log(`dev clusters of 2+ duplicates with their original: ${rows.length}; documentation pages: ${docs.length}`);
describe('original (positive)', rows.map((r) => r.positive));
describe('best other original (negative)', rows.map((r) => r.otherOriginal));
describe('best documentation page (negative)', rows.map((r) => r.doc));
console.log('\nAmong every original and documentation page, the best one at or above the threshold is pointed at:');
console.log('threshold  right page  wrong page  none (content gap)');
for (let t = 0.2; t <= 0.551; t += 0.05) {
  const right = rows.filter((r) => r.positive >= t && r.positive >= r.otherOriginal && r.positive >= r.doc).length;
  const wrong = rows.filter((r) => Math.max(r.otherOriginal, r.doc) >= t && Math.max(r.otherOriginal, r.doc) > r.positive).length;
  const pct = (n: number) => `${((100 * n) / rows.length).toFixed(0)} %`.padStart(10);
  console.log(`${t.toFixed(2).padStart(9)}  ${pct(right)}  ${pct(wrong)}  ${pct(rows.length - right - wrong).padStart(18)}`);
}
console.log('\nthreshold  pointed at the original  best wrong original ≥  best doc page ≥');
for (let t = 0.1; t <= 0.751; t += 0.05) {
  const share = (f: (r: (typeof rows)[number]) => boolean) => `${((100 * rows.filter(f).length) / rows.length).toFixed(0).padStart(3)} %`;
  console.log(`${t.toFixed(2).padStart(9)}  ${share((r) => r.positive >= t).padStart(23)}  ${share((r) => r.otherOriginal >= t).padStart(21)}  ${share((r) => r.doc >= t).padStart(15)}`);
}
