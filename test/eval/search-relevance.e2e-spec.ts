/**
 * Relevance on real questions (../shared/eval/dup-questions): every question loaded as a published article
 * through the admin API into a fresh database, indexed by the real worker, each duplicate question's title
 * (and title + the first 300 characters of its body) sent to the delivery `search` query, scored by the
 * folder's own score.mjs. Opt-in (loading 3,679 articles takes minutes): EVAL_SEARCH=1 runs the dev split,
 * title queries, against the committed floor; EVAL_SEARCH_FULL=1 (`npm run eval:search`) prints dev and test,
 * title and title + body, side by side with the floors. The fast form that always runs is
 * search-relevance-guard.e2e-spec.ts.
 */
import { SEMANTIC_RERANK } from '../../src/search/semantic-rerank';
import { createTestApp, TestApp } from '../support/create-test-app';
import { DupQuestions, HAS_DATA, EVAL_DIR, loadAsArticles, loadDupQuestions, METRICS, Scores, scoreTable, searchAndScore } from './dup-questions';
import floor from './search-relevance.floor.json';
import guardFloor from './search-relevance-guard.floor.json';

const FULL = process.env.EVAL_SEARCH_FULL === '1';
const OPTED_IN = FULL || process.env.EVAL_SEARCH === '1';
if (!OPTED_IN || !HAS_DATA) {
  process.stdout.write(
    `\nSearch relevance evaluation skipped: ${!HAS_DATA ? `no data in ${EVAL_DIR}` : 'set EVAL_SEARCH=1 (dev floor) or run npm run eval:search (dev and test)'}\n`,
  );
}
const describeIfData = OPTED_IN && HAS_DATA ? describe : describe.skip;

describeIfData('search relevance on real questions (dup-questions)', () => {
  let t: TestApp;
  let set: DupQuestions;
  let questionOf: Map<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    // A loaded machine may keep the encoder's (niced) thread waiting: a query vector never comes too late here.
    SEMANTIC_RERANK.queryVectorWaitMs = 30_000;
    set = loadDupQuestions();
    questionOf = await loadAsArticles(t, set.questions);
  }, 1_800_000);
  afterAll(() => t?.close());

  it(
    'keeps the dev split, title queries, at or above the committed floor',
    async () => {
      const dev = await searchAndScore(t, set, questionOf, 'dev', false);
      const rows: [string, Scores][] = [['dev, title', dev]];
      if (FULL) {
        rows.push(['test, title', await searchAndScore(t, set, questionOf, 'test', false)]);
        rows.push(['dev, title + body', await searchAndScore(t, set, questionOf, 'dev', true)]);
        rows.push(['test, title + body', await searchAndScore(t, set, questionOf, 'test', true)]);
      }
      const table = scoreTable(rows, [
        ['floor (committed, dev, title)', floor.dev as Scores],
        ['CI guard floor (its dev subset, not comparable)', guardFloor.dev as Scores],
      ]);
      process.stdout.write(`\nsearch relevance (dup-questions, rel=group)\n${table}\n`);
      for (const metric of METRICS) expect([metric, dev[metric]]).toEqual([metric, expect.any(Number)]);
      for (const metric of ['MAP', 'P@1'] as const) expect([metric, dev[metric] >= floor.dev[metric]]).toEqual([metric, true]);
    },
    3_600_000,
  );
});
