import { Role } from '../src/users/role.enum';
import { createTestApp, GraphqlResponse, TestApp } from './support/create-test-app';

const PRODUCT_FIELDS = 'id key name createdAt updatedAt';
const RELEASE_FIELDS = `id version releasedAt notesMarkdown source recordedById createdAt
  product { id key name } changes { id position kind summary featureKeys }`;

const CREATE_PRODUCT = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
const UPDATE_PRODUCT = `mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
const PRODUCT = `query ($id: ID, $key: String) { product(id: $id, key: $key) { ${PRODUCT_FIELDS} } }`;
const PRODUCTS = `query ($first: Int, $after: String) {
  products(first: $first, after: $after) { totalCount edges { cursor node { id key name } } pageInfo { hasNextPage endCursor } }
}`;
const RECORD_RELEASE = `mutation ($input: RecordReleaseInput!) { recordRelease(input: $input) { created release { ${RELEASE_FIELDS} } } }`;
const RELEASES = `query ($productId: ID!, $first: Int, $after: String) {
  releases(productId: $productId, first: $first, after: $after) {
    totalCount edges { cursor node { ${RELEASE_FIELDS} } } pageInfo { hasNextPage endCursor }
  }
}`;
const RELEASE = `query ($id: ID!) { release(id: $id) { ${RELEASE_FIELDS} } }`;

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface ReleaseResult {
  id: string;
  version: string;
  releasedAt: string;
  notesMarkdown: string;
  source: string;
  recordedById: string | null;
  product: { id: string; key: string };
  changes: { position: number; kind: string; summary: string; featureKeys: string[] }[];
}

const CHANGES = [
  { kind: 'Removed', summary: 'CSV export of invoices', featureKeys: ['billing.invoices', 'billing.export'] },
  { kind: 'Added', summary: 'PDF receipts', featureKeys: ['billing.receipts'] },
  { kind: 'Fixed', summary: 'Rounding of tax totals' },
];

function releaseInput(productKey: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    productKey,
    version: '2.4.0',
    releasedAt: '2026-03-01T09:30:00.000Z',
    notesMarkdown: '## Billing\n\nCSV export of invoices is gone; use PDF.',
    changes: CHANGES,
    ...overrides,
  };
}

describe('products and releases (admin API)', () => {
  let t: TestApp;
  let adminToken: string;
  let editorToken: string;
  let editorId: string;
  let moderatorToken: string;

  const counts = async (): Promise<{ products: number; releases: number; changes: number }> => {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM products) AS products, (SELECT count(*)::int FROM releases) AS releases,
              (SELECT count(*)::int FROM release_changes) AS changes`,
    );
    return row;
  };

  const createProduct = async (key: string, name = `Product ${key}`): Promise<{ id: string; key: string }> => {
    const res = await t.admin(editorToken).send(CREATE_PRODUCT, { input: { key, name } });
    if (!res.data?.createProduct) throw new Error(`createProduct failed: ${JSON.stringify(res.errors)}`);
    return res.data.createProduct;
  };

  beforeAll(async () => {
    t = await createTestApp();
    adminToken = await t.login(await t.createUser({ role: Role.Admin }));
    const editor = await t.createUser({ role: Role.Editor });
    editorId = editor.user.id;
    editorToken = await t.login(editor);
    moderatorToken = await t.login(await t.createUser({ role: Role.Moderator }));
  });
  afterAll(() => t.close());

  describe('products', () => {
    it('creates a product, finds it by id and by key, and renames it without changing its key', async () => {
      const created = await t.admin(editorToken).send(CREATE_PRODUCT, { input: { key: 'billing', name: '  Billing  ' } });
      expect(created.data?.createProduct).toMatchObject({ key: 'billing', name: 'Billing' });
      const { id } = created.data!.createProduct;

      expect((await t.admin(editorToken).send(PRODUCT, { id })).data?.product).toMatchObject({ id, key: 'billing' });
      expect((await t.admin(editorToken).send(PRODUCT, { key: 'billing' })).data?.product).toMatchObject({ id, name: 'Billing' });

      const renamed = await t.admin(adminToken).send(UPDATE_PRODUCT, { input: { productId: id, name: 'Billing & invoices' } });
      expect(renamed.data?.updateProduct).toMatchObject({ id, key: 'billing', name: 'Billing & invoices' });
      const [row] = await t.dataSource.query('SELECT key, name FROM products WHERE id = $1', [id]);
      expect(row).toEqual({ key: 'billing', name: 'Billing & invoices' });
    });

    it('refuses a key that is taken with CONFLICT PRODUCT_KEY_TAKEN', async () => {
      await createProduct('taken-key');
      const before = await counts();
      const res = await t.admin(editorToken).send(CREATE_PRODUCT, { input: { key: 'taken-key', name: 'Again' } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'PRODUCT_KEY_TAKEN' });
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['an upper-case key', { key: 'Billing', name: 'X' }],
      ['a key starting with a dash', { key: '-billing', name: 'X' }],
      ['a key with a space', { key: 'bill ing', name: 'X' }],
      ['an empty key', { key: '', name: 'X' }],
      ['a key of 65 characters', { key: 'k'.repeat(65), name: 'X' }],
      ['an empty name', { key: 'ok-key', name: '   ' }],
      ['a name of 201 characters', { key: 'ok-key', name: 'n'.repeat(201) }],
      ['an unexpected field', { key: 'ok-key', name: 'X', id: UNKNOWN_ID }],
    ])('refuses to create a product with %s and writes nothing', async (_, input) => {
      const before = await counts();
      const res = await t.admin(editorToken).send(CREATE_PRODUCT, { input });
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(await counts()).toEqual(before);
    });

    it('accepts a key of 64 characters with dots, dashes and underscores', async () => {
      const key = `a1.b-c_${'d'.repeat(57)}`;
      expect(key).toHaveLength(64);
      expect((await createProduct(key)).key).toBe(key);
    });

    it.each([
      ['neither id nor key', {}, 'BAD_USER_INPUT'],
      ['both id and key', { id: UNKNOWN_ID, key: 'billing' }, 'BAD_USER_INPUT'],
      ['an id that is not a UUID', { id: 'billing' }, 'BAD_USER_INPUT'],
      ['an unknown id', { id: UNKNOWN_ID }, 'NOT_FOUND'],
      ['an unknown key', { key: 'no-such-product' }, 'NOT_FOUND'],
    ])('answers product(...) with %s by %s', async (_, variables, code) => {
      const res = await t.admin(editorToken).send(PRODUCT, variables);
      expect(res.errors?.[0].extensions.code).toBe(code);
    });

    it('answers NOT_FOUND when renaming an unknown product', async () => {
      const res = await t.admin(editorToken).send(UPDATE_PRODUCT, { input: { productId: UNKNOWN_ID, name: 'X' } });
      expect(res.errors?.[0].extensions.code).toBe('NOT_FOUND');
    });

    it('pages through products in key order with cursors, and refuses forged cursors', async () => {
      for (const key of ['page-c', 'page-a', 'page-b']) await createProduct(key);
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      do {
        const res: GraphqlResponse = await t.admin(moderatorToken).send(PRODUCTS, { first: 2, after });
        const page = res.data!.products;
        total = page.totalCount;
        seen.push(...page.edges.map((e: { node: { key: string } }) => e.node.key));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toHaveLength(total);
      expect(seen).toEqual([...seen].sort());
      expect(seen).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));

      const forged = Buffer.from(JSON.stringify(["x' OR 1=1 --"])).toString('base64url');
      for (const cursor of ['garbage', forged]) {
        expect((await t.admin(editorToken).send(PRODUCTS, { first: 2, after: cursor })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      }
    });
  });

  describe('recordRelease', () => {
    let product: { id: string; key: string };

    beforeAll(async () => {
      product = await createProduct('invoicing');
    });

    it('records a release with its change entries in order, by product key', async () => {
      const before = await counts();
      const res = await t.admin(editorToken).send(RECORD_RELEASE, { input: releaseInput('invoicing') });
      expect(res.errors).toBeUndefined();
      const { created, release } = res.data!.recordRelease as { created: boolean; release: ReleaseResult };
      expect(created).toBe(true);
      expect(release).toMatchObject({
        version: '2.4.0',
        releasedAt: '2026-03-01T09:30:00.000Z',
        notesMarkdown: '## Billing\n\nCSV export of invoices is gone; use PDF.',
        source: 'Admin',
        recordedById: editorId,
        product: { id: product.id, key: 'invoicing' },
        changes: [
          { position: 0, kind: 'Removed', summary: 'CSV export of invoices', featureKeys: ['billing.invoices', 'billing.export'] },
          { position: 1, kind: 'Added', summary: 'PDF receipts', featureKeys: ['billing.receipts'] },
          { position: 2, kind: 'Fixed', summary: 'Rounding of tax totals', featureKeys: [] },
        ],
      });
      expect(await counts()).toEqual({ ...before, releases: before.releases + 1, changes: before.changes + 3 });

      const stored = await t.admin(moderatorToken).send(RELEASE, { id: release.id });
      expect(stored.data?.release).toEqual(release);
    });

    it('returns the stored release with created: false when the same content is recorded again, by id or key', async () => {
      const first = await t.admin(editorToken).send(RECORD_RELEASE, { input: releaseInput('invoicing', { version: '2.5.0' }) });
      const before = await counts();
      const { productKey: _, ...byId } = releaseInput('invoicing', { version: '2.5.0', productId: product.id });
      for (const input of [releaseInput('invoicing', { version: '2.5.0' }), byId]) {
        const again = await t.admin(adminToken).send(RECORD_RELEASE, { input });
        expect(again.data?.recordRelease).toEqual({ created: false, release: first.data!.recordRelease.release });
      }
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['a different summary', { changes: [{ kind: 'Removed', summary: 'CSV export of all invoices' }] }],
      ['a different date', { releasedAt: '2026-03-02T09:30:00.000Z' }],
      ['different notes', { notesMarkdown: 'Other notes' }],
      ['one change fewer', { changes: CHANGES.slice(0, 2) }],
      ['the changes reordered', { changes: [...CHANGES].reverse() }],
    ])('refuses the same version with %s as CONFLICT RELEASE_EXISTS and changes nothing', async (name, overrides) => {
      const version = `3.0.0-${name.replace(/\W+/g, '-')}`;
      const first = await t.admin(editorToken).send(RECORD_RELEASE, { input: releaseInput('invoicing', { version }) });
      const original = first.data!.recordRelease.release as ReleaseResult;
      const before = await counts();

      const res = await t.admin(editorToken).send(RECORD_RELEASE, { input: releaseInput('invoicing', { version, ...overrides }) });

      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'RELEASE_EXISTS', releaseId: original.id });
      expect(await counts()).toEqual(before);
      expect((await t.admin(editorToken).send(RELEASE, { id: original.id })).data?.release).toEqual(original);
    });

    it('stores one release when identical requests race each other', async () => {
      const before = await counts();
      const input = releaseInput('invoicing', { version: '4.0.0' });
      const results = await Promise.all(Array.from({ length: 4 }, () => t.admin(editorToken).send(RECORD_RELEASE, { input })));
      expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined, undefined]);
      expect(results.filter((r) => r.data!.recordRelease.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.data!.recordRelease.release.id)).size).toBe(1);
      expect(await counts()).toEqual({ ...before, releases: before.releases + 1, changes: before.changes + 3 });
    });

    it('records a release without notes or changes', async () => {
      const res = await t.admin(editorToken).send(RECORD_RELEASE, {
        input: { productId: product.id, version: 'v5 (build 77)', releasedAt: '2026-04-01T00:00:00Z' },
      });
      expect(res.data?.recordRelease).toMatchObject({ created: true, release: { version: 'v5 (build 77)', notesMarkdown: '', changes: [] } });
    });

    const change = { kind: 'Changed', summary: 'Something' };
    it.each<[string, Record<string, unknown>, string]>([
      ['neither productId nor productKey', { productKey: null }, 'BAD_USER_INPUT'],
      ['both productId and productKey', { productId: UNKNOWN_ID }, 'BAD_USER_INPUT'],
      ['an unknown product key', { productKey: 'no-such-product' }, 'NOT_FOUND'],
      ['an empty version', { version: '  ' }, 'BAD_USER_INPUT'],
      ['a version of 65 characters', { version: '1'.repeat(65) }, 'BAD_USER_INPUT'],
      ['a version with a control character', { version: '1.0\u0000' }, 'BAD_USER_INPUT'],
      ['a date that is not one', { releasedAt: 'yesterday' }, 'BAD_USER_INPUT'],
      ['notes over 200 KiB', { notesMarkdown: 'é'.repeat(102_401) }, 'BAD_USER_INPUT'],
      ['501 changes', { changes: Array.from({ length: 501 }, () => change) }, 'BAD_USER_INPUT'],
      ['an unknown kind', { changes: [{ ...change, kind: 'Renamed' }] }, 'BAD_USER_INPUT'],
      ['an empty summary', { changes: [{ ...change, summary: ' ' }] }, 'BAD_USER_INPUT'],
      ['a summary of 2001 characters', { changes: [{ ...change, summary: 's'.repeat(2001) }] }, 'BAD_USER_INPUT'],
      ['a malformed feature key', { changes: [{ ...change, featureKeys: ['Billing Invoices'] }] }, 'BAD_USER_INPUT'],
      ['51 feature keys', { changes: [{ ...change, featureKeys: Array.from({ length: 51 }, (_, i) => `f${i}`) }] }, 'BAD_USER_INPUT'],
      ['an unexpected field in a change', { changes: [{ ...change, severity: 1 }] }, 'BAD_USER_INPUT'],
    ])('refuses a release with %s and writes nothing', async (_, overrides, code) => {
      const before = await counts();
      const res = await t.admin(editorToken).send(RECORD_RELEASE, { input: releaseInput('invoicing', { version: '9.9.9', ...overrides }) });
      expect(res.errors?.[0].extensions.code).toBe(code);
      expect(await counts()).toEqual(before);
    });

    it('names the field of a bad change entry', async () => {
      const res = await t.admin(editorToken).send(RECORD_RELEASE, {
        input: releaseInput('invoicing', { version: '9.9.9', changes: [change, { ...change, summary: '' }] }),
      });
      expect(res.errors?.[0].extensions.fields).toEqual([{ field: 'input.changes.1.summary', messages: expect.any(Array) }]);
    });

    it('accepts 500 changes of 50 feature keys and notes of exactly 200 KiB', async () => {
      const featureKeys = Array.from({ length: 50 }, (_, i) => `area.feature-${i}`);
      const res = await t.admin(editorToken).send(RECORD_RELEASE, {
        input: releaseInput('invoicing', {
          version: 'big',
          notesMarkdown: 'n'.repeat(200 * 1024),
          changes: Array.from({ length: 500 }, (_, i) => ({ kind: 'Changed', summary: `Change ${i}`, featureKeys })),
        }),
      });
      expect(res.errors).toBeUndefined();
      const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM release_changes WHERE release_id = $1', [
        res.data!.recordRelease.release.id,
      ]);
      expect(count).toBe(500);
    });
  });

  describe('releases', () => {
    let product: { id: string };

    beforeAll(async () => {
      product = await createProduct('mobile-app');
      // Recorded out of order, two on the same instant.
      for (const [version, releasedAt] of [
        ['1.1', '2026-02-01T00:00:00.000Z'],
        ['1.0', '2026-01-01T00:00:00.000Z'],
        ['1.3', '2026-04-01T00:00:00.000Z'],
        ['1.2a', '2026-03-01T00:00:00.000Z'],
        ['1.2b', '2026-03-01T00:00:00.000Z'],
      ]) {
        const res = await t.admin(editorToken).send(RECORD_RELEASE, {
          input: { productId: product.id, version, releasedAt, changes: [{ kind: 'Added', summary: `In ${version}` }, { kind: 'Fixed', summary: 'Bugs' }] },
        });
        if (res.errors) throw new Error(JSON.stringify(res.errors));
      }
    });

    it('lists the releases of one product newest first, across pages, with their changes', async () => {
      const versions: string[] = [];
      let after: string | null = null;
      do {
        const res: GraphqlResponse = await t.admin(moderatorToken).send(RELEASES, { productId: product.id, first: 2, after });
        const page = res.data!.releases;
        expect(page.totalCount).toBe(5);
        for (const { node } of page.edges as { node: ReleaseResult }[]) {
          versions.push(node.version);
          expect(node.changes.map((c) => c.summary)).toEqual([`In ${node.version}`, 'Bugs']);
          expect(node.product.id).toBe(product.id);
        }
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(versions.slice(0, 1)).toEqual(['1.3']);
      expect(versions.slice(1, 3).sort()).toEqual(['1.2a', '1.2b']);
      expect(versions.slice(3)).toEqual(['1.1', '1.0']);
    });

    it('loads the changes of a whole page in one query (no N+1)', async () => {
      const run = (first: number): Promise<{ queries: string[] }> =>
        t.countQueries(() => t.admin(editorToken).send(RELEASES, { productId: product.id, first }));
      const one = await run(1);
      const five = await run(5);
      expect(five.queries.length).toBe(one.queries.length);
      expect(five.queries.filter((q) => /FROM "release_changes"/.test(q))).toHaveLength(1);
    });

    it('answers NOT_FOUND for the releases of an unknown product and for an unknown release', async () => {
      expect((await t.admin(editorToken).send(RELEASES, { productId: UNKNOWN_ID })).errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect((await t.admin(editorToken).send(RELEASE, { id: UNKNOWN_ID })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    });

    it('refuses forged cursors', async () => {
      const forged = Buffer.from(JSON.stringify(['2026-01-01', "1' OR 1=1"])).toString('base64url');
      for (const cursor of ['garbage', forged]) {
        const res = await t.admin(editorToken).send(RELEASES, { productId: product.id, first: 2, after: cursor });
        expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      }
    });
  });

  describe('roles', () => {
    it('lets a moderator read products and releases but not write them', async () => {
      const product = await createProduct('moderated');
      await t.admin(editorToken).send(RECORD_RELEASE, { input: releaseInput('moderated') });
      expect((await t.admin(moderatorToken).send(PRODUCTS, { first: 5 })).errors).toBeUndefined();
      expect((await t.admin(moderatorToken).send(PRODUCT, { key: 'moderated' })).data?.product.id).toBe(product.id);
      expect((await t.admin(moderatorToken).send(RELEASES, { productId: product.id })).data?.releases.totalCount).toBe(1);

      const before = await counts();
      const writes: [string, Record<string, unknown>][] = [
        [CREATE_PRODUCT, { input: { key: 'by-moderator', name: 'X' } }],
        [UPDATE_PRODUCT, { input: { productId: product.id, name: 'Renamed by moderator' } }],
        [RECORD_RELEASE, { input: releaseInput('moderated', { version: 'by-moderator' }) }],
      ];
      for (const [mutation, variables] of writes) {
        const res = await t.admin(moderatorToken).send(mutation, variables);
        expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
      }
      expect(await counts()).toEqual(before);
      const [{ name }] = await t.dataSource.query('SELECT name FROM products WHERE id = $1', [product.id]);
      expect(name).toBe('Product moderated');
    });

    it('lets an admin and an editor write', async () => {
      for (const [token, key] of [
        [adminToken, 'by-admin'],
        [editorToken, 'by-editor'],
      ]) {
        expect((await t.admin(token).send(CREATE_PRODUCT, { input: { key, name: key } })).data?.createProduct.key).toBe(key);
        const res = await t.admin(token).send(RECORD_RELEASE, { input: releaseInput(key) });
        expect(res.data?.recordRelease.created).toBe(true);
      }
    });
  });
});
