import { auditServer } from 'graphql-http';
import { createTestApp, TestApp } from './support/create-test-app';

/** The `graphql-http` package's GraphQL-over-HTTP conformance audit against the real, listening server. */
describe('GraphQL over HTTP conformance (graphql-http audit)', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => t.close());

  it.each(['/graphql', '/admin/graphql'])('%s passes every MUST', async (path) => {
    const results = await auditServer({ url: `${base}${path}` });
    const failures = results.filter((result) => result.status === 'error');
    const warnings = results.filter((result) => result.status === 'warn');
    process.stdout.write(
      `${path}: ${results.length} audits, ${failures.length} MUST failures, ${warnings.length} SHOULD warnings\n` +
        warnings.map((w) => `  warn: ${w.name}${'reason' in w ? ` (${w.reason})` : ''}\n`).join(''),
    );
    expect(failures.map((f) => `${f.name}: ${'reason' in f ? f.reason : ''}`)).toEqual([]);
    expect(results.filter((result) => result.status === 'ok').length).toBeGreaterThan(0);
  });
});
