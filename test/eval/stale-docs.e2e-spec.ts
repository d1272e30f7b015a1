/**
 * Stale-article detection on real release history (../shared/eval/stale-docs), the fast CI form of
 * `npm run eval:stale`: the first releases of the dev split loaded through the services into this test's
 * database, scanned by the product-change detector, scored by the folder's own score.mjs and checked
 * against the committed floor (stale-docs.floor.json), so detection quality cannot silently regress.
 */
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay } from '../../src/cli/eval-stale-replay';
import { DEFAULT_PRODUCT_CHANGE_PARAMETERS } from '../../src/staleness/detectors/product-change';
import { loadStaleDocsFolder } from '../../src/staleness/eval/stale-docs-format';
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

    // The in-memory replay used for tuning (npm run eval:stale:replay) must give the service's figures.
    const versions = new Set(loadStaleDocsFolder(FOLDER, 'dev').slice(0, floor.releases).map((r) => r.version));
    const replayed = replay(FOLDER, 'dev', DEFAULT_PRODUCT_CHANGE_PARAMETERS, 1, versions);
    expect(replayed.cases).toBe(result.score.releases_scored);
    expect(replayed.precision).toBeCloseTo(result.score.strict.precision, 6);
    expect(replayed.recall).toBeCloseTo(result.score.strict.recall, 6);
    expect(replayed.r5).toBeCloseTo(result.score.strict.recall_at_5, 6);
    expect(replayed.r10).toBeCloseTo(result.score.strict.recall_at_10, 6);
  }, 300_000);
});

if (!HAS_DATA) process.stdout.write(`\nstale-docs evaluation skipped: no data in ${FOLDER}\n`);
