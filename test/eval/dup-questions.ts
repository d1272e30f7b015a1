/**
 * ../shared/eval/dup-questions through the product's own API: questions loaded as published articles through
 * the admin API, indexed by the real worker, queries sent to the delivery `search`, rankings scored by the
 * folder's score.mjs. Shared by the full evaluation (`npm run eval:search`) and the CI guard.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SearchVectors } from '../../src/search/search-vectors';
import { IndexingWorker } from '../../src/search/indexing-worker';
import { Role } from '../../src/users/role.enum';
import { KnowledgeBaseFactory } from '../factories/knowledge-base';
import { TestApp } from '../support/create-test-app';

const EVAL_DIR_GIVEN = process.env.EVAL_DIR ?? join(__dirname, '../../../shared/eval/dup-questions');
// score.mjs runs only when started by its real path (not through the ../shared link).
export const EVAL_DIR = existsSync(EVAL_DIR_GIVEN) ? realpathSync(EVAL_DIR_GIVEN) : EVAL_DIR_GIVEN;
export const HAS_DATA = existsSync(join(EVAL_DIR, 'questions.jsonl'));

export const METRICS = ['MAP', 'MRR', 'P@1', 'P@5', 'R@10'] as const;
export type Scores = Record<(typeof METRICS)[number], number>;

export interface Question {
  id: string;
  forum: string;
  split: string;
  title: string;
  body: string;
}
export interface EvalQuery {
  query: string;
  forum: string;
  split: string;
  group: string[];
}
export interface EvalGroup {
  group: string;
  forum: string;
  split: string;
  members: string[];
}

/** The data set, or a self-consistent part of it (its own questions, queries and groups). */
export interface DupQuestions {
  questions: Question[];
  queries: EvalQuery[];
  groups: EvalGroup[];
}

const SEARCH = `query ($input: SearchInput!) { search(input: $input) { hits { id } } }`;

export function readLines<T>(file: string, dir = EVAL_DIR): T[] {
  return readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

export function loadDupQuestions(): DupQuestions {
  return { questions: readLines('questions.jsonl'), queries: readLines('queries.jsonl'), groups: readLines('groups.jsonl') };
}

export async function inParallel<T>(items: T[], workers: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Loads every question as a published article (tagged with its forum) and indexes them; returns article id → question id. */
export async function loadAsArticles(t: TestApp, questions: Question[], workers = 4): Promise<Map<string, string>> {
  const editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
  const kb = new KnowledgeBaseFactory(editor);
  const category = await kb.category('Questions');
  const questionOf = new Map<string, string>();
  const started = Date.now();
  await inParallel(questions, workers, async (q) => {
    const article = await kb.published(category.id, { title: q.title.slice(0, 200) || q.id, bodyMarkdown: q.body || q.title, tags: [q.forum] });
    questionOf.set(article.id, q.id);
  });
  const loaded = Date.now();
  await t.app.get(IndexingWorker).drain();
  const indexed = Date.now();
  // The search-embeddings job's work, done here at once: titles' sentence vectors for the semantic rerank (when on).
  const vectors = t.app.get(SearchVectors);
  while ((await vectors.embedPending(32)) > 0);
  if (process.env.EVAL_TIMING) {
    process.stdout.write(`\nloaded ${questions.length} articles in ${loaded - started} ms, indexed in ${indexed - loaded} ms, titles embedded in ${Date.now() - indexed} ms\n`);
  }
  return questionOf;
}

/**
 * Sends each query's title (or title + the first 300 characters of its body) to the delivery `search`,
 * filtered to the question's forum, top 100, and scores the rankings with score.mjs. `data` set: scored
 * against that part of the data set only (score.mjs --data), its pool being the questions loaded.
 */
export async function searchAndScore(
  t: TestApp,
  set: DupQuestions,
  questionOf: Map<string, string>,
  split: string,
  withBody: boolean,
  options: { subset?: boolean; workers?: number } = {},
): Promise<Scores> {
  const byId = new Map(set.questions.map((q) => [q.id, q]));
  const queries = set.queries.filter((q) => q.split === split);
  const lines: string[] = [];
  await inParallel(queries, options.workers ?? 2, async (q) => {
    const question = byId.get(q.query)!;
    const text = withBody ? `${question.title} ${question.body.slice(0, 300)}` : question.title;
    const ranking: string[] = [];
    for (let page = 1; page <= 2; page += 1) {
      const res = await t.delivery().send(SEARCH, { input: { locale: 'en', text, page, pageSize: 50, filters: { tags: [q.forum] } } });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      const hits = res.data!.search.hits as { id: string }[];
      ranking.push(...hits.map((hit) => questionOf.get(hit.id)!));
      if (hits.length < 50) break;
    }
    lines.push(JSON.stringify({ query: q.query, ranking }));
  });
  const dir = mkdtempSync(join(tmpdir(), 'eval-search-'));
  const file = join(dir, `${split}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  const args = [join(EVAL_DIR, 'score.mjs'), 'retrieval', '--run', file, '--split', split, '--json'];
  if (options.subset) {
    const toLines = (rows: unknown[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
    writeFileSync(join(dir, 'questions.jsonl'), toLines(set.questions));
    writeFileSync(join(dir, 'queries.jsonl'), toLines(set.queries));
    writeFileSync(join(dir, 'groups.jsonl'), toLines(set.groups));
    args.push('--data', dir);
  }
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
  return JSON.parse(out) as Scores;
}

/** A markdown table of runs, with the floor and the folder's BM25 baseline. */
export function scoreTable(rows: [string, Scores][], floors: [string, Scores][]): string {
  return [
    `| run | ${METRICS.join(' | ')} |`,
    `| --- | ${METRICS.map(() => '---').join(' | ')} |`,
    ...[...rows, ...floors].map(([name, s]) => `| ${name} | ${METRICS.map((m) => s[m].toFixed(2)).join(' | ')} |`),
    `| BM25 tuned baseline (the folder's), test | 37.42 | 45.85 | 34.75 | 16.68 | 53.34 |`,
  ].join('\n');
}

/**
 * The CI guard's fixed part of the dev split: per forum, the first `groupsPerForum` dev duplicate groups in
 * group-id order (ids are hashes, so this is an arbitrary but fixed draw) with all their questions, plus the
 * first `distractorsPerForum` dev questions in no group, in id order. Queries: the dev queries of those groups.
 */
export function guardSubset(set: DupQuestions, options: { groupsPerForum: number; distractorsPerForum: number }): DupQuestions {
  const byId = (a: { id?: string; group?: string }, b: { id?: string; group?: string }): number => {
    const x = a.id ?? a.group!;
    const y = b.id ?? b.group!;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const forums = [...new Set(set.questions.map((q) => q.forum))].sort();
  const inGroup = new Set(set.groups.flatMap((g) => g.members));
  const groups: EvalGroup[] = [];
  const distractors: Question[] = [];
  for (const forum of forums) {
    groups.push(...set.groups.filter((g) => g.forum === forum && g.split === 'dev').sort(byId).slice(0, options.groupsPerForum));
    distractors.push(...set.questions.filter((q) => q.forum === forum && q.split === 'dev' && !inGroup.has(q.id)).sort(byId).slice(0, options.distractorsPerForum));
  }
  const members = new Set(groups.flatMap((g) => g.members));
  const questions = [...set.questions.filter((q) => members.has(q.id)), ...distractors].sort(byId);
  const queries = set.queries.filter((q) => q.split === 'dev' && members.has(q.query));
  return { questions, queries, groups };
}
