/**
 * In-memory replay of detector 1 on a stale-docs folder, for fast tuning (seconds instead of minutes):
 * the same inputs the service gives the detector in `npm run eval:stale` (notes parsed into change
 * entries, the snapshot's texts, the edit history of earlier snapshots), scored like the folder's
 * score.mjs (strict macro P/R/F1, R@5, R@10). Besides the split's releases it scores the *stress sets*
 * of the second round: consecutive release cycles merged by two and three (the earlier snapshot, the
 * notes of all merged cycles, the gold of all of them that the snapshot still holds), which look like
 * the long major releases the detector has not been tuned on.
 *
 *   npm run eval:stale:replay -- <folder> [--split dev] [--params '{"k1":1}'] [--per-case] [--only 2.2.0,2.3.0]
 *
 * `--params` overrides DEFAULT_PRODUCT_CHANGE_PARAMETERS; `--only` scores just those releases (no merging);
 * `--semantic <cache-dir>` passes sentence vectors from `npm run eval:stale:embed` (the semantic* parameters);
 * `--out <file>` writes the split's predictions (not the merged cases) for the folder's score.mjs;
 * `--merges 1` scores the split alone (default 1,2,3: the split and its stress sets).
 *
 * Reads gold (`changed_pages`) only to score. The service eval stays the reference: confirm a choice
 * there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArticleInput, DEFAULT_PRODUCT_CHANGE_PARAMETERS, detectProductChange, ProductChangeParameters, SemanticVectors } from '../staleness/detectors/product-change';
import { parseReleaseNotes } from '../staleness/detectors/release-notes';
import { loadStaleDocsFolder, Prediction, titleOf } from '../staleness/eval/stale-docs-format';
import { articleChunks, summaryText } from '../staleness/eval/semantic-text';
import { semanticLookup } from '../staleness/eval/semantic-vectors';

interface Case {
  name: string;
  index: number;
  notes: string;
  gold: Set<string>;
}

export interface ReplayScore {
  cases: number;
  f1: number;
  precision: number;
  recall: number;
  r5: number;
  r10: number;
  flagged: number;
}

const HISTORY_RELEASES = 50;
const loaded = new Map<string, ReturnType<typeof loadStaleDocsFolder>>();

const chunkMemo = new Map<string, Float32Array[]>();
function chunkVectors(title: string, body: string, vectorOf: (text: string) => Float32Array | undefined): Float32Array[] {
  const key = `${title}\u0000${body}`;
  let vectors = chunkMemo.get(key);
  if (!vectors) {
    vectors = articleChunks(title, body).map((chunk) => vectorOf(chunk.text)).filter((v): v is Float32Array => v !== undefined);
    chunkMemo.set(key, vectors);
  }
  return vectors;
}

export function replay(folder: string, split: string, params: ProductChangeParameters, mergeBy = 1, only?: Set<string>, vectorOf?: (text: string) => Float32Array | undefined, predictions?: Prediction[]): ReplayScore & { perCase: { name: string; f1: number; r10: number; flagged: number; gold: number }[] } {
  const all = loaded.get(folder) ?? loadStaleDocsFolder(folder);
  loaded.set(folder, all);
  const goldRows = readFileSync(join(folder, 'releases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { version: string; changed_pages: string[] });
  const goldOf = new Map(goldRows.map((r) => [r.version, r.changed_pages]));
  // Edit history as the service sees it: for each release index, which paths got a new revision when
  // its snapshot was loaded (changed text, or back from archived), and when each path was created.
  const createdAt = new Map<string, number>();
  const editedAt: Set<string>[] = [];
  const last = new Map<string, string>();
  all.forEach((release, i) => {
    const edited = new Set<string>();
    for (const [path, text] of release.articles) {
      if (!createdAt.has(path)) createdAt.set(path, i);
      else if (last.get(path) !== text) edited.add(path);
      last.set(path, text);
    }
    for (const path of [...last.keys()]) if (!release.articles.has(path)) last.set(path, '\u0000archived');
    editedAt.push(edited);
  });
  const historyAt = (n: number, path: string): { cycles: number; edited: number } | undefined => {
    let cycles = 0;
    let edited = 0;
    for (let j = Math.max(0, n - HISTORY_RELEASES); j < n; j++) {
      if ((createdAt.get(path) ?? Infinity) > j) continue;
      cycles += 1;
      if (editedAt[j + 1].has(path)) edited += 1;
    }
    return cycles ? { cycles, edited } : undefined;
  };
  const indices = all.map((r, i) => i).filter((i) => all[i].split === split);
  const cases: Case[] = [];
  for (let s = 0; s + mergeBy - 1 < indices.length; s++) {
    const group = indices.slice(s, s + mergeBy);
    if (only && !group.every((i) => only.has(all[i].version))) continue;
    const snapshot = all[group[0]].articles;
    const gold = new Set(group.flatMap((i) => goldOf.get(all[i].version) ?? []).filter((p) => snapshot.has(p)));
    const notes = [...group].reverse().map((i) => all[i].notes).join('\n');
    cases.push({ name: group.map((i) => all[i].version).join('+'), index: group[0], notes, gold });
  }
  const perCase: { name: string; f1: number; r10: number; flagged: number; gold: number; p: number; r: number; r5: number }[] = [];
  for (const c of cases) {
    const release = all[c.index];
    const changes = parseReleaseNotes(c.notes).map((change) => ({ id: 'entry', kind: change.kind, summary: change.summary.slice(0, 2000), featureKeys: [] as string[] }));
    const paths = [...release.articles.keys()];
    const articles: ArticleInput[] = paths.map((path) => ({
      articleId: path,
      locale: 'en',
      title: titleOf(path, release.articles.get(path)!),
      body: release.articles.get(path)!,
      featureKeys: [],
      lastConfirmedAt: null,
      history: historyAt(c.index, path),
    }));
    const semantic: SemanticVectors | undefined = vectorOf && {
      summary: (summary) => vectorOf(summaryText(summary)),
      articles: articles.map((a) => chunkVectors(a.title, a.body, vectorOf)),
    };
    const findings = detectProductChange({ id: c.name, version: c.name, releasedAt: new Date(), notesMarkdown: c.notes, changes }, articles, params, semantic);
    const flagged = findings.filter((f) => f.flagged).map((f) => f.articleId);
    const ranking = findings.map((f) => f.articleId);
    for (const path of [...paths].sort()) if (!ranking.includes(path)) ranking.push(path);
    predictions?.push({ version: c.name, flagged, ranking });
    if (c.gold.size === 0) continue;
    const hits = flagged.filter((p) => c.gold.has(p)).length;
    const p = flagged.length ? hits / flagged.length : 0;
    const r = hits / c.gold.size;
    const f1 = p + r > 0 ? (2 * p * r) / (p + r) : 0;
    const at = (k: number): number => ranking.slice(0, k).filter((x) => c.gold.has(x)).length / c.gold.size;
    perCase.push({ name: c.name, f1, r10: at(10), r5: at(5), p, r, flagged: flagged.length, gold: c.gold.size });
  }
  const mean = (k: 'f1' | 'p' | 'r' | 'r5' | 'r10' | 'flagged'): number => perCase.reduce((s, x) => s + x[k], 0) / Math.max(1, perCase.length);
  return { cases: perCase.length, f1: mean('f1'), precision: mean('p'), recall: mean('r'), r5: mean('r5'), r10: mean('r10'), flagged: mean('flagged'), perCase };
}

function main(): void {
  const args = process.argv.slice(2);
  const folder = args[0];
  let split = 'dev';
  let overrides: Partial<ProductChangeParameters> = {};
  let perCase = false;
  let only: Set<string> | undefined;
  let vectorOf: ((text: string) => Float32Array | undefined) | undefined;
  let out: string | undefined;
  let merges = [1, 2, 3];
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--split') split = args[++i];
    else if (args[i] === '--params') overrides = JSON.parse(args[++i]) as Partial<ProductChangeParameters>;
    else if (args[i] === '--per-case') perCase = true;
    else if (args[i] === '--only') only = new Set(args[++i].split(','));
    else if (args[i] === '--semantic') vectorOf = semanticLookup(args[++i]);
    else if (args[i] === '--out') out = args[++i];
    else if (args[i] === '--merges') merges = args[++i].split(',').map(Number);
  }
  const params = { ...DEFAULT_PRODUCT_CHANGE_PARAMETERS, ...overrides };
  const f = (x: number): string => x.toFixed(3);
  let objective = 0;
  if (only) merges = [1];
  for (const mergeBy of merges) {
    const predictions: Prediction[] = [];
    const s = replay(folder, split, params, mergeBy, only, vectorOf, predictions);
    if (out && mergeBy === 1) writeFileSync(out, predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
    objective += s.f1 + 0.5 * s.r10 + 0.25 * s.r5;
    process.stdout.write(`${split}x${mergeBy}  cases ${s.cases}  P ${f(s.precision)} R ${f(s.recall)} F1 ${f(s.f1)} R@5 ${f(s.r5)} R@10 ${f(s.r10)} flagged ${s.flagged.toFixed(1)}\n`);
    if (perCase) for (const c of s.perCase) process.stdout.write(`   ${c.name.padEnd(24)} gold ${c.gold} flagged ${c.flagged} F1 ${f(c.f1)} R@10 ${f(c.r10)}\n`);
  }
  process.stdout.write(`objective (mean F1 + 0.5 R@10 + 0.25 R@5) ${f(objective / merges.length)}\n`);
}

if (require.main === module) main();
