import { createTestApp, TestApp } from './support/create-test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports the database as up, and the details outside production', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body.details.database.status).toBe('up');
    expect(res.body.details.jobs.jobs).toEqual(expect.any(Object));
  });
});

describe('/health in production', () => {
  const token = 'operators-token-0123456789';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production', METRICS_TOKEN: token });
  });
  afterAll(() => t.close());

  it('tells anonymous callers each component status only: no job errors, backlogs or timings', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    const up = { database: { status: 'up' }, search: { status: 'up' }, jobs: { status: 'up' } };
    expect(res.body).toEqual({ status: 'ok', info: up, error: {}, details: up });
    const wrong = await t.http().get('/health').set('authorization', 'Bearer not-the-token');
    expect(wrong.body.details).toEqual(up);
  });

  it('gives the details to a caller with the operators token (METRICS_TOKEN)', async () => {
    const res = await t.http().get('/health').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.details.jobs.jobs).toEqual(expect.any(Object));
    expect(res.body.details.search).toMatchObject({ status: 'up', outboxPending: expect.any(Number) });
  });
});
