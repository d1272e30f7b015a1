import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ARTICLE_CHANGED_CHANNEL, EVERYTHING, recordChange } from '../src/changes/content-changes';
import { createTestApp, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';

/** The change pipeline: one call writes the search outbox row and the cache notification in the caller's transaction. */
describe('content changes', () => {
  let t: TestApp;
  let listener: Client;
  const received: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    listener = new Client({ connectionString: t.databaseUrl });
    await listener.connect();
    listener.on('notification', (message) => received.push(message.payload ?? ''));
    await listener.query(`LISTEN ${ARTICLE_CHANGED_CHANNEL}`);
  });

  afterAll(async () => {
    await listener.end();
    await t.close();
  });

  const outboxRows = async (id: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM search_outbox WHERE kind = 'article' AND source_id = $1`, [id]))[0].n;

  /** Commits a notification of its own and waits for it: anything sent before it has arrived by then. */
  async function barrier(): Promise<void> {
    const marker = `barrier-${randomUUID()}`;
    await t.dataSource.query('SELECT pg_notify($1, $2)', [ARTICLE_CHANGED_CHANNEL, marker]);
    await eventually(async () => expect(received).toContain(marker));
  }

  it('writes the outbox row and the notification when the transaction commits', async () => {
    const id = randomUUID();
    await t.dataSource.transaction((tx) => recordChange(tx, { kind: 'article', id, locale: 'en', change: 'published' }));

    expect(await outboxRows(id)).toBe(1);
    await eventually(async () => expect(received).toContain(id));
  });

  it('writes neither when the transaction rolls back', async () => {
    const id = randomUUID();
    await expect(
      t.dataSource.transaction(async (tx) => {
        await recordChange(tx, { kind: 'article', id, locale: 'en', change: 'published' });
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');

    await barrier();
    expect(received).not.toContain(id);
    expect(await outboxRows(id)).toBe(0);
  });

  it('reindexes a saved draft without announcing it to the public caches', async () => {
    const id = randomUUID();
    await t.dataSource.transaction((tx) => recordChange(tx, { kind: 'article', id, locale: 'en', change: 'draft-saved' }));

    await barrier();
    expect(await outboxRows(id)).toBe(1);
    expect(received).not.toContain(id);
  });

  it('announces a category change as a change of everything, with nothing to index', async () => {
    const id = randomUUID();
    const before = received.filter((payload) => payload === EVERYTHING).length;
    await t.dataSource.transaction((tx) => recordChange(tx, { kind: 'category', id, change: 'updated' }));

    await eventually(async () => expect(received.filter((payload) => payload === EVERYTHING).length).toBe(before + 1));
    expect(await t.dataSource.query('SELECT 1 FROM search_outbox WHERE source_id = $1', [id])).toEqual([]);
  });

  it('reindexes several items at once', async () => {
    const ids = [randomUUID(), randomUUID()];
    await t.dataSource.transaction((tx) => recordChange(tx, { kind: 'article', ids, change: 'recategorized' }));

    expect(await outboxRows(ids[0])).toBe(1);
    expect(await outboxRows(ids[1])).toBe(1);
  });
});
