import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SearchDocument, SearchQuery } from '../search-engine';
import { MeilisearchEngine } from './meilisearch-engine';
import { HIGHLIGHT_POST, HIGHLIGHT_PRE } from './meilisearch-query';

/** What the stub was sent. */
interface Received {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
}

type Outcome = { status: 'succeeded' } | { status: 'failed'; message: string; code: string };

/**
 * A few Meilisearch endpoints over real HTTP, for the real client: each route answers from its handler,
 * enqueued tasks are finished at once and served by GET /tasks/:uid, anything else is a 404.
 */
class MeilisearchStub {
  readonly received: Received[] = [];
  private readonly routes: { method: string; path: string | RegExp; reply: (request: Received) => Reply }[] = [];
  private readonly tasks = new Map<number, object>();
  private server: Server | null = null;

  route(method: string, path: string | RegExp, reply: (request: Received) => Reply): void {
    this.routes.push({ method, path, reply });
  }

  /** Answers like an enqueued task whose final state is `outcome`. */
  task(type: string, outcome: Outcome = { status: 'succeeded' }): (request: Received) => Reply {
    return (request) => {
      const uid = this.tasks.size;
      const indexUid = request.path.split('/')[2] ?? null;
      const error =
        outcome.status === 'failed'
          ? { message: outcome.message, code: outcome.code, type: 'invalid_request', link: 'https://docs.meilisearch.com/errors' }
          : null;
      this.tasks.set(uid, { uid, indexUid, status: outcome.status, type, error, batchUid: uid, canceledBy: null, duration: 'PT0S' });
      return { status: 202, body: { taskUid: uid, indexUid, status: 'enqueued', type, enqueuedAt: new Date().toISOString() } };
    };
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void readBody(request).then((text) => {
        const url = new URL(request.url ?? '/', 'http://stub');
        const received: Received = {
          method: request.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
        };
        this.received.push(received);
        const reply = this.answer(received);
        response.writeHead(reply.status, { 'content-type': 'application/json' });
        response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The requests, tasks polling left out. */
  calls(): string[] {
    return this.received.filter((r) => !r.path.startsWith('/tasks/')).map((r) => `${r.method} ${r.path}`);
  }

  private answer(request: Received): Reply {
    const taskMatch = /^\/tasks\/(\d+)$/.exec(request.path);
    if (request.method === 'GET' && taskMatch) {
      const task = this.tasks.get(Number(taskMatch[1]));
      if (task) return { status: 200, body: task };
    }
    const route = this.routes.find(
      (r) => r.method === request.method && (typeof r.path === 'string' ? r.path === request.path : r.path.test(request.path)),
    );
    if (route) return route.reply(request);
    const index = /^\/indexes\/([^/]+)/.exec(request.path)?.[1];
    return {
      status: 404,
      body: {
        message: index ? `Index \`${index}\` not found.` : 'Not found.',
        code: index ? 'index_not_found' : 'not_found',
        type: 'invalid_request',
        link: 'https://docs.meilisearch.com/errors',
      },
    };
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

const LIVE = '/indexes/evergreen_documents';
const INDEX_INFO = { uid: 'evergreen_documents', primaryKey: 'key', createdAt: '2024-01-01T00:00:00Z', updatedAt: '2024-01-01T00:00:00Z' };

function document(overrides: Partial<SearchDocument> = {}): SearchDocument {
  return {
    kind: 'article',
    id: '3f2a7c1e-1d2b-4c5d-8e9f-0a1b2c3d4e5f',
    locale: 'en',
    version: 2,
    visibility: 'public',
    status: 'published',
    title: 'Download invoices',
    headings: [],
    body: 'Open Billing.',
    slug: 'download-invoices',
    categoryIds: ['c1'],
    productKeys: [],
    tags: [],
    solved: null,
    updatedAt: new Date('2024-05-01T10:00:00Z'),
    publishedAt: new Date('2024-04-01T10:00:00Z'),
    ...overrides,
  };
}

describe('MeilisearchEngine over HTTP', () => {
  let stub: MeilisearchStub;
  let engine: MeilisearchEngine;

  beforeEach(async () => {
    stub = new MeilisearchStub();
    const host = await stub.start();
    engine = new MeilisearchEngine({ host, apiKey: 'test-key', indexPrefix: 'evergreen', taskPollMs: 1, locales: ['en', 'zh-CN'] });
  });

  afterEach(async () => {
    await engine.close();
    await stub.stop();
  });

  it('upserts only newer versions and throws Meilisearch\'s message when the task failed', async () => {
    const stale = document({ version: 2 });
    const fresh = document({ locale: 'de', version: 1 });
    stub.route('GET', LIVE, () => ({ status: 200, body: INDEX_INFO }));
    stub.route('POST', `${LIVE}/documents/fetch`, () => ({
      status: 200,
      body: { results: [{ key: `article__${stale.id}__en`, version: 2 }], offset: 0, limit: 2, total: 1 },
    }));
    stub.route(
      'POST',
      `${LIVE}/documents`,
      stub.task('documentAdditionOrUpdate', {
        status: 'failed',
        message: 'The `key` field is missing from a document.',
        code: 'missing_document_id',
      }),
    );

    await expect(engine.upsert([stale, fresh])).rejects.toThrow('The `key` field is missing from a document.');

    const lookup = stub.received.find((r) => r.path === `${LIVE}/documents/fetch`);
    expect(lookup?.body).toEqual({
      filter: `key IN ["article__${stale.id}__en", "article__${fresh.id}__de"]`,
      fields: ['key', 'version'],
      limit: 2,
    });
    const added = stub.received.find((r) => r.method === 'POST' && r.path === `${LIVE}/documents`);
    expect(added?.body).toEqual([expect.objectContaining({ key: `article__${fresh.id}__de`, version: 1, publishedAt: Date.parse('2024-04-01T10:00:00Z') })]);
    expect(stub.received.some((r) => r.path.startsWith('/tasks/'))).toBe(true);
  });

  it('sends nothing when every document of the batch is already indexed', async () => {
    stub.route('GET', LIVE, () => ({ status: 200, body: INDEX_INFO }));
    stub.route('POST', `${LIVE}/documents/fetch`, () => ({
      status: 200,
      body: { results: [{ key: `article__${document().id}__en`, version: 7 }], offset: 0, limit: 1, total: 1 },
    }));

    await engine.upsert([document({ version: 7 })]);

    expect(stub.calls()).toEqual([`GET ${LIVE}`, `POST ${LIVE}/documents/fetch`]);
  });

  it('creates a missing index before the first write, keeping the editors\' words untouched', async () => {
    stub.route('POST', '/indexes', stub.task('indexCreation'));
    stub.route('PATCH', `${LIVE}/settings`, stub.task('settingsUpdate'));
    stub.route('POST', `${LIVE}/documents/fetch`, () => ({ status: 200, body: { results: [], offset: 0, limit: 1, total: 0 } }));
    stub.route('POST', `${LIVE}/documents`, stub.task('documentAdditionOrUpdate'));

    await engine.upsert([document()]);

    expect(stub.calls()).toEqual([`GET ${LIVE}`, 'POST /indexes', `PATCH ${LIVE}/settings`, `POST ${LIVE}/documents/fetch`, `POST ${LIVE}/documents`]);
    const settings = stub.received.find((r) => r.method === 'PATCH')?.body;
    expect(settings).toEqual(expect.objectContaining({ filterableAttributes: expect.arrayContaining(['key']) }));
    expect(settings).not.toHaveProperty('synonyms');
    expect(settings).not.toHaveProperty('stopWords');
  });

  it('removes by key and treats a missing index as nothing to remove', async () => {
    stub.route('GET', LIVE, () => ({ status: 200, body: INDEX_INFO }));
    stub.route(
      'POST',
      `${LIVE}/documents/delete-batch`,
      stub.task('documentDeletion', { status: 'failed', message: 'Index `evergreen_documents` not found.', code: 'index_not_found' }),
    );

    await engine.remove([document()]);

    expect(stub.received.find((r) => r.path.endsWith('/delete-batch'))?.body).toEqual([`article__${document().id}__en`]);
  });

  it('creates a missing index, applies the settings and throws when the settings task failed', async () => {
    stub.route('POST', '/indexes', stub.task('indexCreation'));
    stub.route(
      'PATCH',
      `${LIVE}/settings`,
      stub.task('settingsUpdate', { status: 'failed', message: 'Invalid ranking rule `foo`.', code: 'invalid_settings_ranking_rules' }),
    );

    await expect(engine.applySettings({ synonyms: { en: [['invoice', 'bill']] }, stopWords: { en: ['the'] } })).rejects.toThrow(
      'Invalid ranking rule `foo`.',
    );

    expect(stub.calls()).toEqual([`GET ${LIVE}`, 'POST /indexes', `PATCH ${LIVE}/settings`]);
    expect(stub.received.find((r) => r.path === '/indexes')?.body).toEqual({ uid: 'evergreen_documents', primaryKey: 'key' });
    expect(stub.received.find((r) => r.method === 'PATCH')?.body).toEqual(
      expect.objectContaining({
        searchableAttributes: ['title', 'headings', 'body'],
        synonyms: { bill: ['invoice'], invoice: ['bill'] },
        stopWords: ['the'],
        localizedAttributes: [{ attributePatterns: ['title', 'headings', 'body'], locales: ['cmn', 'eng'] }],
      }),
    );
  });

  it('sends the translated search and maps the answer', async () => {
    stub.route('POST', `${LIVE}/search`, () => ({
      status: 200,
      body: {
        hits: [
          {
            key: 'article__a1__en',
            kind: 'article',
            id: 'a1',
            locale: 'en',
            title: 'Invoices <script>',
            slug: 'invoices',
            categoryIds: ['c1'],
            productKeys: [],
            tags: ['billing'],
            status: 'published',
            publishedAt: 1_711_965_600_000,
            _formatted: { title: `${HIGHLIGHT_PRE}Invoices${HIGHLIGHT_POST} <script>`, body: `Get your ${HIGHLIGHT_PRE}invoice${HIGHLIGHT_POST}…` },
            _rankingScore: 0.9,
          },
        ],
        query: 'invoice',
        processingTimeMs: 1,
        offset: 20,
        limit: 10,
        estimatedTotalHits: 31,
        facetDistribution: { tags: { billing: 3, account: 5 } },
      },
    }));
    const query: SearchQuery = {
      text: 'invoice "x"',
      audience: 'public',
      filters: { categoryIds: ['c1'], tags: ['a"b\\c'] },
      facets: ['tag'],
      offset: 20,
      limit: 10,
      matching: 'any',
      highlight: { preTag: '<em>', postTag: '</em>' },
    };

    const page = await engine.search(query);

    const sent = stub.received.find((r) => r.path === `${LIVE}/search`);
    expect(sent?.body).toEqual({
      q: 'invoice x',
      filter: ['visibility = "public"', 'categoryIds IN ["c1"]', 'tags IN ["a\\"b\\\\c"]'],
      facets: ['tags'],
      offset: 20,
      limit: 10,
      matchingStrategy: 'frequency',
      attributesToRetrieve: ['key', 'kind', 'id', 'locale', 'title', 'slug', 'categoryIds', 'productKeys', 'tags', 'status', 'publishedAt'],
      attributesToHighlight: ['title'],
      attributesToCrop: ['body'],
      cropLength: 30,
      cropMarker: '…',
      highlightPreTag: '\u0002',
      highlightPostTag: '\u0003',
      showRankingScore: true,
    });
    expect(page).toEqual({
      hits: [
        expect.objectContaining({
          id: 'a1',
          highlightedTitle: '<em>Invoices</em> &lt;script&gt;',
          snippet: 'Get your <em>invoice</em>…',
          score: 0.9,
          publishedAt: new Date(1_711_965_600_000),
        }),
      ],
      total: 31,
      facets: { tag: [{ value: 'account', count: 5 }, { value: 'billing', count: 3 }] },
      totalIsEstimate: false,
      correctedText: null,
      didYouMean: null,
    });
  });

  it('finds nothing, without an error, before the index exists', async () => {
    const page = await engine.search({
      text: 'x', audience: 'staff', filters: {}, facets: ['kind'], offset: 0, limit: 5, matching: 'all', highlight: { preTag: '<b>', postTag: '</b>' },
    });
    expect(page).toEqual({ hits: [], total: 0, totalIsEstimate: false, facets: { kind: [] }, correctedText: null, didYouMean: null });
  });

  it('pages through the indexed versions by offset, ordered by key', async () => {
    stub.route('GET', `${LIVE}/documents`, () => ({
      status: 200,
      body: {
        results: [
          { key: 'article__a1__en', kind: 'article', id: 'a1', locale: 'en', version: 4, status: 'draft', visibility: 'staff', updatedAt: 1_714_557_600_000 },
        ],
        offset: 1,
        limit: 1,
        total: 3,
      },
    }));

    const page = await engine.versions('1', 1);

    expect(page).toEqual({
      versions: [{ kind: 'article', id: 'a1', locale: 'en', version: 4, status: 'draft', visibility: 'staff', updatedAt: new Date(1_714_557_600_000) }],
      next: '2',
    });
    expect(stub.received[0].query).toEqual({
      fields: 'key,kind,id,locale,version,status,visibility,updatedAt',
      sort: 'key:asc',
      offset: '1',
      limit: '1',
    });
  });

  it('rebuilds into a fresh index, swaps it with the live one and deletes the old documents', async () => {
    const rebuild = /^\/indexes\/evergreen_documents_rebuild_\d+$/;
    stub.route('GET', LIVE, () => ({ status: 200, body: INDEX_INFO }));
    stub.route('GET', `${LIVE}/settings`, () => ({ status: 200, body: { synonyms: { a: ['b'] }, stopWords: ['the'] } }));
    stub.route('POST', '/indexes', stub.task('indexCreation'));
    stub.route('PATCH', /^\/indexes\/evergreen_documents_rebuild_\d+\/settings$/, stub.task('settingsUpdate'));
    stub.route('POST', /^\/indexes\/evergreen_documents_rebuild_\d+\/documents$/, stub.task('documentAdditionOrUpdate'));
    stub.route('POST', '/swap-indexes', stub.task('indexSwap'));
    stub.route('DELETE', rebuild, stub.task('indexDeletion'));

    const job = await engine.startRebuild();
    await job.upsert([document()]);
    await job.commit();

    const uid = (stub.received.find((r) => r.path === '/indexes')?.body as { uid: string }).uid;
    expect(uid).toMatch(/^evergreen_documents_rebuild_\d+$/);
    expect(stub.calls()).toEqual([
      `GET ${LIVE}/settings`,
      `GET /indexes/${uid}`,
      'POST /indexes',
      `PATCH /indexes/${uid}/settings`,
      `POST /indexes/${uid}/documents`,
      `GET ${LIVE}`,
      'POST /swap-indexes',
      `DELETE /indexes/${uid}`,
    ]);
    expect(stub.received.find((r) => r.path === `/indexes/${uid}/settings`)?.body).toEqual(
      expect.objectContaining({ synonyms: { a: ['b'] }, stopWords: ['the'], filterableAttributes: expect.arrayContaining(['key']) }),
    );
    expect(stub.received.find((r) => r.path === '/swap-indexes')?.body).toEqual([
      { indexes: ['evergreen_documents', uid], rename: false },
    ]);
    await expect(job.upsert([document()])).rejects.toThrow('already committed or aborted');
  });

  it('reports up when Meilisearch is available', async () => {
    stub.route('GET', '/health', () => ({ status: 200, body: { status: 'available' } }));
    await expect(engine.health()).resolves.toEqual({ up: true });
  });

  it('reports down, without throwing, when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = new MeilisearchEngine({ host: `http://127.0.0.1:${port}`, indexPrefix: 'evergreen' });

    const health = await down.health();

    expect(health.up).toBe(false);
    expect(health.detail).toMatch(/ECONNREFUSED/);
    await down.close();
  });
});
