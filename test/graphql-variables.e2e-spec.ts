import request from 'supertest';
import { createTestApp, TestApp } from './support/create-test-app';

/** Found by the bad-input generator (seed 2): non-object variables reached graphql-js's assertion as an internal error. */
describe('GraphQL variables that are not a map', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['true', '1', '"text"', '[1]'])('variables=%s on GET is a 400 BAD_REQUEST, first time and cached', async (variables) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await request(t.app.getHttpServer()).get('/graphql').query({ query: 'query A { __typename } query B { __typename }', operationName: 'A', variables });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    }
  });

  it('variables as a JSON array on POST is a client error', async () => {
    const res = await request(t.app.getHttpServer()).post('/admin/graphql').send({ query: '{ __typename }', variables: [1] });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
  });
});
