import { EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../src/common/errors/app-error';
import { takeRateSlot } from '../src/moderation/auto/rate-limiter';
import { AutoModerationService, PostScreeningInput, Screening } from '../src/moderation/auto/auto-moderation.service';
import { Role } from '../src/users/role.enum';
import { PostRenderer } from '../src/forum/content/post-renderer';
import { EDIT, REPLY } from './factories/forum';
import { ForumRows } from './factories/moderation-forum';
import { createTestApp, GraphqlResponse, TestApp, TestUser } from './support/create-test-app';

const SETTINGS = `{ autoModerationSettings { holdTrustLevelZero maxLinks postRateLimit postRateWindowSeconds fastPostingSeconds } }`;
const UPDATE_SETTINGS = `mutation ($input: UpdateAutoModerationSettingsInput!) { updateAutoModerationSettings(input: $input) { holdTrustLevelZero maxLinks postRateLimit fastPostingSeconds } }`;
const ADD_PATTERN = `mutation ($input: AddBlockedPatternInput!) { addBlockedPattern(input: $input) { id locale kind pattern } }`;
const REMOVE_PATTERN = `mutation ($id: ID!) { removeBlockedPattern(id: $id) { id } }`;
const PATTERNS = `query ($locale: String) { blockedPatterns(locale: $locale) { pattern kind locale } }`;

function code(res: GraphqlResponse): string | undefined {
  return res.errors?.[0]?.extensions.code;
}

/**
 * The rules through the service the forum's posting use cases call in their transaction (the forum's
 * posting mutations are another module's); settings and patterns through the admin API.
 */
describe('auto-moderation', () => {
  let t: TestApp;
  let forum: ForumRows;
  let service: AutoModerationService;
  let adminToken: string;
  let moderatorToken: string;
  let boardId: string;

  let posted = 0;
  /** Screens a post; by default a question with a text of its own (a repeated text is its own rule). */
  const screen = (input: Partial<PostScreeningInput> & { author: PostScreeningInput['author'] }): Promise<Screening> => {
    const text = `How do I export my invoices to spreadsheet number ${(posted += 1)}?`;
    return t.dataSource.transaction((tx: EntityManager) =>
      service.screen(tx, { boardId, threadId: null, markdown: input.plainText ?? text, plainText: text, ...input }),
    );
  };
  const memberOf = (user: TestUser, trustLevel = 2) => ({ id: user.user.id, role: Role.Member, trustLevel });

  beforeAll(async () => {
    t = await createTestApp();
    forum = new ForumRows(t.dataSource);
    service = t.app.get(AutoModerationService);
    adminToken = await t.login(await t.createUser({ role: Role.Admin }));
    moderatorToken = await t.login(await t.createUser({ role: Role.Moderator }));
    boardId = await forum.board();
    // Repeated text on, at most 3 links; fast posting stays off (its default) unless a test turns it on.
    const UPDATE_WIDE = `mutation ($input: UpdateAutoModerationSettingsInput!) { updateAutoModerationSettings(input: $input) { duplicateTextWindowMinutes } }`;
    expect(code(await t.admin(adminToken).send(UPDATE_WIDE, { input: { maxLinks: 3, duplicateTextWindowMinutes: 60 } }))).toBeUndefined();
  });
  afterAll(() => t.close());

  it('lets an ordinary post through and holds one with too many links, naming the rule', async () => {
    const member = await t.createUser();
    expect(await screen({ author: memberOf(member) })).toEqual({ heldReason: null, rules: [] });
    const links = 'See http://a.example, http://b.example, http://c.example and http://d.example for cheap deals';
    expect(await screen({ author: memberOf(member), markdown: links, plainText: links })).toEqual({ heldReason: 'auto:links', rules: ['auto:links'] });
  });

  it('holds repeated text posted in another thread, not a short reply', async () => {
    const member = await t.createUser();
    const a = await forum.thread({ boardId, authorId: member.user.id });
    const b = await forum.thread({ boardId, authorId: member.user.id });
    const text = 'Visit my shop for the best prices on everything you need';
    expect((await screen({ author: memberOf(member), threadId: a.threadId, markdown: text, plainText: text })).heldReason).toBeNull();
    expect((await screen({ author: memberOf(member), threadId: a.threadId, markdown: text, plainText: text })).heldReason).toBeNull();
    expect((await screen({ author: memberOf(member), threadId: b.threadId, markdown: text.toUpperCase(), plainText: `${text.toUpperCase()}!!` })).rules).toContain('auto:duplicate_text');
    expect((await screen({ author: memberOf(member), threadId: b.threadId, markdown: 'Thanks!', plainText: 'Thanks!' })).heldReason).toBeNull();
    expect((await screen({ author: memberOf(member), threadId: a.threadId, markdown: 'Thanks!', plainText: 'Thanks!' })).heldReason).toBeNull();
  });

  it('holds blocked words per locale and refuses patterns the linear-time engine cannot run', async () => {
    const admin = t.admin(adminToken);
    const added = await admin.send(ADD_PATTERN, { input: { locale: 'en', kind: 'Word', pattern: 'casino' } });
    expect(added.data?.addBlockedPattern).toMatchObject({ locale: 'en', kind: 'Word', pattern: 'casino' });
    expect(code(await admin.send(ADD_PATTERN, { input: { locale: 'en', kind: 'Word', pattern: 'casino' } }))).toBe('CONFLICT');
    expect(code(await admin.send(ADD_PATTERN, { input: { kind: 'Regex', pattern: '(?<=a)b' } }))).toBe('BAD_USER_INPUT');
    expect(code(await admin.send(ADD_PATTERN, { input: { kind: 'Regex', pattern: 'x'.repeat(201) } }))).toBe('BAD_USER_INPUT');
    expect(code(await admin.send(ADD_PATTERN, { input: { kind: 'Regex', pattern: 'free\\s+spins?' } }))).toBeUndefined();
    expect(code(await t.admin(moderatorToken).send(ADD_PATTERN, { input: { kind: 'Word', pattern: 'nope' } }))).toBe('FORBIDDEN');
    expect((await t.admin(moderatorToken).send(PATTERNS, { locale: 'en' })).data?.blockedPatterns).toHaveLength(2);

    const member = await t.createUser();
    const spam = (n: number) => `Best CASINO online, join today, offer ${n}`;
    expect((await screen({ author: memberOf(member), markdown: spam(1), plainText: spam(1) })).heldReason).toBe('auto:blocked_words');
    const spins = 'Get FREE   spins on our site';
    expect((await screen({ author: memberOf(member), markdown: spins, plainText: spins })).heldReason).toBe('auto:blocked_words');
    // An 'en' word does not apply on a German board.
    const deBoard = await forum.board({ locale: 'de' });
    expect((await screen({ author: memberOf(member), boardId: deBoard, markdown: spam(2), plainText: spam(2) })).heldReason).toBeNull();

    await admin.send(REMOVE_PATTERN, { id: added.data!.addBlockedPattern.id });
    expect((await screen({ author: memberOf(member), markdown: spam(3), plainText: spam(3) })).heldReason).toBeNull();
  });

  it('holds trust level 0 when configured, and board policy first; never staff', async () => {
    const newcomer = await t.createUser();
    expect(code(await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { holdTrustLevelZero: true } }))).toBeUndefined();
    expect((await screen({ author: memberOf(newcomer, 0) })).heldReason).toBe('auto:trust_level_0');
    const strict = await forum.board({ policy: 'hold_all' });
    expect((await screen({ author: memberOf(newcomer, 0), boardId: strict })).rules).toEqual(['board:hold_all', 'auto:trust_level_0']);
    const moderator = await t.createUser({ role: Role.Moderator });
    expect((await screen({ author: { id: moderator.user.id, role: Role.Moderator, trustLevel: 0 }, boardId: strict })).heldReason).toBeNull();
    await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { holdTrustLevelZero: false } });
  });

  it('holds fast posting of new members', async () => {
    await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { fastPostingSeconds: 30 } });
    const member = await t.createUser();
    expect((await screen({ author: memberOf(member, 1), plainText: 'first post about invoices and exports' })).heldReason).toBeNull();
    expect((await screen({ author: memberOf(member, 1), plainText: 'second post right after the first one' })).heldReason).toBe('auto:fast_posting');
    expect((await screen({ author: memberOf(member, 3), plainText: 'an experienced member posting quickly' })).heldReason).toBeNull();
    await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { fastPostingSeconds: null } });
  });

  it('lets exactly the limit of 30 parallel posts through, the rest RATE_LIMITED with a retry time', async () => {
    await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { postRateLimit: 10, postRateWindowSeconds: 60 } });
    const member = await t.createUser();
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => screen({ author: memberOf(member), plainText: `parallel post number ${i} about exports` })));
    const passed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(passed).toHaveLength(10);
    expect(refused).toHaveLength(20);
    for (const r of refused) {
      expect(r.reason.code).toBe('RATE_LIMITED');
      expect(r.reason.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(r.reason.details.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // A refused post left nothing behind: only the 10 that passed were remembered.
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM post_fingerprints WHERE author_id = $1`, [member.user.id]);
    expect(count).toBe(10);
    await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { postRateLimit: 20 } });
  });

  it('renders no post a full window refuses, through the API: a burst of 30 costs the limit in rendering, and edits count', async () => {
    await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { postRateLimit: 3, postRateWindowSeconds: 60 } });
    const member = await t.createUser();
    const client = t.delivery(await t.login(member));
    const { threadId } = await forum.thread({ boardId, authorId: null });
    const renderer = t.app.get(PostRenderer);
    const renders = jest.spyOn(renderer, 'render');
    try {
      // Markdown that is slow to render (emphasis delimiters), as an attacker would send.
      const body = (i: number): string => `${i} ${'*a'.repeat(4000)}`;
      const codes = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const res = await client.send(REPLY, { input: { threadId, bodyMarkdown: body(i) } });
          return code(res) ?? 'OK';
        }),
      );
      expect(codes.filter((c) => c === 'OK')).toHaveLength(3);
      expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(27);
      expect(renders).toHaveBeenCalledTimes(3);

      // Edits take a slot too: a new window, one reply, then edits until the window is full.
      await t.dataSource.query(`DELETE FROM moderation_rate_counters WHERE counter_key = $1`, [`post:${member.user.id}`]);
      const reply = await client.send(REPLY, { input: { threadId, bodyMarkdown: 'A reply to edit.' } });
      const postId = reply.data?.replyToThread.id as string;
      for (const revision of [1, 2]) {
        expect(code(await client.send(EDIT, { input: { postId, baseRevisionNumber: revision, bodyMarkdown: `Edited ${revision}.` } }))).toBeUndefined();
      }
      const refused = await client.send(EDIT, { input: { postId, baseRevisionNumber: 3, bodyMarkdown: 'One edit too many.' } });
      expect(code(refused)).toBe('RATE_LIMITED');
      const [{ revisions }] = await t.dataSource.query(`SELECT count(*)::int AS revisions FROM post_revisions WHERE post_id = $1`, [postId]);
      expect(revisions).toBe(3);
    } finally {
      renders.mockRestore();
      await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { postRateLimit: 20 } });
    }
  });

  it('never asks to wait longer than the window, even a transaction that began before the window opened', async () => {
    const key = `post:${randomUUID()}`;
    await t.dataSource.transaction(async (early: EntityManager) => {
      await early.query('SELECT now()');
      await sleep(1_200);
      await t.dataSource.transaction((other: EntityManager) => takeRateSlot(other, key, 1, 60, 'posts'));
      const refusal: AppError = await takeRateSlot(early, key, 1, 60, 'posts').then(() => {
        throw new Error('the second slot of a window of one was granted');
      }, (error: AppError) => error);
      expect(refusal.code).toBe('RATE_LIMITED');
      expect(refusal.details).toEqual({ retryAfterSeconds: expect.any(Number) });
      expect(refusal.details?.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(refusal.details?.retryAfterSeconds).toBeLessThanOrEqual(60);
    });
  });

  it('limits flags per member', async () => {
    await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { flagRateLimit: 2 } });
    const member = await t.createUser();
    const take = () => t.dataSource.transaction((tx) => service.takeFlagSlot(tx, { id: member.user.id, role: Role.Member }));
    await take();
    await take();
    await expect(take()).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('records a hold under the rule name in the audit log', async () => {
    const member = await t.createUser();
    const { threadId } = await forum.thread({ boardId, authorId: member.user.id, status: 'pending', heldReason: 'auto:links' });
    await t.dataSource.transaction((tx) => service.recordHold(tx, 'thread', threadId, { heldReason: 'auto:links', rules: ['auto:links', 'auto:fast_posting'] }));
    const entries = await t.dataSource.query(`SELECT actor_id, actor_rule, action, reason, after FROM audit_entries WHERE subject_id = $1`, [threadId]);
    expect(entries).toEqual([{ actor_id: null, actor_rule: 'auto:links', action: 'thread.hold', reason: 'auto:links, auto:fast_posting', after: { status: 'pending', rules: ['auto:links', 'auto:fast_posting'] } }]);
  });

  it('keeps settings editable by admins only, audited, and validated', async () => {
    expect(code(await t.admin(moderatorToken).send(UPDATE_SETTINGS, { input: { maxLinks: 5 } }))).toBe('FORBIDDEN');
    expect(code(await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { postRateLimit: 0 } }))).toBe('BAD_USER_INPUT');
    // Null turns off only the rules that can be off; a limit or window cannot be null.
    expect(code(await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { flagRateWindowSeconds: null } }))).toBe('BAD_USER_INPUT');
    expect(code(await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { holdTrustLevelZero: null } }))).toBe('BAD_USER_INPUT');
    expect(code(await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { maxLinks: null } }))).toBeUndefined();
    const res = await t.admin(adminToken).send(UPDATE_SETTINGS, { input: { maxLinks: 5 } });
    expect(res.data?.updateAutoModerationSettings.maxLinks).toBe(5);
    expect((await t.admin(moderatorToken).send(SETTINGS)).data?.autoModerationSettings.maxLinks).toBe(5);
    const [entry] = await t.dataSource.query(`SELECT before, after FROM audit_entries WHERE action = 'automod.settings_update' ORDER BY occurred_at DESC LIMIT 1`);
    expect(entry).toEqual({ before: { maxLinks: null }, after: { maxLinks: 5 } });
  });
});
