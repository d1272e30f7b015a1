/**
 * Relevance guard, part of `npm test`: a fixed part of the dev split of ../shared/eval/dup-questions (per
 * forum, 75 duplicate groups with all their questions and 100 questions in no group) loaded as published
 * articles through the admin API, indexed by the real worker, each duplicate question's title sent to the
 * delivery `search`, scored by the folder's score.mjs against that part (its pool is what was loaded). Fails
 * below search-relevance-guard.floor.json, so ranking cannot silently regress. Deterministic: fixed
 * questions, fixed queries, and the ranking breaks ties by date and key. The full evaluation is
 * `npm run eval:search`; docs/search.md, "Relevance in CI".
 */
import { SEMANTIC_RERANK } from '../../src/search/semantic-rerank';
import { createTestApp, TestApp } from '../support/create-test-app';
import { DupQuestions, EVAL_DIR, guardSubset, HAS_DATA, loadAsArticles, loadDupQuestions, METRICS, Scores, scoreTable, searchAndScore } from './dup-questions';
import floor from './search-relevance-guard.floor.json';

export const GUARD_SUBSET = { groupsPerForum: 75, distractorsPerForum: 100 };

if (!HAS_DATA) process.stdout.write(`\nSearch relevance guard skipped: no data in ${EVAL_DIR} (set EVAL_DIR to the dup-questions folder)\n`);
const describeIfData = HAS_DATA ? describe : describe.skip;

describeIfData('search relevance guard (fixed dev subset of dup-questions)', () => {
  let t: TestApp;
  let set: DupQuestions;
  let questionOf: Map<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    // A loaded machine may keep the encoder's (niced) thread waiting: a query vector never comes too late here.
    SEMANTIC_RERANK.queryVectorWaitMs = 30_000;
    set = guardSubset(loadDupQuestions(), GUARD_SUBSET);
    questionOf = await loadAsArticles(t, set.questions);
    // About 30 s alone; generous, so that a loaded machine (the whole suite on 2 cores) does not fail it.
  }, 400_000);
  afterAll(() => t?.close());

  it('keeps title queries at or above the committed floor', async () => {
    const scores = await searchAndScore(t, set, questionOf, 'dev', false, { subset: true, workers: 4 });
    process.stdout.write(
      `\nsearch relevance guard: ${set.questions.length} questions, ${set.queries.length} queries (dup-questions dev subset, rel=group)\n` +
        `${scoreTable([['guard subset, title', scores]], [['floor (committed)', floor.dev as Scores]])}\n`,
    );
    for (const metric of METRICS) expect([metric, scores[metric] >= floor.dev[metric]]).toEqual([metric, true]);
  }, 300_000);
});
