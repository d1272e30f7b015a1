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
 * change reads it back on the same instance at once. The listener is slowed down here (every notification handed
 * over later, in order), which makes the window between commit and delivery as wide as the delay.
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

  /**
   * Every notification (the markers too) reaches the caches `ms` later, in the order it came: the instance's listener
   * is slow, as a busy event loop or network would make it. Returns the undo.
   */
  const slowListener = (ms: number): (() => void) => {
    const listener = (t.app.get(ChangeNotifications) as unknown as { client: Client | null }).client;
    if (!listener) throw new Error('the change listener is not connected');
    const emit = listener.emit.bind(listener);
    listener.emit = ((event: string, ...args: unknown[]) => {
      if (event !== 'notification') return emit(event, ...args);
      setTimeout(() => emit(event, ...args), ms);
      return true;
    }) as typeof listener.emit;
    return () => {
      listener.emit = emit;
    };
  };

  it('a renamed category is read back renamed, though its notification is late', async () => {
    const category = await kb.category('Before rename');
    expect((await t.delivery().send(CATEGORY, { slug: category.slug })).data?.category.name).toBe('Before rename');
    const restore = slowListener(300);
    try {
      const renamed = await editor.send(UPDATE_CATEGORY, { input: { id: category.id, translations: [{ locale: 'en', name: 'After rename' }] } });
      expect(renamed.errors).toBeUndefined();
      expect((await t.delivery().send(CATEGORY, { slug: category.slug })).data?.category.name).toBe('After rename');
    } finally {
      restore();
    }
  });

  it('waits for a slow listener one second at most: a mutation is never held longer', async () => {
    const category = await kb.category('Slow listener');
    const restore = slowListener(6_000);
    try {
      const started = Date.now();
      const renamed = await editor.send(UPDATE_CATEGORY, { input: { id: category.id, translations: [{ locale: 'en', name: 'Renamed anyway' }] } });
      expect(renamed.errors).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(4_500);
    } finally {
      restore();
    }
    await new Promise((resolve) => setTimeout(resolve, 6_100));
  });

  it('sends its markers one at a time on the listener connection, shared by the mutations that wait together', async () => {
    const listener = (t.app.get(ChangeNotifications) as unknown as { client: Client }).client;
    const query = listener.query.bind(listener) as (...args: unknown[]) => Promise<unknown>;
    let inFlight = 0;
    let most = 0;
    let sent = 0;
    (listener as unknown as { query: unknown }).query = async (...args: unknown[]) => {
      inFlight += 1;
      sent += 1;
      most = Math.max(most, inFlight);
      try {
        return await query(...args);
      } finally {
        inFlight -= 1;
      }
    };
    try {
      const categories = await Promise.all(Array.from({ length: 12 }, (_, i) => kb.category(`Parallel ${i}`)));
      sent = 0;
      const renamed = await Promise.all(
        categories.map((category, i) => editor.send(UPDATE_CATEGORY, { input: { id: category.id, translations: [{ locale: 'en', name: `Parallel renamed ${i}` }] } })),
      );
      expect(renamed.every((res) => res.errors === undefined)).toBe(true);
      for (const [i, category] of categories.entries()) {
        expect((await t.delivery().send(CATEGORY, { slug: category.slug })).data?.category.name).toBe(`Parallel renamed ${i}`);
      }
      expect(most).toBe(1);
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThanOrEqual(12);
    } finally {
      (listener as unknown as { query: unknown }).query = query;
    }
  });

  it('a republished article is read back with its new title, though its notification is late', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'First title' });
    const slug = localeOf(article).slug;
    // Read until cached (stored on the second miss), as readers of a popular page would have.
    for (let i = 0; i < 3; i += 1) expect((await t.delivery().send(ARTICLE, { slug })).data?.article.title).toBe('First title');
    const restore = slowListener(300);
    try {
      await kb.publish(await kb.save(article, 'en', { title: 'Second title' }));
      expect((await t.delivery().send(ARTICLE, { slug })).data?.article.title).toBe('Second title');
    } finally {
      restore();
    }
  });
});
