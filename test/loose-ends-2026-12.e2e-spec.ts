import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { queryWords } from '../search/text/words';
import { dataSourceOptions } from '../src/database/data-source';
import { maskPersonalData } from '../src/search/personal-data';
import { fingerprint } from '../src/staleness/detectors/signals';
import { Role } from '../src/users/role.enum';
import { expectData, KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlResponse, TestApp, TestUser } from './support/create-test-app';
import { cloneTemplateDatabase, dropDatabase } from './support/test-database';

const ARTICLE = 'query ($id: ID, $locale: String) { article(id: $id, locale: $locale) { id isPreview title } }';
const CREATE_TOKEN = 'mutation ($input: CreatePreviewTokenInput!) { createPreviewToken(input: $input) { token } }';
const DEACTIVATE = 'mutation ($input: UserIdInput!) { deactivateUser(input: $input) { id isActive } }';
const CHANGE_ROLE = 'mutation ($input: ChangeUserRoleInput!) { changeUserRole(input: $input) { id role } }';
const DELETE_ME = 'mutation ($input: DeleteMyAccountInput!) { deleteMyAccount(input: $input) { deletedAt } }';
const SILENCE = 'mutation ($input: RestrictMemberInput!) { silenceMember(input: $input) { id silencedUntil } }';
const SUSPEND = 'mutation ($input: RestrictMemberInput!) { suspendMember(input: $input) { id suspendedUntil } }';
const ATTACH = 'mutation ($input: ArticleAssetInput!) { attachAssetToArticle(input: $input) { id } }';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

