import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { ArticleAssetsService } from '../src/articles/article-assets.service';
import { renderMarkdown } from '../src/articles/content/render-markdown';
import { SitemapController } from '../src/articles/delivery/sitemap.controller';
import { rerenderStoredHtml, RerenderCounts } from '../src/cli/rerender';
import { renderPost } from '../src/forum/content/render-post';
import { ThreadSitemapController } from '../src/forum/delivery/thread-sitemap.controller';
import { Role } from '../src/users/role.enum';
import { ACCEPT, EDIT, ForumFactory } from './factories/forum';
import { expectData, KnowledgeBaseFactory, localeOf } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';
import { runEntry } from './support/run-entry';

const PROCESS_TIMEOUT_MS = 120_000;
const SITEMAPS = ['/sitemap.xml', '/sitemap-community.xml'] as const;

/**
 * The delivery HTTP surface audited (December 2026): sitemap paging, conditional requests on every route that sends
 * an ETag, and the re-rendering of stored HTML after a renderer or sanitizer change (`npm run cli -- rerender`).
 */
describe('delivery HTTP audit (2026-12)', () => {
  let t: TestApp;
  let dataDir: string;
  let editorToken: string;
  let kb: KnowledgeBaseFactory;
  let forum: ForumFactory;

  const member = async (displayName: string): Promise<GraphqlClient> => {
    const user = await t.createUser({ role: Role.Member, displayName });
    await t.dataSource.query('UPDATE users SET trust_level = 3 WHERE id = $1', [user.user.id]);
    return t.delivery(await t.login(user));
  };

  /** A solved thread: asked by one member, answered by another, the answer accepted. */
  const solvedThread = async (boardId: string, asker: GraphqlClient, answerer: GraphqlClient, title: string): Promise<{ id: string; slug: string }> => {
    const thread = await forum.thread(asker, boardId, { title });
    const reply = await forum.reply(answerer, thread.id, `An answer to ${title}.`);
    expectData(await asker.send(ACCEPT, { input: { postId: reply.id } }), 'acceptAnswer');
    return { id: thread.id, slug: thread.slug as string };
  };

  const locs = (xml: string): string[] => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1].replace(/&amp;/g, '&'));

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-http-audit-'));
    t = await createTestApp({ SEARCH_WORKER: 'false', SITE_BASE_URL: 'https://help.example.test', DATA_DIR: dataDir });
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000, fast_posting_seconds = NULL, duplicate_text_window_minutes = NULL');
    editorToken = await t.login(await t.createUser({ role: Role.Admin, displayName: 'HTTP Audit Editor' }));
    kb = new KnowledgeBaseFactory(t.admin(editorToken));
    forum = new ForumFactory(t.admin(editorToken));
  });
  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('sitemap paging', () => {
    it('answers page 1 of an empty sitemap with an empty urlset, and a page past it with 404', async () => {
      for (const route of SITEMAPS) {
        for (const url of [route, `${route}?page=1`]) {
          const res = await t.http().get(url);
          expect([url, res.status]).toEqual([url, 200]);
          expect(res.text).toContain('<urlset');
          expect(locs(res.text)).toEqual([]);
        }
        const past = await t.http().get(`${route}?page=2`);
        expect([route, past.status]).toEqual([route, 404]);
        expect(past.body.error).toMatchObject({ code: 'NOT_FOUND' });
        expect(past.headers['cache-control']).toBe('no-store');
      }
    });

    it('answers a page that is not a positive whole number with 400 and a short JSON error, never an empty 200', async () => {
      const bad = ['0', '-1', 'abc', '1.5', '1e3', '99999999999999999999', '9007199254740993', '50001', '', '01', '+1', ' 1', '0x1', 'Infinity', 'NaN'];
      for (const route of SITEMAPS) {
        for (const page of bad) {
          const res = await t.http().get(`${route}?page=${encodeURIComponent(page)}`);
          expect([route, page, res.status]).toEqual([route, page, 400]);
          expect(res.headers['content-type']).toMatch(/^application\/json/);
          expect(res.headers['cache-control']).toBe('no-store');
          expect(res.headers.etag).toBeUndefined();
          expect(res.body).toEqual({ error: { code: 'BAD_USER_INPUT', message: expect.stringContaining('page'), field: 'page' } });
        }
        for (const query of ['page=1&page=1', 'page=1&page=2', 'page']) {
          const res = await t.http().get(`${route}?${query}`);
          expect([route, query, res.status]).toEqual([route, query, 400]);
          expect(res.body.error.code).toBe('BAD_USER_INPUT');
        }
      }
    });

    it('lists exactly the pages that exist in each sitemap index, serves every one of them, and 404s the next', async () => {
      const articles = t.app.get(SitemapController);
      const threads = t.app.get(ThreadSitemapController);
      articles.urlsPerFile = 2;
      threads.urlsPerFile = 2;
      try {
        const category = await kb.category('Sitemap paging');
        const slugs: string[] = [];
        for (let i = 1; i <= 5; i++) slugs.push(localeOf(await kb.published(category.id, { title: `Paged sitemap article ${i}` })).slug);
        const board = await forum.board({ name: 'Sitemap paging board' });
        const [asker, answerer] = [await member('Sitemap asker'), await member('Sitemap answerer')];
        const threadSlugs: string[] = [];
        for (let i = 1; i <= 3; i++) threadSlugs.push((await solvedThread(board.id, asker, answerer, `Paged sitemap question ${i}`)).slug);

        for (const [route, pages, expected] of [
          ['/sitemap.xml', 3, slugs.map((slug) => `https://help.example.test/en/articles/${slug}`)],
          ['/sitemap-community.xml', 2, threadSlugs],
        ] as const) {
          const index = await t.http().get(route);
          expect(index.status).toBe(200);
          expect(index.text).toContain('<sitemapindex');
          expect(locs(index.text)).toEqual(Array.from({ length: pages }, (_, i) => `https://help.example.test${route}?page=${i + 1}`));
          const listed: string[] = [];
          for (let page = 1; page <= pages; page++) {
            const res = await t.http().get(`${route}?page=${page}`);
            expect([route, page, res.status]).toEqual([route, page, 200]);
            expect(res.text).toContain('<urlset');
            const urls = locs(res.text);
            expect(urls.length).toBe(page < pages ? 2 : expected.length - 2 * (pages - 1));
            listed.push(...urls);
          }
          expect(new Set(listed).size).toBe(listed.length);
          for (const item of expected) expect(listed.some((url) => url.endsWith(item))).toBe(true);
          const past = await t.http().get(`${route}?page=${pages + 1}`);
          expect([route, past.status]).toEqual([route, 404]);
          expect(past.body.error).toMatchObject({ code: 'NOT_FOUND', pages });
        }
      } finally {
        articles.urlsPerFile = 50_000;
        threads.urlsPerFile = 50_000;
      }
    });
  });

  describe('conditional requests (If-None-Match, RFC 9110 §13.1.2)', () => {
    /** What each route must answer 304 to, given its current ETag, and what it must answer in full. */
    const matching = (etag: string): string[] => [etag, `W/${etag}`, '*', ` ${etag} `, `"other", ${etag}`, `"other",${etag}`, `W/"other" ,\t${etag}`, `junk, ${etag}`];
    const notMatching = (etag: string): string[] => ['"other"', etag.slice(1, -1), `${etag.slice(0, -1)}x"`, 'junk', `"${etag}"`, 'W/', '"', ',', `${etag} ${etag}`];

    const checkRoute = async (label: string, send: (ifNoneMatch?: string) => request.Test, keep: string[]): Promise<void> => {
      const full = await send();
      expect([label, full.status]).toEqual([label, 200]);
      const etag: string = full.headers.etag;
      expect(etag).toMatch(/^"[^"]+"$/);
      for (const header of matching(etag)) {
        const res = await send(header);
        expect([label, header, res.status]).toEqual([label, header, 304]);
        // A 304 keeps every cache header of the 200, and has no body.
        for (const name of keep) expect([label, header, name, res.headers[name]]).toEqual([label, header, name, full.headers[name]]);
        expect(res.text ?? '').toBe('');
        expect(res.body instanceof Buffer ? res.body.length : 0).toBe(0);
      }
      for (const header of notMatching(etag)) {
        const res = await send(header);
        expect([label, header, res.status]).toEqual([label, header, 200]);
        expect(res.headers.etag).toBe(etag);
      }
    };

    it('answers delivery GraphQL GETs with 304 for *, lists and weak tags, and in full for malformed or other tags', async () => {
      const article = await kb.published((await kb.category('Conditional GraphQL')).id, { title: 'Conditional article' });
      const query = `{ article(slug: "${localeOf(article).slug}") { title bodyHtml } }`;
      await checkRoute('graphql', (ifNoneMatch) => {
        const req = t.http().get('/graphql').query({ query });
        return ifNoneMatch === undefined ? req : req.set('if-none-match', ifNoneMatch);
      }, ['etag', 'cache-control', 'vary', 'surrogate-key', 'cache-tag']);
    });

    it('sends an ETag on both sitemaps and sitemap indexes and answers If-None-Match the same way, surrogate keys kept', async () => {
      for (const route of SITEMAPS) {
        await checkRoute(route, (ifNoneMatch) => {
          const req = t.http().get(route);
          return ifNoneMatch === undefined ? req : req.set('if-none-match', ifNoneMatch);
        }, ['etag', 'cache-control', 'surrogate-key', 'cache-tag']);
      }
      expect((await t.http().get('/sitemap-community.xml')).headers['surrogate-key']).toBe('evergreen threads');
      // A sitemap index is a representation like any other.
      const articles = t.app.get(SitemapController);
      articles.urlsPerFile = 1;
      try {
        await checkRoute('sitemap index', (ifNoneMatch) => {
          const req = t.http().get('/sitemap.xml');
          return ifNoneMatch === undefined ? req : req.set('if-none-match', ifNoneMatch);
        }, ['etag', 'cache-control', 'surrogate-key', 'cache-tag']);
        expect((await t.http().get('/sitemap.xml')).text).toContain('<sitemapindex');
      } finally {
        articles.urlsPerFile = 50_000;
      }
      // Another page is another representation: the first page's tag does not match it.
      const first = await t.http().get('/sitemap.xml?page=1');
      const bad = await t.http().get('/sitemap.xml?page=0').set('if-none-match', '*');
      expect(bad.status).toBe(400);
      expect((await t.http().get('/sitemap.xml?page=1').set('if-none-match', first.headers.etag)).status).toBe(304);
      expect((await t.http().get('/sitemap.xml?page=9').set('if-none-match', '*')).status).toBe(404);
    });

    it('answers asset files with 304 for *, lists and weak tags, and in full otherwise', async () => {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#2a7' } }).png().toBuffer();
      const upload = await request(t.app.getHttpServer())
        .post('/admin/assets')
        .set('authorization', `Bearer ${editorToken}`)
        .attach('file', png, { filename: 'conditional.png', contentType: 'image/png' });
      expect([200, 201]).toContain(upload.status);
      const url = new URL(upload.body.asset.files[0].url as string, 'http://localhost').pathname;
      await checkRoute('asset', (ifNoneMatch) => {
        const req = request(t.app.getHttpServer()).get(url).buffer(true);
        return ifNoneMatch === undefined ? req : req.set('if-none-match', ifNoneMatch);
      }, ['etag', 'cache-control']);
    });
  });

  describe('npm run cli -- rerender', () => {
    const STALE_ARTICLE_HTML = '<p>Stale <img src="https://example.com/x.png" onerror="alert(1)"></p>';
    const STALE_POST_HTML = '<p>Stale reply <img src="x" onerror="alert(2)"></p>';
    const ARTICLE_MARKDOWN = 'Current text with an image: ![a chart](https://example.com/chart.png)\n\n## A section';
    const REPLY_MARKDOWN = 'A reply with a [link](https://example.com/docs).';

    let articleId: string;
    let articleSlug: string;
    let threadId: string;
    let replyId: string;
    let answerer: GraphqlClient;

    const rerender = (dryRun: boolean): Promise<RerenderCounts> =>
      rerenderStoredHtml(t.dataSource, {
        dryRun,
        batchSize: 3,
        renderableAssets: (manager, ids) => t.app.get(ArticleAssetsService).renderable(manager, ids),
        imageHosts: t.config.forum.imageHosts,
      });

    /** What an old sanitizer left behind: an `onerror` handler, stored in the published revision and the reply. */
    const makeStale = async (): Promise<void> => {
      await t.dataSource.query(
        `UPDATE article_revisions SET body_html = $2 WHERE id = (SELECT published_revision_id FROM article_locales WHERE article_id = $1 AND locale = 'en')`,
        [articleId, STALE_ARTICLE_HTML],
      );
      await t.dataSource.query(`UPDATE post_revisions SET body_html = $2 WHERE post_id = $1`, [replyId, STALE_POST_HTML]);
      await t.dataSource.query(`UPDATE posts SET body_html = $2 WHERE id = $1`, [replyId, STALE_POST_HTML]);
    };

    const storedHtml = async (): Promise<{ article: string; postRevision: string; post: string }> => {
      const [article] = await t.dataSource.query(
        `SELECT r.body_html FROM article_locales l JOIN article_revisions r ON r.id = l.published_revision_id WHERE l.article_id = $1 AND l.locale = 'en'`,
        [articleId],
      );
      const [revision] = await t.dataSource.query(`SELECT body_html FROM post_revisions WHERE post_id = $1`, [replyId]);
      const [post] = await t.dataSource.query(`SELECT body_html FROM posts WHERE id = $1`, [replyId]);
      return { article: article.body_html, postRevision: revision.body_html, post: post.body_html };
    };

    const delivered = async (): Promise<{ article: string; reply: string }> => {
      const article = await t.http().get('/graphql').query({ query: `{ article(slug: "${articleSlug}") { bodyHtml } }` });
      const thread = await t.http().get('/graphql').query({ query: `{ thread(id: "${threadId}") { posts(first: 10) { edges { node { id bodyHtml } } } } }` });
      const reply = thread.body.data.thread.posts.edges.find((e: { node: { id: string } }) => e.node.id === replyId).node;
      return { article: article.body.data.article.bodyHtml, reply: reply.bodyHtml };
    };

    beforeAll(async () => {
      const category = await kb.category('Rerender');
      // More revisions than one batch holds (batchSize 3): the keyset pagination goes on past the first batch.
      for (let i = 1; i <= 3; i++) await kb.published(category.id, { title: `Rerender neighbour ${i}`, bodyMarkdown: `Neighbour **${i}**.` });
      const article = await kb.published(category.id, { title: 'Rerendered article', bodyMarkdown: ARTICLE_MARKDOWN });
      articleId = article.id;
      articleSlug = localeOf(article).slug;
      const board = await forum.board({ name: 'Rerender board' });
      const asker = await member('Rerender asker');
      const thread = await forum.thread(asker, board.id, { title: 'A question whose reply goes stale' });
      threadId = thread.id;
      answerer = await member('Rerender answerer');
      replyId = (await forum.reply(answerer, thread.id, REPLY_MARKDOWN)).id;
      // Everything stored so far was rendered by today's renderer: nothing to change.
      const clean = await rerender(false);
      for (const kind of ['articleRevisions', 'postRevisions', 'posts'] as const) expect([kind, clean[kind].changed]).toEqual([kind, 0]);
    });

    it('counts without writing on --dry-run, then fixes the stale rows only, enqueues their reindexing, and delivery serves the fixed HTML', async () => {
      await makeStale();
      const expectedArticle = renderMarkdown(ARTICLE_MARKDOWN).html;
      const expectedReply = renderPost(REPLY_MARKDOWN, { imageHosts: t.config.forum.imageHosts }).html;

      const dry = await rerender(true);
      expect(dry).toMatchObject({ articleRevisions: { changed: 1 }, postRevisions: { changed: 1 }, posts: { changed: 1 } });
      expect(await storedHtml()).toEqual({ article: STALE_ARTICLE_HTML, postRevision: STALE_POST_HTML, post: STALE_POST_HTML });

      await t.dataSource.query('DELETE FROM search_outbox');
      const counts = await rerender(false);
      expect(counts.articleRevisions).toEqual({ scanned: dry.articleRevisions.scanned, changed: 1 });
      expect(counts.postRevisions).toEqual({ scanned: dry.postRevisions.scanned, changed: 1 });
      expect(counts.posts).toEqual({ scanned: dry.posts.scanned, changed: 1 });
      expect(counts.articleRevisions.scanned).toBeGreaterThan(3); // more than one batch
      expect(await storedHtml()).toEqual({ article: expectedArticle, postRevision: expectedReply, post: expectedReply });
      // The published article goes back to the search index through the outbox (the reply is not the question).
      const outbox: { kind: string; source_id: string }[] = await t.dataSource.query('SELECT kind, source_id FROM search_outbox');
      expect(outbox).toEqual([{ kind: 'article', source_id: articleId }]);

      await eventually(async () => {
        const served = await delivered();
        expect(served).toEqual({ article: expectedArticle, reply: expectedReply });
      });

      // Idempotent: a second run changes nothing.
      const again = await rerender(false);
      for (const kind of ['articleRevisions', 'postRevisions', 'posts'] as const) expect([kind, again[kind].changed]).toEqual([kind, 0]);
    });

    it('runs safely beside edits: a post edited while the command runs keeps the edit, and every stored HTML is the rendering of its Markdown', async () => {
      const board = await forum.board({ name: 'Rerender race board' });
      const author = await member('Rerender racer');
      const thread = await forum.thread(author, board.id, { title: 'A question edited during a rerender' });
      const replies: string[] = [];
      for (let i = 0; i < 8; i++) replies.push((await forum.reply(author, thread.id, `Reply ${i} before the edit.`)).id);
      const stale = [thread.question.id, ...replies];
      await t.dataSource.query(`UPDATE posts SET body_html = $2 WHERE id = ANY($1::uuid[])`, [stale, STALE_POST_HTML]);
      await t.dataSource.query(`UPDATE post_revisions SET body_html = $2 WHERE post_id = ANY($1::uuid[])`, [stale, STALE_POST_HTML]);

      const edits = stale.map((postId, i) => author.send(EDIT, { input: { postId, baseRevisionNumber: 1, bodyMarkdown: `Edited ${i} during the rerender: <b onmouseover="x()">bold</b>` } }));
      const [counts, ...edited] = await Promise.all([rerender(false), ...edits]);
      for (const res of edited) expect(res.errors).toBeUndefined();
      expect(counts.posts.changed).toBeLessThanOrEqual(stale.length);

      const policy = { imageHosts: t.config.forum.imageHosts };
      const posts: { id: string; revision_number: number; body_markdown: string; body_html: string; body_text: string }[] = await t.dataSource.query(
        `SELECT id, revision_number, body_markdown, body_html, body_text FROM posts WHERE id = ANY($1::uuid[])`,
        [stale],
      );
      for (const post of posts) {
        expect(post.revision_number).toBe(2);
        expect(post.body_markdown).toMatch(/^Edited \d during the rerender/);
        expect({ id: post.id, html: post.body_html, text: post.body_text }).toEqual({ id: post.id, ...(({ html, plainText }) => ({ html, text: plainText }))(renderPost(post.body_markdown, policy)) });
      }
      // The history: the first revisions are fixed (by this run or the next), the edits were rendered fresh.
      await rerender(false);
      const revisions: { body_markdown: string; body_html: string }[] = await t.dataSource.query(`SELECT body_markdown, body_html FROM post_revisions WHERE post_id = ANY($1::uuid[])`, [stale]);
      expect(revisions).toHaveLength(stale.length * 2);
      for (const revision of revisions) expect(revision.body_html).toBe(renderPost(revision.body_markdown, policy).html);
    });

    it('runs as a command: --dry-run prints the counts, a run fixes the rows, unknown options are usage errors', async () => {
      await makeStale();
      const env = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: t.databaseUrl };

      const dry = await runEntry('src/cli/main.ts', ['rerender', '--dry-run'], env);
      expect(dry).toMatchObject({ code: 0 });
      expect(dry.stdout).toContain('Dry run: nothing was written');
      expect(dry.stdout).toMatch(/article revisions: \d+ scanned, 1 to change/);
      expect(dry.stdout).toMatch(/post revisions: \d+ scanned, 1 to change/);
      expect((await storedHtml()).article).toBe(STALE_ARTICLE_HTML);

      const run = await runEntry('src/cli/main.ts', ['rerender'], env);
      expect(run).toMatchObject({ code: 0 });
      expect(run.stdout).toMatch(/article revisions: \d+ scanned, 1 changed/);
      expect(run.stdout).toMatch(/posts \(current text\): \d+ scanned, 1 changed/);
      const stored = await storedHtml();
      expect(stored.article).not.toContain('onerror');
      expect(stored.post).not.toContain('onerror');
      await eventually(async () => {
        const served = await delivered();
        expect(served.article).not.toContain('onerror');
        expect(served.reply).not.toContain('onerror');
      });

      const usage = await runEntry('src/cli/main.ts', ['rerender', '--force'], env);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('Usage: npm run cli');
    }, PROCESS_TIMEOUT_MS);
  });
});
