import { SCHEDULED_PUBLISHING_JOB } from '../src/articles/scheduled-publisher';
import { ViewCounter } from '../src/articles/view-counter';
import { JobRunner } from '../src/jobs/job-runner';
import { Role } from '../src/users/role.enum';
import { expectData, KnowledgeBaseFactory, localeOf } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';

const ARTICLE = `query ($id: ID) { article(id: $id) { title } }`;

interface JobHealth {
  mode: string;
  running: boolean;
  runs: number;
  failures: number;
  lastSuccessAt: string | null;
  backlog: number | null;
}

describe('background jobs', () => {
  let t: TestApp;
  let kb: KnowledgeBaseFactory;

  beforeAll(async () => {
    // Long intervals: only the runs these tests start (and the run at start) happen.
    t = await createTestApp({ SCHEDULED_PUBLISH_POLL_SECONDS: '3600', JOB_VIEW_FLUSH_SECONDS: '3600' });
    kb = new KnowledgeBaseFactory(t.admin(await t.login(await t.createUser({ role: Role.Editor }))));
  });
  afterAll(() => t.close());

  async function jobsHealth(): Promise<{ status: string; queue: string; jobs: Record<string, JobHealth> }> {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    return res.body.details.jobs;
  }

  it('reports the queue and every job in /health', async () => {
    const health = await jobsHealth();

    expect(health).toMatchObject({ status: 'up', queue: 'reachable' });
    expect(health.jobs).toMatchObject({
      'scheduled-publishing': { mode: 'queue', running: true },
      'view-counts': { mode: 'process', running: true },
      'search-analytics': { mode: 'process', running: true },
      'search-settings': { mode: 'process', running: true },
      'search-indexing': { mode: 'loop', running: true },
    });
    expect(health.jobs['search-indexing'].backlog).toEqual(expect.any(Number));
    expect(health.jobs['scheduled-publishing'].backlog).toEqual(expect.any(Number));
  });

  it('publishes due schedules through the queue and records the run', async () => {
    const article = await kb.draft((await kb.category()).id, { title: 'Queued publish' });
    const scheduled = await kb.publish(article, 'en', new Date(Date.now() + 60_000));
    expect(localeOf(scheduled).status).toBe('Scheduled');
    await t.dataSource.query(`UPDATE article_locales SET scheduled_publish_at = now() - interval '1 minute' WHERE article_id = $1`, [article.id]);
    const runsBefore = (await jobsHealth()).jobs[SCHEDULED_PUBLISHING_JOB].runs;

    await t.app.get(JobRunner).trigger(SCHEDULED_PUBLISHING_JOB);

    await eventually(async () => expect(expectData<{ title: string }>(await t.delivery().send(ARTICLE, { id: article.id }), 'article').title).toBe('Queued publish'));
    await eventually(async () => {
      const job = (await jobsHealth()).jobs[SCHEDULED_PUBLISHING_JOB];
      expect(job.runs).toBeGreaterThan(runsBefore);
      expect(job).toMatchObject({ failures: 0, lastSuccessAt: expect.any(String) });
    });
    const [completed] = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [SCHEDULED_PUBLISHING_JOB]);
    expect(completed.n).toBeGreaterThan(0);
  });

  it('keeps the queue single-flight with retries: one queued run at most, however many instances offer', async () => {
    const other = await createTestApp({ SCHEDULED_PUBLISH_POLL_SECONDS: '3600' }, { database: { name: t.databaseName, url: t.databaseUrl } });
    try {
      const runners = [t.app.get(JobRunner), other.app.get(JobRunner)];
      await Promise.all(Array.from({ length: 20 }, (_, i) => runners[i % 2].trigger(SCHEDULED_PUBLISHING_JOB)));
      const [{ queued, active }] = await t.dataSource.query(
        `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued, count(*) FILTER (WHERE state = 'active')::int AS active
         FROM pgboss.job WHERE name = $1`,
        [SCHEDULED_PUBLISHING_JOB],
      );
      expect(queued).toBeLessThanOrEqual(1);
      expect(active).toBeLessThanOrEqual(1);
      const [queue] = await t.dataSource.query('SELECT policy, retry_limit, retry_backoff FROM pgboss.queue WHERE name = $1', [SCHEDULED_PUBLISHING_JOB]);
      expect(queue).toEqual({ policy: 'stately', retry_limit: 3, retry_backoff: true });
    } finally {
      await other.stop();
    }
  });

  it('flushes a process buffer at shutdown, and a restarted app reports its jobs afresh', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Viewed before shutdown' });
    const counter = t.app.get(ViewCounter);
    counter.record(article.id, 'en');
    counter.record(article.id, 'en');
    const database = { name: t.databaseName, url: t.databaseUrl };

    await t.stop();
    t = await createTestApp({ SCHEDULED_PUBLISH_POLL_SECONDS: '3600', JOB_VIEW_FLUSH_SECONDS: '3600' }, { database });

    const [row] = await t.dataSource.query('SELECT views FROM article_daily_views WHERE article_id = $1', [article.id]);
    expect(row).toEqual({ views: 2 });
    expect((await jobsHealth()).jobs['view-counts']).toMatchObject({ runs: 0, failures: 0 });
  });
});
