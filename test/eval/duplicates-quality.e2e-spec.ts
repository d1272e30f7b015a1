/**
 * Recurring-question quality in CI (issue 13): the dev split of ../shared/eval/dup-questions through the
 * product's store and clustering (`evaluateDuplicates`, bulk import + one recluster, which gives the same
 * clusters as adding the questions one by one), scored by the folder's score.mjs, against the committed
 * floor. The full form, with the test split and the baselines: `npm run eval:duplicates`.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source';
import { evaluateDuplicates } from '../../src/staleness/recurring/eval/evaluate-duplicates';
import { cloneTemplateDatabase, dropDatabase } from '../support/test-database';
import floor from './duplicates-quality.floor.json';

const EVAL_DIR = process.env.EVAL_DIR ?? join(__dirname, '../../../shared/eval/dup-questions');
const HAS_DATA = existsSync(join(EVAL_DIR, 'questions.jsonl'));
if (!HAS_DATA) process.stdout.write(`\nDuplicate-question quality check skipped: no data in ${EVAL_DIR}\n`);

(HAS_DATA ? describe : describe.skip)('recurring questions on dup-questions (dev split, committed floor)', () => {
  let database: { name: string; url: string };
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await cloneTemplateDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url, 4)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    if (database) await dropDatabase(database.name);
  });

  it('ranks earlier duplicates and clusters them at or above the floor', async () => {
    const result = await evaluateDuplicates(dataSource, {
      folder: EVAL_DIR,
      split: 'dev',
      outDir: mkdtempSync(join(tmpdir(), 'evergreen-dup-ci-')),
      clustering: 'recluster',
      // Embedding the 3,679 pool questions takes minutes of CPU: CI checks the lexical floor; the sentence-encoder
      // path has its own tests (sentence-encoder.spec.ts, recurring-questions-semantic.e2e-spec.ts).
      sentenceEncoder: false,
    });
    process.stdout.write(
      `\ndup-questions dev: MAP ${result.retrieval.MAP}, MRR ${result.retrieval.MRR}, P@1 ${result.retrieval['P@1']}, ` +
        `pair F1 ${result.cluster.pair_F1}, B-cubed F1 ${result.cluster.bcubed_F1}\n`,
    );
    expect(result.retrieval.missing_queries).toBe(0);
    expect(result.retrieval.MAP).toBeGreaterThanOrEqual(floor.dev.MAP);
    expect(result.retrieval.MRR).toBeGreaterThanOrEqual(floor.dev.MRR);
    expect(result.retrieval['P@1']).toBeGreaterThanOrEqual(floor.dev['P@1']);
    expect(result.cluster.pair_F1).toBeGreaterThanOrEqual(floor.dev.pair_F1);
    expect(result.cluster.bcubed_F1).toBeGreaterThanOrEqual(floor.dev.bcubed_F1);
  }, 120_000);
});
