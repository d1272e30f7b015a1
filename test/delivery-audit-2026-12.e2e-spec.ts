import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { Role } from '../src/users/role.enum';
import { ACCEPT, ForumFactory } from './factories/forum';
import { expectData, KnowledgeBaseFactory, localeOf, UPDATE_ARTICLE } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

/**
 * The delivery API audited as a front-end team uses it (December 2026): each case is a defect found through the real
 * HTTP server. Areas that were checked and found right are listed in the audit's report, not tested twice here.
 */
describe('delivery API audit (2026-12)', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let forum: ForumFactory;

  /** A member trusted enough that nothing they write is held. */
  const member = async (displayName: string): Promise<GraphqlClient> => {
    const user = await t.createUser({ role: Role.Member, displayName });
    await t.dataSource.query('UPDATE users SET trust_level = 3 WHERE id = $1', [user.user.id]);
    return t.delivery(await t.login(user));
  };

  /** An anonymous GET, as a help site's server and a CDN send it. */
  const get = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await t.http().get('/graphql').query({ query, variables: JSON.stringify(variables) });
    return { status: res.status, body: res.body as { data: Record<string, any> | null; errors?: { message: string; extensions: { code: string } }[] } };
  };

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', SITE_BASE_URL: 'https://help.example.test' });
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000, fast_posting_seconds = NULL, duplicate_text_window_minutes = NULL');
    editor = t.admin(await t.login(await t.createUser({ role: Role.Admin, displayName: 'Audit Editor' })));
    kb = new KnowledgeBaseFactory(editor);
    forum = new ForumFactory(editor);
  });
  afterAll(() => t.close());

  describe('article bodyHtml follows the forum link rules', () => {
    // The forum's XSS corpus (render-post.spec.ts) run through the article renderer: these three kept their href.
    // A browser reads them as relative URLs, but a front end that percent-decodes a URL before use (a router, a
    // link rewriter) turns them into javascript: — forum posts drop such links, articles did not.
    const DECODED_SCHEMES = ['%6Aavascript:alert(1)', 'javascript%3Aalert(1)', '%20javascript:alert(1)', '%09javascript:alert(1)', 'data%3Atext/html,x'];

    it('drops links and images whose percent-decoded URL names a scheme other than http, https or mailto, in text, headings, lists and tables', async () => {
      const category = await kb.category('Audit links');
      const body = [
        ...DECODED_SCHEMES.map((href, i) => `Paragraph [link ${i}](${href}) text.`),
        `## Heading [in heading](${DECODED_SCHEMES[0]})`,
        `- item [in list](${DECODED_SCHEMES[1]})`,
        '',
        '| a | b |',
        '|---|---|',
        `| [in cell](${DECODED_SCHEMES[2]}) | \`code\` |`,
        '',
        `<a href="${DECODED_SCHEMES[0]}">raw html link</a> <img src="${DECODED_SCHEMES[1]}" alt="raw image">`,
        '',
        'Kept: [relative](/en/articles/other%20page) [absolute](https://example.com/a%20b) [mail](mailto:help@example.com) [anchor](#heading-in-heading)',
      ].join('\n\n');
      const article = await kb.published(category.id, { title: 'Percent-encoded schemes', bodyMarkdown: body });

      const res = await get(`query ($slug: String!) { article(slug: $slug) { bodyHtml headings { anchor } } }`, { slug: localeOf(article).slug });
      expect(res.body.errors).toBeUndefined();
      const html: string = res.body.data!.article.bodyHtml;
      const elements = DomUtils.findAll(() => true, parseDocument(html).children) as Element[];
      const urls = elements.flatMap((e) => ['href', 'src'].filter((name) => e.attribs[name] !== undefined).map((name) => e.attribs[name]));
      const dangerous = urls.filter((url) => /^[\u0000-\u0020]*(javascript|vbscript|data|file|blob):/i.test(decodeURIComponent(url).replace(/[\t\n\r]/g, '')));
      expect(dangerous).toEqual([]);
      // The link texts stay; only the href goes. Safe links are untouched.
      expect(html).toContain('link 0');
      expect(html).toContain('in cell');
      expect(urls).toEqual(expect.arrayContaining(['/en/articles/other%20page', 'https://example.com/a%20b', 'mailto:help@example.com', '#heading-in-heading']));
    });
  });

  describe('sitemaps list only indexable articles', () => {
    const SITEMAP = `query ($after: String) { sitemap(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { slug } } } }`;

    it('leaves noindex articles out of /sitemap.xml and the sitemap query, with totalCount to match, and takes one back when it is indexable again', async () => {
      const category = await kb.category('Audit sitemap');
      const indexed = await kb.published(category.id, { title: 'Indexed page' });
      const noFollow = await kb.published(category.id, { title: 'Indexed but not followed', robots: 'index,nofollow' });
      const noIndex = await kb.published(category.id, { title: 'Not indexed page', robots: 'noindex,follow' });
      const hidden = await kb.published(category.id, { title: 'Neither indexed nor followed', robots: 'noindex,nofollow' });

      const sitemapSlugs = async (): Promise<{ slugs: string[]; totalCount: number }> => {
        const res = await get(SITEMAP);
        expect(res.body.errors).toBeUndefined();
        return { slugs: res.body.data!.sitemap.edges.map((e: { node: { slug: string } }) => e.node.slug), totalCount: res.body.data!.sitemap.totalCount };
      };
      const xmlLocs = async (): Promise<string[]> => [...(await t.http().get('/sitemap.xml')).text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
      const url = (article: typeof indexed) => `https://help.example.test/en/articles/${localeOf(article).slug}`;

      // The page itself says noindex: a sitemap listing it sends search engines mixed signals (Search Console reports
      // "Submitted URL marked 'noindex'").
      const page = await get(`query ($slug: String!) { article(slug: $slug) { seo { robots } } }`, { slug: localeOf(noIndex).slug });
      expect(page.body.data!.article.seo.robots).toBe('noindex,follow');

      const mine = [indexed, noFollow, noIndex, hidden];
      const before = await sitemapSlugs();
      expect(before.slugs.filter((slug) => mine.some((a) => localeOf(a).slug === slug)).sort()).toEqual([localeOf(indexed).slug, localeOf(noFollow).slug].sort());
      expect(before.totalCount).toBe(before.slugs.length);
      expect((await xmlLocs()).filter((loc) => mine.some((a) => url(a) === loc)).sort()).toEqual([url(indexed), url(noFollow)].sort());

      // Made indexable again: back in both.
      expectData(await editor.send(UPDATE_ARTICLE, { input: { articleId: noIndex.id, robots: null, baseMetadataVersion: noIndex.metadataVersion } }), 'updateArticle');
      const after = await sitemapSlugs();
      expect(after.slugs).toContain(localeOf(noIndex).slug);
      expect(after.slugs).not.toContain(localeOf(hidden).slug);
      expect(after.totalCount).toBe(before.totalCount + 1);
      expect(after.totalCount).toBe(after.slugs.length);
      expect(await xmlLocs()).toContain(url(noIndex));
    });
  });

  describe('thread JSON-LD (Google QAPage)', () => {
    const THREAD = `query ($slug: String!) { thread(slug: $slug) { jsonLd } }`;

    it('names datePublished on the question and every answer', async () => {
      const asker = await member('Audit Asker');
      const answerer = await member('Audit Answerer');
      const board = await forum.board({ name: 'Audit QA' });
      const thread = await forum.thread(asker, board.id, { title: 'Where is the invoice export?', bodyMarkdown: 'I cannot find it.' });
      const accepted = await forum.reply(answerer, thread.id, 'Billing, then Export.');
      await forum.reply(answerer, thread.id, 'Or ask support.');
      expectData(await asker.send(ACCEPT, { input: { postId: accepted.id } }), 'acceptAnswer');

      const res = await get(THREAD, { slug: thread.slug });
      expect(res.body.errors).toBeUndefined();
      const question = JSON.parse(res.body.data!.thread.jsonLd).mainEntity;
      expect(question).toMatchObject({
        '@type': 'Question',
        name: 'Where is the invoice export?',
        text: 'I cannot find it.',
        answerCount: 2,
        author: { '@type': 'Person', name: 'Audit Asker' },
        datePublished: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        acceptedAnswer: { '@type': 'Answer', text: 'Billing, then Export.', author: { name: 'Audit Answerer' }, datePublished: expect.any(String) },
        suggestedAnswer: [{ '@type': 'Answer', text: 'Or ask support.', datePublished: expect.any(String) }],
      });
    });

    it('is null for a thread without a visible answer (a QAPage needs an acceptedAnswer or a suggestedAnswer), and appears with the first answer', async () => {
      const asker = await member('Audit Unanswered');
      const board = await forum.board({ name: 'Audit unanswered' });
      const thread = await forum.thread(asker, board.id, { title: 'Nobody answered this yet', bodyMarkdown: 'Still waiting.' });

      const unanswered = await get(THREAD, { slug: thread.slug });
      expect(unanswered.body.errors).toBeUndefined();
      expect(unanswered.body.data!.thread.jsonLd).toBeNull();

      await forum.reply(await member('Audit First Answer'), thread.id, 'Here you go.');
      const answered = await get(THREAD, { slug: thread.slug });
      expect(JSON.parse(answered.body.data!.thread.jsonLd).mainEntity).toMatchObject({ answerCount: 1, suggestedAnswer: [{ text: 'Here you go.' }] });
    });
  });

  describe('a lookup without an id or a slug', () => {
    it.each([
      ['thread', `{ thread { id } }`],
      ['thread (explicit nulls)', `{ thread(id: null, slug: null) { id } }`],
      ['category', `{ category { id } }`],
      ['category (explicit nulls)', `{ category(id: null, slug: null, locale: "en") { id } }`],
    ])('%s is BAD_USER_INPUT naming the missing argument, as article is, not NOT_FOUND of an empty name', async (_name, query) => {
      const res = await get(query);
      expect(res.body.data).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors![0].extensions).toMatchObject({ fields: [{ field: 'slug' }] });
    });
  });
});
