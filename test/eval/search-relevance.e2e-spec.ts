/**
 * Relevance on real questions (../shared/eval/dup-questions): every question loaded as a published article
 * through the admin API into a fresh database, indexed by the real worker, each duplicate question's title
 * (and title + the first 300 characters of its body) sent to the delivery `search` query, scored by the
 * folder's own score.mjs. In CI: the dev split, title queries, against the committed floor. With
 * EVAL_SEARCH_FULL=1 (`npm run eval:search`): dev and test, title and title + body, printed as a table.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexingWorker } from '../../src/search/indexing-worker';
import { Role } from '../../src/users/role.enum';
import { KnowledgeBaseFactory } from '../factories/knowledge-base';
import { createTestApp, TestApp } from '../support/create-test-app';
import floor from './search-relevance.floor.json';

const EVAL_DIR_GIVEN = process.env.EVAL_DIR ?? join(__dirname, '../../../shared/eval/dup-questions');
// score.mjs runs only when started by its real path (not through the ../shared link).
const EVAL_DIR = existsSync(EVAL_DIR_GIVEN) ? realpathSync(EVAL_DIR_GIVEN) : EVAL_DIR_GIVEN;
const FULL = process.env.EVAL_SEARCH_FULL === '1';
const METRICS = ['MAP', 'MRR', 'P@1', 'P@5', 'R@10'] as const;
type Scores = Record<(typeof METRICS)[number], number>;

interface Question {
  id: string;
  forum: string;
  split: string;
  title: string;
  body: string;
}
interface EvalQuery {
  query: string;
  forum: string;
  split: string;
}

const SEARCH = `query ($input: SearchInput!) { search(input: $input) { hits { id } } }`;
const readLines = <T>(file: string): T[] =>
  readFileSync(join(EVAL_DIR, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);

async function inParallel<T>(items: T[], workers: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Loading 3,679 articles takes minutes: opt-in (`npm run eval:search`, or EVAL_SEARCH=1 for the dev-split floor check). */
const OPTED_IN = FULL || process.env.EVAL_SEARCH === '1';
const HAS_DATA = existsSync(join(EVAL_DIR, 'questions.jsonl'));
if (!OPTED_IN || !HAS_DATA) {
  process.stdout.write(
    `\nSearch relevance evaluation skipped: ${!HAS_DATA ? `no data in ${EVAL_DIR}` : 'set EVAL_SEARCH=1 (dev floor) or run npm run eval:search (dev and test)'}\n`,
  );
}
const describeIfData = OPTED_IN && HAS_DATA ? describe : describe.skip;

describeIfData('search relevance on real questions (dup-questions)', () => {
  let t: TestApp;
  const questionOf = new Map<string, string>();
  let questions: Question[];

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    const editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    const kb = new KnowledgeBaseFactory(editor);
    const category = await kb.category('Questions');
    questions = readLines<Question>('questions.jsonl');
    await inParallel(questions, 4, async (q) => {
      const article = await kb.published(category.id, { title: q.title.slice(0, 200) || q.id, bodyMarkdown: q.body || q.title, tags: [q.forum] });
      questionOf.set(article.id, q.id);
    });
    await t.app.get(IndexingWorker).drain();
  }, 1_800_000);
  afterAll(() => t?.close());

  async function run(split: string, withBody: boolean): Promise<Scores> {
    const byId = new Map(questions.map((q) => [q.id, q]));
    const queries = readLines<EvalQuery>('queries.jsonl').filter((q) => q.split === split);
    const lines: string[] = [];
    await inParallel(queries, 2, async (q) => {
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
    const file = join(mkdtempSync(join(tmpdir(), 'eval-search-')), `${split}.jsonl`);
    writeFileSync(file, lines.join('\n') + '\n');
    const out = execFileSync(process.execPath, [join(EVAL_DIR, 'score.mjs'), 'retrieval', '--run', file, '--split', split, '--json'], { encoding: 'utf8' });
    return JSON.parse(out) as Scores;
  }

  it(
    'keeps the dev split, title queries, at or above the committed floor',
    async () => {
      const dev = await run('dev', false);
      const rows: [string, Scores][] = [['dev, title', dev]];
      if (FULL) {
        rows.push(['test, title', await run('test', false)]);
        rows.push(['dev, title + body', await run('dev', true)]);
        rows.push(['test, title + body', await run('test', true)]);
      }
      const table = [
        `| run | ${METRICS.join(' | ')} |`,
        `| --- | ${METRICS.map(() => '---').join(' | ')} |`,
        ...rows.map(([name, s]) => `| ${name} | ${METRICS.map((m) => s[m].toFixed(2)).join(' | ')} |`),
        `| floor (committed, dev, title) | ${METRICS.map((m) => (floor.dev as Scores)[m].toFixed(2)).join(' | ')} |`,
        `| BM25 tuned baseline, test | 37.42 | 45.85 | 34.75 | 16.68 | 53.34 |`,
      ].join('\n');
      process.stdout.write(`\nsearch relevance (dup-questions, rel=group)\n${table}\n`);
      for (const metric of METRICS) expect([metric, dev[metric]]).toEqual([metric, expect.any(Number)]);
      for (const metric of ['MAP', 'P@1'] as const) expect([metric, dev[metric] >= floor.dev[metric]]).toEqual([metric, true]);
    },
    1_800_000,
  );
});
