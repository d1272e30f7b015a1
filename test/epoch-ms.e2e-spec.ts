import { epochMs } from '../src/common/sql/epoch-ms';
import { createTestApp, TestApp } from './support/create-test-app';

// epochMs (src/common/sql/epoch-ms.ts) must give the instant the pg driver's timestamptz parser gives, to the millisecond.
describe('epochMs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
  });
  afterAll(() => t.close());

  it('is the instant the driver parses, microseconds dropped, before and after 1970', async () => {
    const rows: { ts: Date; ms: number; none: number | null }[] = await t.dataSource.query(
      `SELECT ts, ${epochMs('ts')} AS ms, ${epochMs('NULL::timestamptz')} AS none FROM (VALUES
         ('2026-11-29 23:08:00.123999+00'::timestamptz), ('2026-11-29 23:08:00.000001+00'), ('2026-11-29 23:08:00+02'),
         ('1969-12-31 23:59:59.999501+00'), ('1901-06-01 12:00:00.000999+00'), ('0001-01-01 00:00:00.000999+00'),
         ('9999-12-31 23:59:59.999999+00'), (now())) v(ts)`,
    );
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(typeof row.ms).toBe('number');
      expect(new Date(row.ms).toISOString()).toBe(row.ts.toISOString());
      expect(row.none).toBeNull();
    }
  });
});
