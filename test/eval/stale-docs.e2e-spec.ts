/**
 * Stale-article detection on real release history (../shared/eval/stale-docs), the fast CI form of
 * `npm run eval:stale`: the first releases of the dev split loaded through the services into this test's
 * database, scanned by the product-change detector, scored by the folder's own score.mjs and checked
 * against the committed floor (stale-docs.floor.json), so detection quality cannot silently regress.
 */
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatScoreTable, runStaleEval } from '../../src/staleness/eval/stale-eval';
import { createTestApp, TestApp } from '../support/create-test-app';
import floor from './stale-docs.floor.json';

const GIVEN = process.env.EVAL_STALE_DIR ?? join(__dirname, '../../../shared/eval/stale-docs');
const FOLDER = existsSync(GIVEN) ? realpathSync(GIVEN) : GIVEN;
const HAS_DATA = existsSync(join(FOLDER, 'releases.jsonl'));

(HAS_DATA ? describe : describe.skip)('stale-docs evaluation (dev subset, CI floor)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it(`scores at least the floor on the first ${floor.releases} dev releases`, async () => {
    const result = await runStaleEval(t.app, { folder: FOLDER, split: 'dev', limit: floor.releases, out: join(mkdtempSync(join(tmpdir(), 'stale-eval-')), 'predictions.jsonl') });
    process.stdout.write(`\nstale-docs dev, first ${floor.releases} releases (${result.articles} articles, ${result.seconds.toFixed(1)} s):\n${formatScoreTable(result)}\n`);
    expect(result.releases).toBe(floor.releases);
    expect(result.score.strict.f1).toBeGreaterThanOrEqual(floor.strict_f1);
    expect(result.score.strict.recall_at_10).toBeGreaterThanOrEqual(floor.strict_recall_at_10);
  }, 300_000);
});

if (!HAS_DATA) process.stdout.write(`\nstale-docs evaluation skipped: no data in ${FOLDER}\n`);
