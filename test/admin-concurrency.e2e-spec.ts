import { seedDemo } from '../src/cli/demo-seed';
import { createTestApp, GraphqlClient, GraphqlResponse, TestApp } from './support/create-test-app';
import { seededRandom } from './support/seeded-random';

type Operation = () => Promise<GraphqlResponse | null>;

/**
 * Editors and admins acting on the same few things at the same moment, on the demo help center: articles (drafts,
 * publishing, unpublishing, archiving, deletion, metadata, slugs, translations, creation), categories (moves,
 * renames, deletion), stale flags against releases and scans, webhook endpoints against the publishes that enqueue
 * their deliveries. Every answer is a success or a refusal with a client code: never INTERNAL_SERVER_ERROR, and never
 * CONFLICT CONCURRENT_CHANGE (a deadlock). Found this way and fixed: two articles created at once with one title
 * (unique slug violation), and a publish while a webhook endpoint was deleted (foreign key violation).
 * ADMIN_STORM_SEED replays a run.
 */
describe('admin API under concurrent editors', () => {
  const seed = Number(process.env.ADMIN_STORM_SEED ?? 20261130);
  const random = seededRandom(seed);
  const pick = <T>(list: T[]): T => list[random(list.length)];
  let t: TestApp;
  let admin: GraphqlClient;

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemo(t.app, t.config);
    const login = await t.admin().send(`mutation ($input: AdminLoginInput!) { login(input: $input) { accessToken } }`, {
      input: { email: t.config.demo.adminEmail, password: t.config.demo.adminPassword },
    });
    admin = t.admin(login.data!.login.accessToken);
  }, 120_000);
  afterAll(() => t.close());

  const rows = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await t.dataSource.query(sql, params)) as T[];
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T | null> => pick(await rows<T>(sql, params)) ?? null;

  /** Rounds of `width` operations at once; every answer's code (or OK) counted, the unexpected ones returned. */
  async function storm(operations: Operation[], rounds: number, width: number): Promise<{ counts: Record<string, number>; unexpected: string[] }> {
    const counts: Record<string, number> = {};
    const unexpected: string[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const answers = await Promise.all(Array.from({ length: width }, () => pick(operations)()));
      for (const answer of answers) {
        if (!answer) continue;
        const error = answer.errors?.[0];
        const code = error ? `${error.extensions?.code}${error.extensions?.reason ? `:${error.extensions.reason}` : ''}` : 'OK';
        counts[code] = (counts[code] ?? 0) + 1;
        if (answer.status >= 500 || code.startsWith('INTERNAL_SERVER_ERROR') || code.endsWith('CONCURRENT_CHANGE')) unexpected.push(`${code} ${error?.path?.join('.')}`);
      }
    }
    return { counts, unexpected };
  }

  interface LocaleRow {
    article_id: string;
    locale: string;
    metadata_version: number;
    head_revision_number: number;
    head_id: string;
  }
  const articleRow = (ids: string[]): Promise<LocaleRow | null> =>
    one<LocaleRow>(
      `SELECT l.article_id, l.locale, a.metadata_version, l.head_revision_number, r.id AS head_id
         FROM article_locales l JOIN articles a ON a.id = l.article_id
         JOIN article_revisions r ON r.article_id = l.article_id AND r.locale = l.locale AND r.number = l.head_revision_number
        WHERE l.article_id = ANY($1::uuid[]) AND l.locale = 'en'`,
      [ids],
    );

  it('knowledge base: articles and categories', async () => {
    const category = async (name: string, parentId: string | null = null): Promise<string> =>
      (await admin.send(`mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`, { input: { parentId, translations: [{ locale: 'en', name }] } })).data!
        .createCategory.id;
    const first = await category('Storm A');
    const categories = [first, await category('Storm B', first), await category('Storm C')];
    const articles: string[] = [];
    const create = async (): Promise<GraphqlResponse> => {
      const res = await admin.send(`mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, {
        input: { categoryId: pick(categories), title: 'Storm article', bodyMarkdown: 'Body' },
      });
      if (res.data?.createArticle) articles.push(res.data.createArticle.id);
      return res;
    };
    for (let i = 0; i < 5; i += 1) await create();
    const onArticle = (mutation: string, input: (row: LocaleRow) => Record<string, unknown>): Operation => async () => {
      const row = await articleRow(articles);
      return row && admin.send(mutation, { input: input(row) });
    };
    const LOCALE_ACTION = (name: string): Operation => onArticle(`mutation ($input: ArticleLocaleInput!) { ${name}(input: $input) { id } }`, (r) => ({ articleId: r.article_id, locale: 'en' }));
    const operations: Operation[] = [
      create,
      onArticle(`mutation ($input: SaveArticleDraftInput!) { saveArticleDraft(input: $input) { id } }`, (r) => ({
        articleId: r.article_id,
        locale: 'en',
        baseRevisionNumber: r.head_revision_number,
        title: `Draft ${random(1000)}`,
        bodyMarkdown: 'Changed',
      })),
      onArticle(`mutation ($input: PublishArticleInput!) { publishArticle(input: $input) { id } }`, (r) => ({ articleId: r.article_id, revisionId: r.head_id })),
      LOCALE_ACTION('unpublishArticle'),
      LOCALE_ACTION('archiveArticle'),
      LOCALE_ACTION('restoreArticle'),
      LOCALE_ACTION('verifyArticle'),
      onArticle(`mutation ($input: ArticleIdInput!) { deleteArticle(input: $input) { id } }`, (r) => ({ articleId: r.article_id })),
      onArticle(`mutation ($input: ArticleIdInput!) { restoreDeletedArticle(input: $input) { id } }`, (r) => ({ articleId: r.article_id })),
      onArticle(`mutation ($input: UpdateArticleInput!) { updateArticle(input: $input) { id } }`, (r) => ({
        articleId: r.article_id,
        baseMetadataVersion: r.metadata_version,
        categoryId: pick(categories),
        tags: ['storm'],
      })),
      onArticle(`mutation ($input: ChangeArticleSlugInput!) { changeArticleSlug(input: $input) { id } }`, (r) => ({
        articleId: r.article_id,
        baseMetadataVersion: r.metadata_version,
        locale: 'en',
        slug: `storm-slug-${random(3)}`,
      })),
      onArticle(`mutation ($input: SaveArticleDraftInput!) { saveArticleDraft(input: $input) { id } }`, (r) => ({
        articleId: r.article_id,
        locale: 'de',
        baseRevisionNumber: 0,
        title: 'Sturm',
        bodyMarkdown: 'Text',
        translatedFromRevisionNumber: r.head_revision_number,
      })),
      async () => admin.send(`mutation ($input: MoveCategoryInput!) { moveCategory(input: $input) { id } }`, { input: { id: pick(categories), parentId: random(2) ? pick(categories) : null } }),
      async () => admin.send(`mutation ($input: UpdateCategoryInput!) { updateCategory(input: $input) { id } }`, { input: { id: pick(categories), translations: [{ locale: 'en', name: `Storm ${random(3)}` }] } }),
      async () => admin.send(`mutation ($input: CategoryIdInput!) { deleteCategory(input: $input) { id } }`, { input: { id: pick(categories) } }),
    ];
    const { counts, unexpected } = await storm(operations, 12, 16);
    expect(unexpected).toEqual([]);
    expect(counts.OK).toBeGreaterThan(40);
    // Afterwards: one current slug per article and locale, and no category is its own ancestor.
    expect(await rows(`SELECT locale, slug FROM article_locales GROUP BY locale, slug HAVING count(*) > 1`)).toEqual([]);
    const cycles = await rows(`WITH RECURSIVE up AS (SELECT id, parent_id, ARRAY[id] AS path, false AS cycle FROM categories
      UNION ALL SELECT up.id, c.parent_id, up.path || c.id, c.id = ANY(up.path) FROM up JOIN categories c ON c.id = up.parent_id WHERE NOT up.cycle)
      SELECT id FROM up WHERE cycle`);
    expect(cycles).toEqual([]);
  }, 300_000);

  it('deletes a category at the moment articles are created in it, moved to it, and it is renamed', async () => {
    const outcomes: string[] = [];
    const code = (res: GraphqlResponse): string => (res.errors ? `${res.errors[0].extensions?.code}${res.errors[0].extensions?.reason ? `:${res.errors[0].extensions.reason}` : ''}` : 'OK');
    for (let round = 0; round < 30; round += 1) {
      const category = async (name: string): Promise<string> =>
        (await admin.send(`mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`, { input: { translations: [{ locale: 'en', name }] } })).data!.createCategory.id;
      const doomed = await category(`Doomed ${round}`);
      const other = await category(`Other ${round}`);
      const article = (await admin.send(`mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id metadataVersion } }`, { input: { categoryId: other, title: `Mover ${round}`, bodyMarkdown: 'x' } })).data!.createArticle;
      // The deletion starts first, or a little after the others (round by round), so both orders happen.
      const later = <T>(ms: number, send: () => Promise<T>): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(send()), ms));
      const answers = await Promise.all([
        later(round % 2, () => admin.send(`mutation ($input: CategoryIdInput!) { deleteCategory(input: $input) { id } }`, { input: { id: doomed } })),
        later(round % 3, () => admin.send(`mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, { input: { categoryId: doomed, title: `New ${round}`, bodyMarkdown: 'x' } })),
        later((round + 1) % 3, () => admin.send(`mutation ($input: UpdateArticleInput!) { updateArticle(input: $input) { id } }`, { input: { articleId: article.id, baseMetadataVersion: article.metadataVersion, categoryId: doomed } })),
        admin.send(`mutation ($input: UpdateCategoryInput!) { updateCategory(input: $input) { id } }`, { input: { id: doomed, translations: [{ locale: 'en', name: `Renamed ${round}` }] } }),
        admin.send(`mutation ($input: MoveCategoryInput!) { moveCategory(input: $input) { id } }`, { input: { id: other, parentId: doomed } }),
      ]);
      outcomes.push(...answers.map(code));
      const [{ left }] = await rows<{ left: number }>(`SELECT count(*)::int AS left FROM categories WHERE id = $1`, [doomed]);
      // Deleted: nothing went into it. Kept: the deletion was refused because something did.
      expect(code(answers[0])).toBe(left === 0 ? 'OK' : 'CONFLICT:CATEGORY_NOT_EMPTY');
    }
    expect(outcomes.filter((outcome) => outcome.startsWith('INTERNAL_SERVER_ERROR') || outcome.endsWith('CONCURRENT_CHANGE'))).toEqual([]);
  }, 300_000);

  it('reads an article whole while its translations are created and its drafts saved', async () => {
    const [{ id: categoryId }] = await rows<{ id: string }>(`SELECT id FROM categories ORDER BY id LIMIT 1`);
    const VIEW = `query ($id: ID!) { article(id: $id) { id locales { locale slug headRevision { id number } publishedRevision { id } nextReviewAt isOutdated } } }`;
    const codes: string[] = [];
    for (let round = 0; round < 15; round += 1) {
      const { id } = (await admin.send(`mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id } }`, { input: { categoryId, title: `Read race ${round}`, bodyMarkdown: 'x' } })).data!.createArticle;
      const answers = await Promise.all(
        ['de', 'fr', 'es', 'ja'].flatMap((locale, i) => [
          admin.send(`mutation ($input: SaveArticleDraftInput!) { saveArticleDraft(input: $input) { id } }`, {
            input: { articleId: id, locale, baseRevisionNumber: 0, title: `T ${locale}`, bodyMarkdown: 'x', translatedFromRevisionNumber: 1 },
          }),
          admin.send(`mutation ($input: SaveArticleDraftInput!) { saveArticleDraft(input: $input) { id } }`, { input: { articleId: id, locale: 'en', baseRevisionNumber: 1 + i, title: `En ${i}`, bodyMarkdown: 'y' } }),
          admin.send(VIEW, { id }),
          admin.send(VIEW, { id }),
        ]),
      );
      codes.push(...answers.map((res) => String(res.errors?.[0].extensions?.code ?? 'OK')));
    }
    // Before, the view's six reads ran on separate connections and could disagree: a head revision not read yet.
    expect(codes.filter((code) => code === 'INTERNAL_SERVER_ERROR')).toEqual([]);
    expect(codes.filter((code) => code === 'OK').length).toBeGreaterThan(100);
  }, 300_000);

  it('stale flags against releases and scans, webhook endpoints against publishes', async () => {
    const products = await rows<{ id: string }>(`SELECT id FROM products`);
    const titles = (await rows<{ title: string }>(`SELECT r.title FROM article_locales l JOIN article_revisions r ON r.id = l.published_revision_id LIMIT 30`)).map((r) => r.title);
    let version = 0;
    const flag = (mutation: string, extra: Record<string, unknown> = {}): Operation => async () => {
      const row = await one<{ id: string }>(`SELECT id FROM stale_flags ORDER BY random() LIMIT 5`);
      return row && admin.send(mutation, { input: { flagId: row.id, ...extra } });
    };
    const endpoint = (mutation: string): Operation => async () => {
      const row = await one<{ id: string }>(`SELECT id FROM webhook_endpoints`);
      return row && admin.send(mutation, { input: { id: row.id } });
    };
    const operations: Operation[] = [
      async () =>
        admin.send(`mutation ($input: RecordReleaseInput!) { recordRelease(input: $input) { __typename } }`, {
          input: {
            productId: pick(products).id,
            version: `storm-${(version += 1)}`,
            releasedAt: new Date().toISOString(),
            notesMarkdown: `- removed ${pick(titles)}`,
            changes: [{ kind: pick(['Removed', 'Changed', 'Deprecated']), summary: pick(titles) }],
          },
        }),
      async () => admin.send(`mutation { runStalenessScan { __typename } }`),
      flag(`mutation ($input: StaleFlagInput!) { acknowledgeStaleFlag(input: $input) { id } }`),
      flag(`mutation ($input: DismissStaleFlagInput!) { dismissStaleFlag(input: $input) { id } }`, { reason: 'not stale' }),
      flag(`mutation ($input: ResolveStaleFlagInput!) { resolveStaleFlag(input: $input) { id } }`),
      async () => {
        const row = await one<{ article_id: string; head_id: string }>(
          `SELECT l.article_id, r.id AS head_id FROM article_locales l
             JOIN article_revisions r ON r.article_id = l.article_id AND r.locale = l.locale AND r.number = l.head_revision_number
            WHERE l.status = 'published' LIMIT 20`,
        );
        return row && admin.send(`mutation ($input: PublishArticleInput!) { publishArticle(input: $input) { id } }`, { input: { articleId: row.article_id, revisionId: row.head_id } });
      },
      async () =>
        admin.send(`mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`, {
          input: { url: 'http://127.0.0.1:9/hook', eventTypes: ['ArticlePublished', 'StaleFlagRaised', 'ReleaseRecorded'] },
        }),
      endpoint(`mutation ($input: WebhookEndpointIdInput!) { disableWebhookEndpoint(input: $input) { id } }`),
      endpoint(`mutation ($input: WebhookEndpointIdInput!) { enableWebhookEndpoint(input: $input) { id } }`),
      endpoint(`mutation ($input: WebhookEndpointIdInput!) { deleteWebhookEndpoint(input: $input) { id } }`),
      endpoint(`mutation ($input: WebhookEndpointIdInput!) { rotateWebhookEndpointSecret(input: $input) { secret } }`),
    ];
    const { counts, unexpected } = await storm(operations, 12, 16);
    expect(unexpected).toEqual([]);
    expect(counts.OK).toBeGreaterThan(40);
  }, 300_000);
});
