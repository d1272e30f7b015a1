import { createTestApp, TestApp } from './support/create-test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('reports the database as up', async () => {
    const res = await t.http().get('/health');
    expect(res.status).toBe(200);
    expect(res.body.details.database.status).toBe('up');
  });
});
