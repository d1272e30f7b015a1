import { PreviewTokenEntity } from '../src/articles/entities/preview-token.entity';
import { Role } from '../src/users/role.enum';
import { expectData, KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const ARTICLE = `query ($slug: String, $id: ID, $locale: String) {
  article(slug: $slug, id: $id, locale: $locale) { id locale isFallback isPreview slug title bodyMarkdown revisionNumber }
}`;
const CREATE_TOKEN = `mutation ($input: CreatePreviewTokenInput!) {
  createPreviewToken(input: $input) { token previewToken { id label tokenPrefix articleId locale expiresAt revokedAt isActive } }
}`;
const REVOKE_TOKEN = `mutation ($input: PreviewTokenIdInput!) { revokePreviewToken(input: $input) { id revokedAt isActive } }`;
const TOKENS = `query ($includeInactive: Boolean) { previewTokens(includeInactive: $includeInactive) { totalCount edges { node { id isActive } } } }`;

interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  data: Record<string, any> | null;
  errors?: { message: string; extensions: { code: string; reason?: string } }[];
}

describe('draft preview (delivery API with X-Preview-Token)', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let categoryId: string;

  beforeAll(async () => {
    t = await createTestApp({ FALLBACK_LOCALE: 'en' });
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    kb = new KnowledgeBaseFactory(editor);
    categoryId = (await kb.category('Preview')).id;
  });
  afterAll(() => t.close());

  /** A delivery query over HTTP, as a front-end sends it: GET (HTTP-cacheable) or POST, with or without a preview token. */
  async function deliver(variables: Record<string, unknown>, options: { token?: string; method?: 'GET' | 'POST'; query?: string } = {}): Promise<Reply> {
    const query = options.query ?? ARTICLE;
    const req =
      options.method === 'GET'
        ? t.http().get('/graphql').query({ query, variables: JSON.stringify(variables) })
        : t.http().post('/graphql').set('content-type', 'application/json').send({ query, variables });
    if (options.token !== undefined) req.set('x-preview-token', options.token);
    const res = await req;
    const body = JSON.parse(res.text) as { data: Record<string, any> | null; errors?: Reply['errors'] };
    return { status: res.status, headers: res.headers as Record<string, string>, text: res.text, data: body.data, errors: body.errors };
  }

  async function mint(input: Record<string, unknown>): Promise<{ token: string; id: string }> {
    const created = expectData<{ token: string; previewToken: { id: string } }>(await editor.send(CREATE_TOKEN, { input }), 'createPreviewToken');
    return { token: created.token, id: created.previewToken.id };
  }

  it('serves the head draft to a token in scope, the published revision to everyone else, and caches nothing of the preview', async () => {
    let article = await kb.published(categoryId, { title: 'Export your data', bodyMarkdown: 'Published body.' });
    article = await kb.save(article, 'en', { title: 'Export your data (new)', bodyMarkdown: 'Draft body with SECRET-DRAFT-TEXT.' });
    const { token } = await mint({ articleId: article.id, label: 'pricing launch' });
    const slug = { slug: 'export-your-data', locale: 'en' };

    // Published first, three times: stored on its second miss, the third answer comes from the response cache.
    const before = await deliver(slug, { method: 'GET' });
    expect(before.data?.article).toMatchObject({ title: 'Export your data', isPreview: false, revisionNumber: 1 });
    expect(before.headers['cache-control']).toMatch(/^public/);
    const etag = before.headers.etag;
    expect(etag).toBeDefined();
    expect((await deliver(slug, { method: 'GET' })).headers['x-cache']).toBeUndefined();
    expect((await deliver(slug, { method: 'GET' })).headers['x-cache']).toBe('HIT');

    // The same query with the token: the draft, marked, private and never stored — also when it offers the public ETag.
    const preview = await deliver(slug, { method: 'GET', token });
    expect(preview.errors).toBeUndefined();
    expect(preview.data?.article).toMatchObject({ id: article.id, title: 'Export your data (new)', isPreview: true, revisionNumber: 2 });
    expect(preview.headers['x-cache']).toBeUndefined();
    expect(preview.headers['x-preview']).toBe('draft');
    expect(preview.headers['cache-control']).toBe('private, no-store');
    expect(preview.headers.etag).toBeUndefined();
    const offered = await t.http().get('/graphql').query({ query: ARTICLE, variables: JSON.stringify(slug) }).set('x-preview-token', token).set('if-none-match', etag);
    expect(offered.status).toBe(200);
    expect(offered.text).toContain('SECRET-DRAFT-TEXT');

    // By id and by POST too.
    expect((await deliver({ id: article.id, locale: 'en' }, { token })).data?.article).toMatchObject({ isPreview: true, bodyMarkdown: 'Draft body with SECRET-DRAFT-TEXT.' });

    // Without the token again: published, from a cache the preview did not touch.
    const after = await deliver(slug, { method: 'GET' });
    expect(after.data?.article).toMatchObject({ title: 'Export your data', isPreview: false });
    expect(after.text).not.toContain('SECRET-DRAFT-TEXT');
    expect(after.headers['x-preview']).toBeUndefined();
    expect((await deliver(slug)).text).not.toContain('SECRET-DRAFT-TEXT');
  });

  it('does not let a preview asked first poison the published response that follows', async () => {
    let article = await kb.published(categoryId, { title: 'Reset two-factor', bodyMarkdown: 'Published.' });
    article = await kb.save(article, 'en', { title: 'Reset 2FA (draft)', bodyMarkdown: 'POISON-CHECK draft.' });
    const { token } = await mint({ articleId: article.id });
    const slug = { slug: 'reset-two-factor', locale: 'en' };

    expect((await deliver(slug, { method: 'GET', token })).data?.article).toMatchObject({ isPreview: true, title: 'Reset 2FA (draft)' });
    const anonymous = await deliver(slug, { method: 'GET' });
    expect(anonymous.data?.article).toMatchObject({ isPreview: false, title: 'Reset two-factor' });
    expect(anonymous.text).not.toContain('POISON-CHECK');
    expect((await deliver(slug, { method: 'GET' })).text).not.toContain('POISON-CHECK');
    const again = await deliver(slug, { method: 'GET' });
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.text).not.toContain('POISON-CHECK');
  });

  it('previews never-published drafts of a locale-scoped token, and falls back like published content', async () => {
    const draft = await kb.draft(categoryId, { title: 'Unreleased feature guide', bodyMarkdown: 'UNRELEASED-GUIDE body.' });
    const { token } = await mint({ locale: 'en', expiresInSeconds: 600 });

    const hidden = await deliver({ slug: 'unreleased-feature-guide', locale: 'en' });
    // No published version and no token: null without an error (the delivery `article` is nullable).
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data?.article).toBeNull();
    const shown = await deliver({ slug: 'unreleased-feature-guide', locale: 'en' }, { token });
    expect(shown.data?.article).toMatchObject({ id: draft.id, title: 'Unreleased feature guide', isPreview: true, isFallback: false });
    // Asked in German, there is no German version: the English draft, as a fallback.
    const fallback = await deliver({ id: draft.id, locale: 'de' }, { token });
    expect(fallback.data?.article).toMatchObject({ id: draft.id, locale: 'en', isFallback: true, isPreview: true });
  });

  it('serves articles outside the token scope as published content', async () => {
    const inScope = await kb.published(categoryId, { title: 'Scoped article' });
    let other = await kb.published(categoryId, { title: 'Other article', bodyMarkdown: 'Published other.' });
    other = await kb.save(other, 'en', { title: 'Other article draft', bodyMarkdown: 'OTHER-DRAFT' });
    const unpublished = await kb.draft(categoryId, { title: 'Other unpublished draft' });
    const { token } = await mint({ articleId: inScope.id, locale: 'en' });

    const res = await deliver({ id: other.id, locale: 'en' }, { token });
    expect(res.data?.article).toMatchObject({ title: 'Other article', isPreview: false });
    expect(res.headers['x-preview']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('private, no-store');
    const outOfScope = await deliver({ id: unpublished.id, locale: 'en' }, { token });
    expect(outOfScope.errors).toBeUndefined();
    expect(outOfScope.data?.article).toBeNull();
    // A token for one locale of an article does not preview another: a German reader gets the English head as a fallback.
    await kb.save(inScope, 'de', { title: 'Deutscher Entwurf' });
    const german = await deliver({ id: inScope.id, locale: 'de' }, { token });
    expect(german.data?.article).toMatchObject({ locale: 'en', title: 'Scoped article', isFallback: true });
    expect(german.text).not.toContain('Deutscher Entwurf');
  });

  it('refuses revoked, expired, malformed and unknown tokens with UNAUTHENTICATED', async () => {
    let article = await kb.published(categoryId, { title: 'Revocable' });
    article = await kb.save(article, 'en', { title: 'Revocable draft' });
    const revoked = await mint({ articleId: article.id });
    const expired = await mint({ articleId: article.id });
    expect((await deliver({ id: article.id }, { token: revoked.token })).data?.article.isPreview).toBe(true);

    const revoke = await editor.send(REVOKE_TOKEN, { input: { id: revoked.id } });
    expect(revoke.data?.revokePreviewToken).toMatchObject({ id: revoked.id, isActive: false });
    expect(revoke.data?.revokePreviewToken.revokedAt).not.toBeNull();
    // Revoking again changes nothing; minting and the first revocation are audited, without the secret.
    expect((await editor.send(REVOKE_TOKEN, { input: { id: revoked.id } })).data?.revokePreviewToken.revokedAt).toBe(revoke.data?.revokePreviewToken.revokedAt);
    const audit: { action: string; before: unknown; after: unknown }[] = await t.dataSource.query(
      `SELECT action, before, after FROM audit_entries WHERE subject_kind = 'preview_token' AND subject_id = $1 ORDER BY occurred_at`,
      [revoked.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['preview-token.create', 'preview-token.revoke']);
    expect(JSON.stringify(audit)).not.toContain(revoked.token.slice(12));
    await t.dataSource.query(`UPDATE preview_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);

    const cases: [string, string, string][] = [
      ['revoked', revoked.token, 'PREVIEW_TOKEN_REVOKED'],
      ['expired', expired.token, 'PREVIEW_TOKEN_EXPIRED'],
      ['malformed', 'not-a-token', 'PREVIEW_TOKEN_INVALID'],
      ['empty', '', 'PREVIEW_TOKEN_INVALID'],
      ['unknown', `egpv_${'A'.repeat(43)}`, 'PREVIEW_TOKEN_INVALID'],
    ];
    for (const [, token, reason] of cases) {
      const res = await deliver({ id: article.id }, { token, method: 'GET' });
      expect(res.status).toBe(200);
      expect(res.data?.article ?? null).toBeNull();
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason });
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.text).not.toContain('Revocable draft');
    }

    const active = await editor.send(TOKENS, {});
    expect(active.data?.previewTokens.edges.map((e: { node: { id: string } }) => e.node.id)).not.toEqual(expect.arrayContaining([revoked.id]));
    const all = await editor.send(TOKENS, { includeInactive: true });
    expect(all.data?.previewTokens.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expect.arrayContaining([revoked.id, expired.id]));
  });

  it('stores only a hash of the token', async () => {
    const article = await kb.draft(categoryId, { title: 'Hash check' });
    const { token, id } = await mint({ articleId: article.id });
    const [row] = await t.dataSource.query(`SELECT * FROM preview_tokens WHERE id = $1`, [id]);
    expect(JSON.stringify(row)).not.toContain(token.slice(5));
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['no scope', {}, 'BAD_USER_INPUT'],
    ['an unsupported locale', { locale: 'xx-YY' }, 'BAD_USER_INPUT'],
    ['a lifetime over 7 days', { locale: 'en', expiresInSeconds: 7 * 24 * 3600 + 1 }, 'BAD_USER_INPUT'],
    ['a negative lifetime', { locale: 'en', expiresInSeconds: -5 }, 'BAD_USER_INPUT'],
    ['an article that does not exist', { articleId: '3f1c7a7e-2b51-4f7e-9c1e-0f3a8d6c2b10' }, 'NOT_FOUND'],
    ['a malformed article id', { articleId: 'nope' }, 'BAD_USER_INPUT'],
  ])('refuses a token with %s and writes nothing', async (_, input, code) => {
    const audited = async (): Promise<number> => (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_entries WHERE subject_kind = 'preview_token'`))[0].n;
    const [before, auditBefore] = [await t.dataSource.getRepository(PreviewTokenEntity).count(), await audited()];
    const res = await editor.send(CREATE_TOKEN, { input });
    expect(res.errors?.[0].extensions.code).toBe(code);
    expect(await t.dataSource.getRepository(PreviewTokenEntity).count()).toBe(before);
    expect(await audited()).toBe(auditBefore);
  });

  it('lets only editors and admins mint, list and revoke tokens', async () => {
    const moderator = t.admin(await t.login(await t.createUser({ role: Role.Moderator })));
    expect((await moderator.send(CREATE_TOKEN, { input: { locale: 'en' } })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.admin().send(TOKENS, {})).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    expect((await admin.send(CREATE_TOKEN, { input: { locale: 'en' } })).data?.createPreviewToken.previewToken.isActive).toBe(true);
    expect((await editor.send(REVOKE_TOKEN, { input: { id: '3f1c7a7e-2b51-4f7e-9c1e-0f3a8d6c2b10' } })).errors?.[0].extensions.code).toBe('NOT_FOUND');
  });
});
