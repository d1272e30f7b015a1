import { createTestApp, TestApp } from './support/create-test-app';

const QUERY = { query: '{ __typename }' };

describe('CORS', () => {
  describe('with CORS_ORIGINS listing an origin and a pattern', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ CORS_ORIGINS: 'https://help.example.com, https://*.docs.example.com' });
    });
    afterAll(() => t.close());

    it.each(['/graphql', '/admin/graphql'])('answers the preflight of %s for an allowed origin, without credentials', async (path) => {
      const res = await t
        .http()
        .options(path)
        .set('origin', 'https://help.example.com')
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'content-type, authorization');

      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://help.example.com');
      expect(res.headers['access-control-allow-methods']).toContain('POST');
      expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toMatch(/origin/i);
    });

    it('lets an allowed origin read the answer, and a pattern match subdomains', async () => {
      for (const origin of ['https://help.example.com', 'https://eu.docs.example.com']) {
        const res = await t.http().post('/graphql').set('origin', origin).send(QUERY);
        expect(res.status).toBe(200);
        expect(res.body.data).toEqual({ __typename: 'Query' });
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        expect(res.headers['access-control-expose-headers']).toMatch(/x-request-id/i);
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      }
    });

    it.each(['https://evil.test', 'https://help.example.com.evil.test', 'https://docs.example.com', 'http://help.example.com', 'http://localhost:5173'])(
      'gives a refused origin (%s) no Access-Control-Allow-Origin, in the preflight or the answer',
      async (origin) => {
        const preflight = await t.http().options('/graphql').set('origin', origin).set('access-control-request-method', 'POST');
        expect(preflight.headers['access-control-allow-origin']).toBeUndefined();

        const res = await t.http().post('/graphql').set('origin', origin).send(QUERY);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      },
    );

    it('keeps Vary: Origin on cacheable GET answers, so a CDN never serves the CORS headers of one origin to another', async () => {
      const res = await t.http().get('/graphql').query(QUERY).set('origin', 'https://help.example.com');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toMatch(/public/);
      expect(res.headers['access-control-allow-origin']).toBe('https://help.example.com');
      const vary = String(res.headers.vary).split(',').map((name) => name.trim().toLowerCase());
      expect(vary).toEqual(expect.arrayContaining(['origin', 'authorization', 'x-api-key', 'x-preview-token']));
    });

    it('leaves requests without an Origin (servers, curl) as they were', async () => {
      const res = await t.http().post('/graphql').send(QUERY);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('defaults', () => {
    it('allow localhost on any port outside production', async () => {
      const t = await createTestApp();
      try {
        for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080']) {
          const res = await t.http().options('/graphql').set('origin', origin).set('access-control-request-method', 'POST');
          expect(res.status).toBe(204);
          expect(res.headers['access-control-allow-origin']).toBe(origin);
        }
      } finally {
        await t.close();
      }
    });

    it('allow no origin in production', async () => {
      const t = await createTestApp({ NODE_ENV: 'production', SEED_DEMO: 'false' });
      try {
        const res = await t.http().options('/graphql').set('origin', 'http://localhost:5173').set('access-control-request-method', 'POST');
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      } finally {
        await t.close();
      }
    });
  });
});
