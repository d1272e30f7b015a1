/**
 * The stale-docs evaluation through the product's own services (docs/staleness.md, "Measured quality"):
 * for each release of a folder in the stale-docs format, its article snapshot is created and published
 * as articles of a product of its own (so releases never see each other's articles), its notes are
 * recorded as a release whose change entries are the notes' lines, and the product-change scan ranks and
 * flags the product's articles. Predictions are written in the folder's format and scored with the
 * folder's own score.mjs.
 */
import { INestApplicationContext } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AdminArticlesService } from '../../articles/admin-articles.service';
import { CategoriesService } from '../../articles/categories.service';
import { sessionUser } from '../../auth/auth-user';
import { ChangeKind } from '../../products/entities/release-change.entity';
import { ReleaseSource } from '../../products/entities/release.entity';
import { ProductsService } from '../../products/products.service';
import { Role } from '../../users/role.enum';
import { UsersService } from '../../users/users.service';
import { parseReleaseNotes } from '../detectors/release-notes';
import { ProductChangeParameters } from '../detectors/product-change';
import { StalenessScanService } from '../staleness-scan.service';
import { EvalRelease, loadStaleDocsFolder, Prediction, titleOf } from './stale-docs-format';

export interface ScoreBlock {
  precision: number;
  recall: number;
  f1: number;
  recall_at_5: number;
  recall_at_10: number;
  avg_flagged: number;
  micro_f1: number;
}

export interface StaleScore {
  split: string;
  releases_scored: number;
  strict: ScoreBlock;
  lenient: ScoreBlock;
}

export interface StaleEvalOptions {
  folder: string;
  split?: string;
  /** Only the first N releases of the split (the fast CI form). */
  limit?: number;
  out: string;
  params?: ProductChangeParameters;
  onRelease?: (done: number, total: number, version: string) => void;
}

export interface StaleEvalResult {
  predictionsFile: string;
  releases: number;
  articles: number;
  seconds: number;
  score: StaleScore;
  baselines: Record<string, StaleScore>;
}

function slugOf(path: string): string {
  return path.replace(/\.md$/, '').replace(/[^a-z0-9]+/gi, '-').replace(/^-+|-+$/g, '').toLowerCase().slice(0, 120) || 'page';
}

function productKeyOf(version: string, runId: string): string {
  return `eval-${runId}-${version}`.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').slice(0, 64);
}

/** Scores a predictions file with the folder's score.mjs (`--json`); only the releases present when `versions` is given. */
export function scoreWithFolder(folder: string, predictions: string, split: string, versions?: string[]): StaleScore {
  let file = predictions;
  if (versions) {
    // score.mjs counts a missing release as "flagged nothing": a subset is scored on a copy of the folder's releases limited to it.
    const subsetDir = join(dirname(predictions), `subset-${split}`);
    mkdirSync(subsetDir, { recursive: true });
    const keep = new Set(versions);
    const lines = readFileSync(join(folder, 'releases.jsonl'), 'utf8').split('\n').filter((line) => line.trim() && keep.has(JSON.parse(line).version));
    writeFileSync(join(subsetDir, 'releases.jsonl'), `${lines.join('\n')}\n`);
    copyFileSync(join(folder, 'score.mjs'), join(subsetDir, 'score.mjs'));
    const predicted = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() && keep.has(JSON.parse(line).version));
    file = join(subsetDir, `predictions-${basename(file)}`);
    writeFileSync(file, `${predicted.join('\n')}\n`);
    const out = execFileSync(process.execPath, [join(subsetDir, 'score.mjs'), file, '--split', split, '--json'], { encoding: 'utf8' });
    return JSON.parse(out) as StaleScore;
  }
  const out = execFileSync(process.execPath, [join(folder, 'score.mjs'), file, '--split', split, '--json'], { encoding: 'utf8' });
  return JSON.parse(out) as StaleScore;
}

