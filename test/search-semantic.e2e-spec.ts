/**
 * The semantic rerank of search results (docs/search.md, "Semantic rerank"; decision 0030) against real
 * PostgreSQL and the real bundled sentence encoder: titles recorded by the indexing worker, vectors written by
 * the search-embeddings job's `embedAllPending`, queries embedded while the engine searches.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SentenceEncoder } from '../src/common/sentence-encoder/sentence-encoder';
import { IndexingWorker } from '../src/search/indexing-worker';
import { SearchVectors } from '../src/search/search-vectors';
import { SEMANTIC_RERANK } from '../src/search/semantic-rerank';
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';

const SEARCH = `query ($input: SearchInput!) { search(input: $input) { total hits { title position score } } }`;
const SUGGEST = `query ($input: SuggestArticlesInput!) { suggestArticles(input: $input) { articles { title } } }`;

interface Hit {
  title: string;
  position: number;
  score: number;
}

describe('semantic rerank of search results', () => {
  let t: TestApp;
  let kb: KnowledgeBaseFactory;
  let vectors: SearchVectors;
  let categoryId: string;

  const search = async (text: string, tag: string, extra: Record<string, unknown> = {}): Promise<Hit[]> => {
    const res = await t.delivery().send(SEARCH, { input: { locale: 'en', text, filters: { tags: [tag] }, ...extra } });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.search.hits as Hit[];
  };
  const indexAndEmbed = async (): Promise<void> => {
    await t.app.get(IndexingWorker).drain();
    await vectors.embedAllPending(60_000);
  };
  const stored = async (title: string): Promise<{ text: string; embedded: boolean }[]> =>
    t.dataSource.query(`SELECT text, vector IS NOT NULL AS embedded FROM search_vectors WHERE text = $1`, [title]);

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    vectors = t.app.get(SearchVectors);
    kb = new KnowledgeBaseFactory(t.admin(await t.login(await t.createUser({ role: Role.Editor }))));
    categoryId = (await kb.category('Devices')).id;
  }, 60_000);
  afterAll(() => t?.close());

  it('puts the title that means what the query asks above an equal word match', async () => {
    // Both titles share only "laptop" with the query and are as long: the engine ties them and shows the newer first.
    await kb.published(categoryId, { title: 'Laptop battery dead', bodyMarkdown: 'Read this page.', tags: ['power'] });
    await kb.published(categoryId, { title: 'Laptop sticker designs', bodyMarkdown: 'Read this page.', tags: ['power'] });
    await t.app.get(IndexingWorker).drain();
    const lexical = await search('laptop without power', 'power');
    expect(lexical.map((hit) => hit.title)).toEqual(['Laptop sticker designs', 'Laptop battery dead']);

    expect(await vectors.embedAllPending(60_000)).toBe(2);
    const reranked = await search('laptop without power', 'power');
    expect(reranked.map((hit) => hit.title)).toEqual(['Laptop battery dead', 'Laptop sticker designs']);
    expect(reranked.map((hit) => hit.position)).toEqual([1, 2]);
    expect(reranked[0].score).toBeGreaterThan(reranked[1].score);
    expect(reranked[1].score).toBeGreaterThanOrEqual(lexical[0].score);

    const suggested = await t.delivery().send(SUGGEST, { input: { locale: 'en', text: 'My laptop is without power since this morning', includeSolvedThreads: false } });
    expect(suggested.data!.suggestArticles.articles.map((hit: Hit) => hit.title)).toEqual(['Laptop battery dead', 'Laptop sticker designs']);
  }, 120_000);

  it('pages through the reranked window and beyond it without showing a hit twice or skipping one', async () => {
    const count = SEMANTIC_RERANK.depth + 6;
    for (let i = 0; i < count; i += 1) {
      await kb.published(categoryId, { title: i % 2 === 0 ? `Printer jam number ${i}` : `Printer paper stuck ${i}`, bodyMarkdown: 'Printer help.', tags: ['printers'] });
    }
    await indexAndEmbed();
    const all = await search('printer paper jammed', 'printers', { pageSize: 50 });
    expect(all).toHaveLength(count);
    const paged: string[] = [];
    for (let page = 1; page <= 5; page += 1) paged.push(...(await search('printer paper jammed', 'printers', { page, pageSize: 8 })).map((hit) => hit.title));
    expect(paged).toEqual(all.map((hit) => hit.title));
    expect(new Set(paged).size).toBe(count);
  }, 180_000);

  it('records English titles only, resets a vector when its title changes and forgets removed documents', async () => {
    const article = await kb.published(categoryId, { title: 'Keyboard keys sticking', bodyMarkdown: 'Clean the keys.', tags: ['keys'] });
    const german = await kb.published(categoryId, { title: 'Tastatur klemmt', bodyMarkdown: 'Tasten reinigen.', tags: ['keys'], locale: 'de' });
    await indexAndEmbed();
    expect(await stored('Keyboard keys sticking')).toEqual([{ text: 'Keyboard keys sticking', embedded: true }]);
    expect(await stored('Tastatur klemmt')).toEqual([]);
    expect(german.id).toBeTruthy();

    await kb.publish(await kb.save(article, 'en', { title: 'Keyboard keys stuck', bodyMarkdown: 'Clean the keys.' }));
    await t.app.get(IndexingWorker).drain();
    const [row] = await t.dataSource.query(`SELECT text, vector IS NOT NULL AS embedded FROM search_vectors WHERE id = $1`, [article.id]);
    expect(row).toEqual({ text: 'Keyboard keys stuck', embedded: false });
    await vectors.embedAllPending(60_000);
    expect(await stored('Keyboard keys stuck')).toEqual([{ text: 'Keyboard keys stuck', embedded: true }]);

    await kb.deleted(article);
    await t.app.get(IndexingWorker).drain();
    expect(await t.dataSource.query(`SELECT 1 FROM search_vectors WHERE id = $1`, [article.id])).toEqual([]);
  }, 120_000);

  it('embeds hostile and long query texts without failing the search', async () => {
    await kb.published(categoryId, { title: 'Webcam not detected', bodyMarkdown: 'Check the webcam cable.', tags: ['cams'] });
    await indexAndEmbed();
    const texts = ['webcam '.repeat(1400), 'webcam 😀😀 ✓ ∑', 'webcam ウェブカメラ 摄像头', 'webcam <script>alert(1)</script>', 'webcam not detected ' + 'x'.repeat(9000), '"webcam" "not detected"'];
    for (const text of texts) {
      const res = await t.delivery().send(SEARCH, { input: { locale: 'en', text, filters: { tags: ['cams'] } } });
      expect([text.slice(0, 20), res.errors, res.data?.search.hits[0]?.title]).toEqual([text.slice(0, 20), undefined, 'Webcam not detected']);
    }
    const surrogate = await t.delivery().send(SEARCH, { input: { locale: 'en', text: 'webcam \uD800 not detected', filters: { tags: ['cams'] } } });
    expect(surrogate.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  }, 120_000);

  it('leaves no query in the encoder queue after a burst of searches that stopped waiting for their vectors', async () => {
    await kb.published(categoryId, { title: 'Scanner glass dirty', bodyMarkdown: 'Read this page.', tags: ['burst'] });
    await kb.published(categoryId, { title: 'Scanner driver missing', bodyMarkdown: 'Read this page.', tags: ['burst'] });
    await indexAndEmbed();
    const encoder = SentenceEncoder.instance();
    const busy = encoder.embed(Array.from({ length: 64 }, (_, i) => `A long background title to embed, number ${i}, about keyboards and screens`));
    const wait = SEMANTIC_RERANK.queryVectorWaitMs;
    SEMANTIC_RERANK.queryVectorWaitMs = 0;
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => search(`scanner keeps failing today ${i}`, 'burst')));
      for (const hits of answers) expect(hits).toHaveLength(2);
      expect(encoder.queued).toBe(0);
    } finally {
      SEMANTIC_RERANK.queryVectorWaitMs = wait;
    }
    expect(await busy).toHaveLength(64);
  }, 120_000);

  it('answers with the engine order when the query vector is late', async () => {
    await kb.published(categoryId, { title: 'Monitor flicker fix', bodyMarkdown: 'Read this page.', tags: ['screens'] });
    await kb.published(categoryId, { title: 'Monitor stand sizes', bodyMarkdown: 'Read this page.', tags: ['screens'] });
    await indexAndEmbed();
    // The model is busy with a long background batch: the query's vector cannot come in time.
    const busy = SentenceEncoder.instance().embed(Array.from({ length: 64 }, (_, i) => `A long background title to embed, number ${i}, about printers and paper`));
    const wait = SEMANTIC_RERANK.queryVectorWaitMs;
    SEMANTIC_RERANK.queryVectorWaitMs = 0;
    try {
      expect((await search('screen keeps blinking monitor', 'screens')).map((hit) => hit.title)).toEqual(['Monitor stand sizes', 'Monitor flicker fix']);
    } finally {
      SEMANTIC_RERANK.queryVectorWaitMs = wait;
    }
    expect(await busy).toHaveLength(64);
    // That page was not cached: the same search, once the vector comes, is reranked.
    expect((await search('screen keeps blinking monitor', 'screens')).map((hit) => hit.title)).toEqual(['Monitor flicker fix', 'Monitor stand sizes']);
  }, 120_000);
});

describe('semantic rerank turned off (SEARCH_SEMANTIC_RERANK=false)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false' });
  }, 60_000);
  afterAll(() => t?.close());

  it('records titles but embeds nothing and keeps the engine order', async () => {
    const kb = new KnowledgeBaseFactory(t.admin(await t.login(await t.createUser({ role: Role.Editor }))));
    const { id } = await kb.category('Devices');
    await kb.published(id, { title: 'Laptop battery dead', bodyMarkdown: 'Read this page.', tags: ['power'] });
    await kb.published(id, { title: 'Laptop sticker designs', bodyMarkdown: 'Read this page.', tags: ['power'] });
    await t.app.get(IndexingWorker).drain();
    expect(await t.app.get(SearchVectors).embedPending(16)).toBe(0);
    const [{ pending }] = await t.dataSource.query('SELECT count(*)::int AS pending FROM search_vectors WHERE vector IS NULL');
    expect(pending).toBe(2);
    const res = await t.delivery().send(SEARCH, { input: { locale: 'en', text: 'laptop without power', filters: { tags: ['power'] } } });
    expect(res.data!.search.hits.map((hit: Hit) => hit.title)).toEqual(['Laptop sticker designs', 'Laptop battery dead']);
  }, 60_000);
});

describe('npm run cli -- search:embed', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
  }, 60_000);
  afterAll(() => t?.close());

  it('embeds every title still without a vector, then has nothing left to do', async () => {
    const kb = new KnowledgeBaseFactory(t.admin(await t.login(await t.createUser({ role: Role.Editor }))));
    const { id } = await kb.category('Devices');
    for (const title of ['Laptop battery dead', 'Printer paper stuck', 'Webcam not detected']) await kb.published(id, { title, bodyMarkdown: 'Read this page.' });
    await t.app.get(IndexingWorker).drain();
    const cli = (): Promise<{ stdout: string }> =>
      promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', 'search:embed'], {
        cwd: path.join(__dirname, '..'),
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'warn' },
      });
    expect((await cli()).stdout).toMatch(/Embedded 3 title\(s\) in [\d.]+ s\./);
    const [{ embedded, titles }] = await t.dataSource.query('SELECT count(vector)::int AS embedded, count(*)::int AS titles FROM search_vectors');
    expect({ embedded, titles }).toEqual({ embedded: 3, titles: 3 });
    expect((await cli()).stdout).toMatch(/Embedded 0 title\(s\)/);
  }, 180_000);
});
