import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { PublishedArticlesRepository } from '../src/articles/delivery/published-articles.repository';
import { Role } from '../src/users/role.enum';
import { expectData, KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';

const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`;

/** Fields whose data the caches-off statement may leave out when they are not selected (ArticleParts). */
const OPTIONAL = ['bodyMarkdown', 'headings { level text anchor }', 'authorName', 'products { key name }', 'assets { id kind url }', 'tags', 'jsonLd', 'seo { robots }'];
const ALWAYS = 'id slug title bodyHtml excerpt lastModified alternates { locale slug } category { slug } plainSeo: seo { title canonicalUrl }';

type Json = Record<string, unknown>;

/**
 * With the caches off, `article` reads only the columns the query shows (no Markdown, products, outline,
 * author join or articles row when nothing selects them). Whatever the selection, each field answers what the full query answers.
 */
describe('delivery: an article query reads the parts it shows (caches off)', () => {
  let t: TestApp;
  let dataDir: string;
  let slug: string;
  let articleId: string;
  let full: Json;

  const article = async (selection: string, document?: string): Promise<Json> => {
    const res = await t.delivery().send(document ?? `query ($slug: String) { article(slug: $slug) { ${selection} } }`, { slug });
    expect(res.errors).toBeUndefined();
    return res.data?.article as Json;
  };
  const fieldName = (selection: string) => selection.split(' ')[0];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-article-parts-'));
    t = await createTestApp({ DELIVERY_CACHE_ENTRIES: '0', DATA_DIR: dataDir });
    const editorToken = await t.login(await t.createUser({ role: Role.Editor, displayName: 'Parts Author' }));
    const editor = t.admin(editorToken);
    const kb = new KnowledgeBaseFactory(editor);
    const product = expectData<{ id: string }>(await editor.send(CREATE_PRODUCT, { input: { key: 'parts-app', name: 'Parts App' } }), 'createProduct');
    const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#2a7' } }).png().toBuffer();
    const uploaded = await request(t.app.getHttpServer())
      .post('/admin/assets')
      .set('authorization', `Bearer ${editorToken}`)
      .field('alt', 'A square')
      .attach('file', image, { filename: 'square.png', contentType: 'image/png' });
    expect([200, 201]).toContain(uploaded.status);
    const category = await kb.category('Parts');
    const published = await kb.published(category.id, {
      title: 'Reading only what is shown',
      bodyMarkdown: `# Setting up\n\nInstall it first.\n\n## Options\n\n![A square](asset:${uploaded.body.asset.id as string})\n\nDone.`,
      productIds: [product.id],
      tags: ['parts'],
      robots: 'noindex,follow',
    });
    articleId = published.id;
    slug = (await article('slug', `query { article(id: "${articleId}") { slug } }`)).slug as string;
    full = await article(`${ALWAYS} ${OPTIONAL.join(' ')}`);
    expect(full).toMatchObject({ bodyMarkdown: expect.stringContaining('Install it first'), authorName: 'Parts Author', products: [{ key: 'parts-app' }] });
    expect((full.headings as unknown[]).length).toBe(2);
    expect((full.assets as unknown[]).length).toBe(1);
    expect(full).toMatchObject({ tags: ['parts'], seo: { robots: 'noindex,follow' }, jsonLd: expect.stringContaining('"keywords":"parts"'), category: { slug: category.slug } });
  });

  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers every combination of the optional fields as the full query does', async () => {
    for (let mask = 0; mask < 1 << OPTIONAL.length; mask += 1) {
      const chosen = OPTIONAL.filter((_, i) => mask & (1 << i));
      const answer = await article(`${ALWAYS} ${chosen.join(' ')}`);
      const expected = Object.fromEntries(Object.entries(full).filter(([key]) => !OPTIONAL.map(fieldName).includes(key) || chosen.map(fieldName).includes(key)));
      expect(answer).toEqual(expected);
    }
  });

  it('sees fields asked through fragments, inline fragments and aliases, and by id', async () => {
    const viaFragment = await article('', `query ($slug: String) { article(slug: $slug) { id ...Parts } } fragment Parts on Article { md: bodyMarkdown ... on Article { headings { text } } }`);
    expect(viaFragment).toEqual({ id: articleId, md: full.bodyMarkdown, headings: (full.headings as Json[]).map(({ text }) => ({ text })) });
    const twice = await t.delivery().send(`query ($slug: String, $id: ID) { lean: article(slug: $slug) { title } rich: article(id: $id) { authorName assets { id } } }`, { slug, id: articleId });
    expect(twice.errors).toBeUndefined();
    expect(twice.data).toEqual({ lean: { title: full.title }, rich: { authorName: 'Parts Author', assets: (full.assets as Json[]).map(({ id }) => ({ id })) } });
  });

  it('leaves the parts nobody shows out of the statement', async () => {
    const repository = t.app.get(PublishedArticlesRepository);
    const none = { markdown: false, products: false, outline: false, author: false, labels: false };
    const lean = await repository.findPublishedBySlug('en', slug, none);
    expect(lean).toMatchObject({ id: articleId, bodyMarkdown: '', products: [], outline: [], authorName: null, tags: [], robots: null, bodyHtml: full.bodyHtml });
    expect(lean?.alternates).toEqual([{ locale: 'en', slug }]);
    const leanById = await repository.findPublished(articleId, 'en', none);
    expect(leanById).toEqual(lean);
    const whole = await repository.findPublished(articleId, 'en');
    expect(whole).toMatchObject({ bodyMarkdown: full.bodyMarkdown, authorName: 'Parts Author', products: [{ key: 'parts-app' }], tags: ['parts'], robots: 'noindex,follow' });
    expect(whole?.categoryId).toBe(lean?.categoryId);
  });
});