export async function runStaleEval(app: INestApplicationContext, options: StaleEvalOptions): Promise<StaleEvalResult> {
  const started = Date.now();
  const split = options.split ?? 'dev';
  const all: EvalRelease[] = loadStaleDocsFolder(options.folder);
  let releases = all.filter((release) => release.split === split);
  if (options.limit) releases = releases.slice(0, options.limit);
  const users = app.get(UsersService);
  const categories = app.get(CategoriesService);
  const articles = app.get(AdminArticlesService);
  const products = app.get(ProductsService);
  const scans = app.get(StalenessScanService);
  const runId = Date.now().toString(36);
  const editorRow = await users.create({ email: `stale-eval-${runId}@evergreen.test`, displayName: 'Stale eval', password: `eval-${runId}-password`, role: Role.Editor });
  const editor = sessionUser(editorRow);
  const category = await categories.create({ translations: [{ locale: 'en', name: `Stale eval ${runId}`, slug: `stale-eval-${runId}` }] });

  // One product through the whole history, as a real knowledge base: each release's snapshot is loaded as
  // edits of the same articles (new pages created, changed pages revised and published, removed pages
  // archived), so the scan sees which articles editors changed after earlier releases (the history prior).
  // Releases before the first scored one are loaded as history only (the protocol allows reading them).
  const product = await products.createProduct({ key: productKeyOf('history', runId), name: `Eval ${split}` });
  const firstScored = all.findIndex((r) => r.version === releases[0]?.version);
  const lastScored = all.findIndex((r) => r.version === releases[releases.length - 1]?.version);
  const scored = new Set(releases.map((r) => r.version));
  const state = new Map<string, { articleId: string; head: number; text: string; archived: boolean }>();
  const pathOf = new Map<string, string>();
  const predictions: Prediction[] = [];
  let articleCount = 0;
  let done = 0;
  for (const release of firstScored < 0 ? [] : all.slice(0, lastScored + 1)) {
    const isScored = scored.has(release.version);
    if (isScored) options.onRelease?.(done, releases.length, release.version);
    for (const [path, markdown] of release.articles) {
      const known = state.get(path);
      const title = titleOf(path, markdown).slice(0, 200);
      if (!known) {
        const created = await articles.create(editor, {
          categoryId: category.id,
          locale: 'en',
          slug: `${slugOf(path)}-${runId}`.slice(0, 200),
          title,
          bodyMarkdown: markdown,
          productIds: [product.id],
        });
        const head = created.locales.find((l) => l.state.locale === 'en')!.head;
        await articles.publish(editor, { articleId: created.article.id, revisionId: head.id });
        state.set(path, { articleId: created.article.id, head: head.number, text: markdown, archived: false });
        pathOf.set(created.article.id, path);
      } else if (known.text !== markdown || known.archived) {
        if (known.archived) await articles.unarchive(editor, { articleId: known.articleId, locale: 'en' });
        const saved = await articles.saveDraft(editor, { articleId: known.articleId, locale: 'en', baseRevisionNumber: known.head, title, bodyMarkdown: markdown });
        const head = saved.locales.find((l) => l.state.locale === 'en')!.head;
        await articles.publish(editor, { articleId: known.articleId, revisionId: head.id });
        Object.assign(known, { head: head.number, text: markdown, archived: false });
      }
      if (isScored) articleCount += 1;
    }
    for (const [path, known] of state) {
      if (known.archived || release.articles.has(path)) continue;
      await articles.archive(editor, { articleId: known.articleId, locale: 'en' });
      known.archived = true;
    }
    const changes = parseReleaseNotes(release.notes).map((change) => ({
      kind: change.kind as ChangeKind,
      summary: change.summary.slice(0, 2000),
      featureKeys: [],
    }));
    const recorded = await products.recordRelease({
      product: { id: product.id },
      version: release.version,
      // Recorded after the snapshot was published: the articles predate the release, as in the data.
      releasedAt: new Date(),
      notesMarkdown: release.notes,
      changes,
      source: ReleaseSource.Admin,
      recordedBy: editor.id,
    });
    if (!isScored) continue;
    const result = await scans.scanRelease(recorded.release.id, options.params);
    const ranking = result.findings.map((finding) => pathOf.get(finding.articleId)!);
    for (const path of [...release.articles.keys()].sort()) if (!ranking.includes(path)) ranking.push(path);
    predictions.push({
      version: release.version,
      flagged: result.findings.filter((finding) => finding.flagged).map((finding) => pathOf.get(finding.articleId)!),
      ranking,
    });
    done += 1;
  }
  options.onRelease?.(releases.length, releases.length, '');
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const versions = options.limit ? releases.map((r) => r.version) : undefined;
  const score = scoreWithFolder(options.folder, options.out, split, versions);
  const baselines: Record<string, StaleScore> = {};
  for (const name of ['overlap', 'all']) {
    const file = join(options.folder, `baseline-${name}.jsonl`);
    if (existsSync(file)) baselines[name] = scoreWithFolder(options.folder, file, split, versions);
  }
  return { predictionsFile: options.out, releases: releases.length, articles: articleCount, seconds: (Date.now() - started) / 1000, score, baselines };
}

export function formatScoreTable(result: StaleEvalResult): string {
  const row = (name: string, s: StaleScore): string => {
    const f = (x: number): string => x.toFixed(3);
    return `| ${name.padEnd(22)} | ${f(s.strict.precision)} | ${f(s.strict.recall)} | ${f(s.strict.f1)} | ${f(s.strict.recall_at_5)} | ${f(s.strict.recall_at_10)} | ${f(s.lenient.precision)} | ${f(s.lenient.recall)} | ${f(s.lenient.f1)} | ${f(s.lenient.recall_at_5)} | ${f(s.lenient.recall_at_10)} | ${s.strict.avg_flagged.toFixed(1)} |`;
  };
  const lines = [
    `| system                 | P     | R     | F1    | R@5   | R@10  | len P | len R | len F1| lR@5  | lR@10 | flagged |`,
    `| ---------------------- | ----- | ----- | ----- | ----- | ----- | ----- | ----- | ----- | ----- | ----- | ------- |`,
    row('evergreen detector', result.score),
    ...Object.entries(result.baselines).map(([name, s]) => row(`baseline: ${name}`, s)),
  ];
  return lines.join('\n');
}
