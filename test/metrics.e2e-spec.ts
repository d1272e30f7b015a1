/**
 * Prometheus metrics at /metrics: per-operation GraphQL counts and latency, cache hit counts, search outbox
 * lag, job figures and the database pool; a bearer token when configured; nothing served when off.
 */
import { createTestApp, TestApp } from './support/create-test-app';

/** `name{labels} value` lines of the exposition format, by metric name with its labels. */
function samples(text: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    result.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return result;
}

describe('metrics', () => {
  describe('on (the default outside production)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('counts and times GraphQL requests per API, operation and outcome, and reports caches, outbox, jobs and the pool', async () => {
      const before = samples((await t.http().get('/metrics').expect(200)).text);
      const page = 'query CategoriesPage { categories { id } }';
      for (let i = 0; i < 3; i++) expect((await t.delivery().send(page)).errors).toBeUndefined();
      await t.delivery().send('query Broken { noSuchField }');
      await t.http().get('/graphql').query({ query: '{ categories { id } }' }).expect(200);

      const response = await t.http().get('/metrics').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.headers['cache-control']).toBe('no-store');
      const after = samples(response.text);
      const count = (key: string): number => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      expect(count('evergreen_graphql_request_duration_seconds_count{api="delivery",operation="CategoriesPage",outcome="ok"}')).toBe(3);
      expect(count('evergreen_graphql_request_duration_seconds_count{api="delivery",operation="Broken",outcome="error"}')).toBe(1);
      expect(count('evergreen_graphql_request_duration_seconds_count{api="delivery",operation="(anonymous)",outcome="ok"}')).toBe(1);
      expect(after.get('evergreen_graphql_request_duration_seconds_sum{api="delivery",operation="CategoriesPage",outcome="ok"}')).toBeGreaterThan(0);
      expect(count('evergreen_http_requests_total{method="POST",route="/graphql",status_class="2xx"}')).toBeGreaterThanOrEqual(3);

      for (const cache of ['delivery_content', 'delivery_responses', 'search_results']) {
        expect(after.has(`evergreen_cache_hits_total{cache="${cache}"}`)).toBe(true);
        expect(after.has(`evergreen_cache_misses_total{cache="${cache}"}`)).toBe(true);
      }
      // The same anonymous query three times: stored on its second miss, the third comes whole from the response cache.
      expect(count('evergreen_cache_hits_total{cache="delivery_responses"}')).toBeGreaterThanOrEqual(1);
      expect(after.get('evergreen_search_outbox_pending')).toBeGreaterThanOrEqual(0);
      expect(after.get('evergreen_search_outbox_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(after.get('evergreen_db_pool_connections{state="total"}')).toBeGreaterThan(0);
      expect(after.has('evergreen_db_pool_connections{state="waiting"}')).toBe(true);
      expect([...after.keys()].some((key) => key.startsWith('evergreen_job_runs_total{job='))).toBe(true);
      expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    });

    it('folds invalid operation names into (other) so clients cannot grow the label set', async () => {
      await t.http().post('/graphql').send({ query: '{ categories { id } }', operationName: 'not a name; drop table' });
      const after = samples((await t.http().get('/metrics').expect(200)).text);
      expect([...after.keys()].some((key) => key.includes('drop table'))).toBe(false);
    });
  });

  describe('with METRICS_TOKEN', () => {
    let t: TestApp;
    const token = 'metrics-token-0123456789';
    beforeAll(async () => {
      t = await createTestApp({ METRICS_TOKEN: token });
    });
    afterAll(() => t.close());

    it('refuses a missing or wrong bearer token and serves the right one', async () => {
      const missing = await t.http().get('/metrics').expect(401);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect(missing.text).not.toContain('evergreen_');
      await t.http().get('/metrics').set('authorization', `Bearer ${token}x`).expect(401);
      const ok = await t.http().get('/metrics').set('authorization', `Bearer ${token}`).expect(200);
      expect(ok.text).toContain('evergreen_db_pool_connections');
    });
  });

  describe('off', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ METRICS: 'off' });
    });
    afterAll(() => t.close());

    it('serves nothing', async () => {
      await t.http().get('/metrics').expect(404);
    });
  });
});
