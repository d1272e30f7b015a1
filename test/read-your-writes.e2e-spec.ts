import { Client } from 'pg';
import { ChangeNotifications } from '../src/common/notifications/change-notifications.service';
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory, localeOf, UPDATE_CATEGORY } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const CATEGORY = `query ($slug: String) { category(slug: $slug) { id name } }`;
const ARTICLE = `query ($slug: String) { article(slug: $slug) { id title } }`;

/**
 * The in-process caches drop what a change altered when its NOTIFY arrives on the instance's LISTEN connection,
 * a moment after the commit. A mutation's answer waits for that (ChangeNotifications.catchUp), so whoever made a
 * change reads it back on the same instance at once. The listener is kept busy here (a query sleeping on its
 * connection delays every notification), which makes the window between commit and delivery as wide as the sleep.
 */
describe('read your writes through the in-process caches', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;

  beforeAll(async () => {
    t = await createTestApp();
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  const listenerBusyFor = (seconds: number): Promise<unknown> => {
    const listener = (t.app.get(ChangeNotifications) as unknown as { client: Client | null }).client;
    if (!listener) throw new Error('the change listener is not connected');
    return listener.query('SELECT pg_sleep($1)', [seconds]);
  };

  it('a renamed category is read back renamed, though its notification is late', async () => {
    const category = await kb.category('Before rename');
    expect((await t.delivery().send(CATEGORY, { slug: category.slug })).data?.category.name).toBe('Before rename');
    const busy = listenerBusyFor(0.5);
    const renamed = await editor.send(UPDATE_CATEGORY, { input: { id: category.id, translations: [{ locale: 'en', name: 'After rename' }] } });
    expect(renamed.errors).toBeUndefined();
    expect((await t.delivery().send(CATEGORY, { slug: category.slug })).data?.category.name).toBe('After rename');
    await busy;
  });

  it('waits for a slow listener one second at most: a mutation is never held longer', async () => {
    const category = await kb.category('Slow listener');
    const busy = listenerBusyFor(3);
    const started = Date.now();
    const renamed = await editor.send(UPDATE_CATEGORY, { input: { id: category.id, translations: [{ locale: 'en', name: 'Renamed anyway' }] } });
    expect(renamed.errors).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_500);
    await busy;
  });

  it('a republished article is read back with its new title, though its notification is late', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'First title' });
    const slug = localeOf(article).slug;
    // Read until cached (stored on the second miss), as readers of a popular page would have.
    for (let i = 0; i < 3; i += 1) expect((await t.delivery().send(ARTICLE, { slug })).data?.article.title).toBe('First title');
    const busy = listenerBusyFor(0.5);
    await kb.publish(await kb.save(article, 'en', { title: 'Second title' }));
    expect((await t.delivery().send(ARTICLE, { slug })).data?.article.title).toBe('Second title');
    await busy;
  });
});