/** Loose ends of the December 2026 audits: preview links of staff who left, moderation racing a deletion, assets on deleted articles, old search text. */
describe('loose ends 2026-12', () => {
  let t: TestApp;
  let dataDir: string;
  let admin: TestUser;
  let adminToken: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-loose-ends-'));
    t = await createTestApp({ DATA_DIR: dataDir, DB_POOL_ACQUIRE_TIMEOUT_MS: '30000' });
    admin = await t.createUser({ role: Role.Admin });
    adminToken = await t.login(admin);
  });
  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function errorOf(res: GraphqlResponse): { code: string; reason?: unknown } {
    const error = res.errors?.[0];
    return error ? { code: error.extensions.code as string, reason: error.extensions.reason } : { code: 'ok' };
  }

  describe("preview tokens of an editor who left", () => {
    async function editorWithPreview(): Promise<{ editor: TestUser; editorToken: string; articleId: string; preview: () => Promise<GraphqlResponse> }> {
      const editor = await t.createUser({ role: Role.Editor });
      const editorToken = await t.login(editor);
      const kb = new KnowledgeBaseFactory(t.admin(editorToken));
      const article = await kb.draft((await kb.category(`Preview ${randomUUID().slice(0, 8)}`)).id, { title: 'Unreleased pricing' });
      const { token } = expectData<{ token: string }>(await t.admin(editorToken).send(CREATE_TOKEN, { input: { articleId: article.id } }), 'createPreviewToken');
      const preview = async (): Promise<GraphqlResponse> => {
        const res = await t.http().post('/graphql').set('content-type', 'application/json').set('x-preview-token', token).send({ query: ARTICLE, variables: { id: article.id, locale: 'en' } });
        return { status: res.status, data: res.body?.data ?? null, errors: res.body?.errors, headers: res.headers };
      };
      expect((await preview()).data?.article).toMatchObject({ isPreview: true, title: 'Unreleased pricing' });
      return { editor, editorToken, articleId: article.id, preview };
    }

    it('stop showing drafts once the editor who minted them is deactivated', async () => {
      const { editor, preview } = await editorWithPreview();
      expectData(await t.admin(adminToken).send(DEACTIVATE, { input: { userId: editor.user.id } }), 'deactivateUser');
      const res = await preview();
      expect(res.data?.article ?? null).toBeNull();
      expect(errorOf(res)).toEqual({ code: 'UNAUTHENTICATED', reason: 'PREVIEW_TOKEN_REVOKED' });
    });

    it('stop showing drafts once the editor who minted them deleted their account', async () => {
      const { editor, editorToken, preview } = await editorWithPreview();
      expect((await t.delivery(editorToken).send(DELETE_ME, { input: { password: editor.password } })).errors).toBeUndefined();
      const res = await preview();
      expect(res.data?.article ?? null).toBeNull();
      expect(errorOf(res)).toEqual({ code: 'UNAUTHENTICATED', reason: 'PREVIEW_TOKEN_REVOKED' });
    });

    it('stop showing drafts once the editor who minted them is no longer on the editorial staff', async () => {
      const { editor, preview } = await editorWithPreview();
      expectData(await t.admin(adminToken).send(CHANGE_ROLE, { input: { userId: editor.user.id, role: 'Member' } }), 'changeUserRole');
      expect(errorOf(await preview())).toEqual({ code: 'UNAUTHENTICATED', reason: 'PREVIEW_TOKEN_REVOKED' });
    });
  });

  describe('moderation of a deleted account', () => {
    async function memberAndModerator(): Promise<{ member: TestUser; memberToken: string; moderatorToken: string }> {
      const member = await t.createUser({ displayName: 'Mia Leaving' });
      const memberToken = await t.login(member);
      const moderatorToken = await t.login(await t.createUser({ role: Role.Moderator }));
      return { member, memberToken, moderatorToken };
    }
    const until = (): string => new Date(Date.now() + 86_400_000).toISOString();

    it.each([
      ['silenceMember', SILENCE],
      ['suspendMember', SUSPEND],
    ])('%s on an account its member deleted answers CONFLICT ACCOUNT_DELETED and changes nothing', async (_name, mutation) => {
      const { member, memberToken, moderatorToken } = await memberAndModerator();
      expect((await t.delivery(memberToken).send(DELETE_ME, { input: { password: member.password } })).errors).toBeUndefined();
      const res = await t.admin(moderatorToken).send(mutation, { input: { userId: member.user.id, until: until(), reason: 'spam' } });
      expect(errorOf(res)).toEqual({ code: 'CONFLICT', reason: 'ACCOUNT_DELETED' });
      const [row] = (await t.dataSource.query('SELECT silenced_until, suspended_until FROM users WHERE id = $1', [member.user.id])) as Record<string, unknown>[];
      expect(row).toEqual({ silenced_until: null, suspended_until: null });
    });

    it('setMemberTrustLevel on an account its member deleted answers CONFLICT ACCOUNT_DELETED: no Leader badge beside "Deleted member"', async () => {
      const { member, memberToken, moderatorToken } = await memberAndModerator();
      expect((await t.delivery(memberToken).send(DELETE_ME, { input: { password: member.password } })).errors).toBeUndefined();
      const res = await t.admin(moderatorToken).send('mutation ($input: SetTrustLevelInput!) { setMemberTrustLevel(input: $input) { id } }', {
        input: { userId: member.user.id, trustLevel: 4, locked: true },
      });
      expect(errorOf(res)).toEqual({ code: 'CONFLICT', reason: 'ACCOUNT_DELETED' });
      const [row] = (await t.dataSource.query('SELECT trust_level, trust_level_locked FROM users WHERE id = $1', [member.user.id])) as Record<string, unknown>[];
      expect(row).toEqual({ trust_level: 0, trust_level_locked: false });
    });

    it('a silence queued behind the deletion of the account is refused, leaving nothing on the erased row', async () => {
      const { member, memberToken, moderatorToken } = await memberAndModerator();
      const holder = new Client({ connectionString: t.databaseUrl });
      const watcher = new Client({ connectionString: t.databaseUrl });
      await holder.connect();
      await watcher.connect();
      const waiting = async (n: number): Promise<number> => {
        let count = 0;
        for (let i = 0; i < 100; i += 1) {
          const { rows } = await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
          count = (rows[0] as { n: number }).n;
          if (count >= n) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return count;
      };
      let deletion!: Promise<GraphqlResponse>;
      let silence!: Promise<GraphqlResponse>;
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [member.user.id]);
        deletion = t.delivery(memberToken).send(DELETE_ME, { input: { password: member.password } });
        expect(await waiting(1)).toBe(1);
        silence = t.admin(moderatorToken).send(SILENCE, { input: { userId: member.user.id, until: until(), reason: 'spam' } });
        expect(await waiting(2)).toBe(2);
      } finally {
        await holder.query('COMMIT');
        await holder.end();
        await watcher.end();
      }
      const [deleted, silenced] = await Promise.all([deletion, silence]);
      expect(errorOf(deleted)).toEqual({ code: 'ok' });
      expect(errorOf(silenced)).toEqual({ code: 'CONFLICT', reason: 'ACCOUNT_DELETED' });
      const [row] = (await t.dataSource.query('SELECT silenced_until, suspended_until FROM users WHERE id = $1', [member.user.id])) as Record<string, unknown>[];
      expect(row).toEqual({ silenced_until: null, suspended_until: null });
      const notices = (await t.dataSource.query('SELECT count(*)::int AS n FROM member_notifications WHERE recipient_id = $1', [member.user.id])) as { n: number }[];
      expect(notices[0].n).toBe(0);
    });
  });

  describe('assets and deleted articles', () => {
    it('refuses attaching an asset to a soft-deleted article (GraphQL and upload with articleId) with CONFLICT ARTICLE_DELETED', async () => {
      const editorToken = await t.login(await t.createUser({ role: Role.Editor }));
      const kb = new KnowledgeBaseFactory(t.admin(editorToken));
      const article = await kb.draft((await kb.category('Deleted assets')).id, { title: 'Going away' });
      await kb.deleted(article);
      const upload = (fields: Record<string, string>, name: string): request.Test => {
        const req = request(t.app.getHttpServer()).post('/admin/assets').set('authorization', `Bearer ${editorToken}`);
        for (const [key, value] of Object.entries(fields)) void req.field(key, value);
        return req.attach('file', Buffer.concat([PDF, Buffer.from(name)]), { filename: `${name}.pdf`, contentType: 'application/pdf' });
      };
      const stored = await upload({}, 'free');
      expect([200, 201]).toContain(stored.status);
      const assetId = (stored.body as { asset: { id: string } }).asset.id;

      const attached = await t.admin(editorToken).send(ATTACH, { input: { assetId, articleId: article.id } });
      expect(errorOf(attached)).toEqual({ code: 'CONFLICT', reason: 'ARTICLE_DELETED' });

      const withArticle = await upload({ articleId: article.id }, 'attached');
      expect(withArticle.status).toBe(409);
      expect(withArticle.body.error).toMatchObject({ code: 'CONFLICT', reason: 'ARTICLE_DELETED' });

      const links = (await t.dataSource.query('SELECT count(*)::int AS n FROM article_assets WHERE article_id = $1', [article.id])) as { n: number }[];
      expect(links[0].n).toBe(0);
      const audits = (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_entries WHERE action = 'article.asset.attach' AND subject_id = $1`, [article.id])) as { n: number }[];
      expect(audits[0].n).toBe(0);
    });

    it('an attach queued behind the soft delete of its article is refused, not left on the deleted article', async () => {
      const editorToken = await t.login(await t.createUser({ role: Role.Editor }));
      const kb = new KnowledgeBaseFactory(t.admin(editorToken));
      const article = await kb.draft((await kb.category('Racing assets')).id, { title: 'Deleted while attaching' });
      const stored = await request(t.app.getHttpServer())
        .post('/admin/assets')
        .set('authorization', `Bearer ${editorToken}`)
        .attach('file', Buffer.concat([PDF, Buffer.from('race')]), { filename: 'race.pdf', contentType: 'application/pdf' });
      const assetId = (stored.body as { asset: { id: string } }).asset.id;
      // The delete runs in a transaction of the test's own, holding the article row until it commits.
      const deleter = new Client({ connectionString: t.databaseUrl });
      await deleter.connect();
      let attached!: Promise<GraphqlResponse>;
      try {
        await deleter.query('BEGIN');
        await deleter.query('SELECT 1 FROM articles WHERE id = $1 FOR UPDATE', [article.id]);
        await deleter.query('UPDATE articles SET deleted_at = now() WHERE id = $1', [article.id]);
        attached = t.admin(editorToken).send(ATTACH, { input: { assetId, articleId: article.id } });
        for (let i = 0; i < 100; i += 1) {
          const { rows } = await deleter.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
          if ((rows[0] as { n: number }).n >= 1) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await deleter.query('COMMIT');
        await deleter.end();
      }
      expect(errorOf(await attached)).toEqual({ code: 'CONFLICT', reason: 'ARTICLE_DELETED' });
      const links = (await t.dataSource.query('SELECT count(*)::int AS n FROM article_assets WHERE article_id = $1', [article.id])) as { n: number }[];
      expect(links[0].n).toBe(0);
    });
  });
});

describe('loose ends 2026-12: migration masking search text stored before masking', () => {
  const BEFORE = 'SearchAuditHardening1765480000000';
  let database: { name: string; url: string };
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await cloneTemplateDatabase();
    dataSource = await new DataSource({ ...dataSourceOptions(database.url, 2), logging: false }).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(database.name);
  });

  const normalized = (text: string): string => queryWords(text, 'en').join(' ').slice(0, 500);
  const gapFingerprint = (text: string): string => fingerprint('search_gap', 'en', normalized(text));

  it('masks emails and long digit runs in the search log, search content gaps, their audit entries and webhook events', async () => {
    const last = async (): Promise<string> => ((await dataSource.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1')) as { name: string }[])[0].name;
    while ((await last()) !== BEFORE) await dataSource.undoLastMigration({ transaction: 'each' });

    const raw = ['ana.lopez@example.com locked out', 'call me +49 170 1234567', 'error 0x80070005 windows 10'];
    for (const query of raw) {
      for (let i = 0; i < 3; i += 1) {
        await dataSource.query(`INSERT INTO search_query_log (query, normalized_query, locale, result_count) VALUES ($1, $2, 'en', 0)`, [query, normalized(query)]);
      }
    }
    const gaps: { id: string; query: string }[] = [];
    for (const query of [...raw, 'bob@example.org locked out']) {
      const evidence = { source: 'search_gap', query, searches: 5, zeroResultSearches: 5, noClickSearches: 0, windowDays: 30, lastSearchedAt: new Date().toISOString() };
      const [{ id }] = (await dataSource.query(
        `INSERT INTO content_gaps (source, locale, title, fingerprint, evidence, weight) VALUES ('search_gap', 'en', $1, $2, $3, 5) RETURNING id`,
        [query, gapFingerprint(query), evidence],
      )) as { id: string }[];
      gaps.push({ id, query });
      await dataSource.query(
        `INSERT INTO audit_entries (action, subject_kind, subject_id, after) VALUES ('content-gap.created', 'content_gap', $1, jsonb_build_object('source', 'search_gap', 'title', $2::text))`,
        [id, query],
      );
      await dataSource.query(`INSERT INTO webhook_events (id, type, data) VALUES ($1, 'content_gap.created', $2)`, [
        randomUUID(),
        { contentGapId: id, source: 'search_gap', locale: 'en', title: query },
      ]);
    }

    await dataSource.runMigrations({ transaction: 'each' });

    const log = (await dataSource.query('SELECT query, normalized_query FROM search_query_log ORDER BY query')) as { query: string; normalized_query: string }[];
    const masked = raw.map(maskPersonalData);
    expect(masked).toEqual(['[email] locked out', 'call me [number]', 'error 0x80070005 windows 10']);
    expect(log).toEqual(
      [...masked, ...masked, ...masked].sort().map((query) => ({ query, normalized_query: normalized(query) })),
    );

    const stored = (await dataSource.query(`SELECT id, title, fingerprint, evidence->>'query' AS query FROM content_gaps WHERE source = 'search_gap'`)) as {
      id: string;
      title: string;
      fingerprint: string;
      query: string;
    }[];
    const byId = new Map(stored.map((gap) => [gap.id, gap]));
    for (const gap of gaps) {
      const row = byId.get(gap.id)!;
      expect(row).toMatchObject({ title: maskPersonalData(gap.query), query: maskPersonalData(gap.query) });
    }
    // Two emails, one masked query: one gap carries its fingerprint (so the next scan updates it), the other one its own.
    const emailGaps = stored.filter((gap) => gap.title === '[email] locked out').map((gap) => gap.fingerprint);
    expect(emailGaps).toHaveLength(2);
    expect(emailGaps).toContain(gapFingerprint('[email] locked out'));
    expect(new Set(emailGaps).size).toBe(2);
    expect(emailGaps).not.toContain(gapFingerprint('ana.lopez@example.com locked out'));
    expect(emailGaps).not.toContain(gapFingerprint('bob@example.org locked out'));
    expect(byId.get(gaps[1].id)!.fingerprint).toBe(gapFingerprint('call me [number]'));
    expect(byId.get(gaps[2].id)!.fingerprint).toBe(gapFingerprint('error 0x80070005 windows 10'));

    const everything = JSON.stringify(
      await dataSource.query(
        `SELECT (SELECT json_agg(after) FROM audit_entries WHERE action = 'content-gap.created') AS audits,
                (SELECT json_agg(data) FROM webhook_events WHERE type = 'content_gap.created') AS events`,
      ),
    );
    expect(everything).not.toMatch(/example\.(com|org)|1234567/);
    expect(everything).toContain('[email] locked out');
    expect(everything).toContain('error 0x80070005 windows 10');

    // The audit log is append-only again afterwards.
    await expect(dataSource.query(`UPDATE audit_entries SET action = action WHERE action = 'content-gap.created'`)).rejects.toThrow(/append-only/);
  });
});
