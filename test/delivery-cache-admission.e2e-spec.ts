import { DeliveryCache } from '../src/articles/delivery/delivery-cache';
import { Role } from '../src/users/role.enum';
import { expectData, KnowledgeBaseFactory, localeOf } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';

const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const SHORT = `query ($slug: String) { article(slug: $slug) { id title } }`;
const FULL = `query ($slug: String) { article(slug: $slug) { id title bodyMarkdown authorName products { key } headings { text } } }`;

/**
 * The delivery cache stores an article, list or response on its second miss, not its first (docs/knowledge-base.md,
 * "Caching"): one-off reads pass through without evicting what readers come back to.
 */
describe('delivery cache: stored on the second miss', () => {
  let t: TestApp;
  let kb: KnowledgeBaseFactory;
  let categoryId: string;
  let productId: string;

  const send = (document: string, slug: string) => t.delivery().send(document, { slug });
  const publishedSlug = async (input: Record<string, unknown>): Promise<string> => localeOf(await kb.published(categoryId, input)).slug;

  beforeAll(async () => {
    t = await createTestApp({ DELIVERY_CACHE_ENTRIES: '2' });
    const editor = t.admin(await t.login(await t.createUser({ role: Role.Editor, displayName: 'Admission Author' })));
    kb = new KnowledgeBaseFactory(editor);
    categoryId = (await kb.category('Admission')).id;
    productId = expectData<{ id: string }>(await editor.send(CREATE_PRODUCT, { input: { key: 'admission-app', name: 'Admission App' } }), 'createProduct').id;
  });
  afterAll(() => t.close());

  it('stores the article with every part on its second miss, whatever the first two queries showed', async () => {
    const cache = t.app.get(DeliveryCache);
    const article = await kb.published(categoryId, {
      title: 'Turn on backups',
      bodyMarkdown: '## Schedule\n\nBackups run nightly.',
      productIds: [productId],
    });
    const slug = localeOf(article).slug;
    const entriesAtStart = cache.stats().content.entries;

    expect((await send(SHORT, slug)).data?.article).toMatchObject({ title: 'Turn on backups' });
    expect(cache.stats().content.entries).toBe(entriesAtStart);
    expect((await send(SHORT, slug)).data?.article).toMatchObject({ title: 'Turn on backups' });
    const stored = cache.stats().content;

    // Another document (no whole-response hit): every part comes from the stored article.
    const full = await send(FULL, slug);
    expect(full.errors).toBeUndefined();
    expect(full.data?.article).toEqual({
      id: article.id,
      title: 'Turn on backups',
      bodyMarkdown: '## Schedule\n\nBackups run nightly.',
      authorName: 'Admission Author',
      products: [{ key: 'admission-app' }],
      headings: [{ text: 'Schedule' }],
    });
    expect(cache.stats().content.hits).toBeGreaterThan(stored.hits);
  });

  it('lets one-off reads pass through without evicting a page readers come back to', async () => {
    // Published first: a publish empties the response cache.
    const hot = await publishedSlug({ title: 'Reset your password' });
    const readOnce: string[] = [];
    for (let i = 0; i < 6; i += 1) readOnce.push(await publishedSlug({ title: `Read once ${i}` }));

    for (let i = 0; i < 2; i += 1) expect((await send(SHORT, hot)).headers['x-cache']).toBeUndefined();
    expect((await send(SHORT, hot)).headers['x-cache']).toBe('HIT');
    // Six articles read once each, three times the cache's two entries.
    for (const [i, slug] of readOnce.entries()) {
      const res = await send(SHORT, slug);
      expect(res.data?.article).toMatchObject({ title: `Read once ${i}` });
      expect(res.headers['x-cache']).toBeUndefined();
    }
    expect((await send(SHORT, hot)).headers['x-cache']).toBe('HIT');
  });
});
