import { Role } from '../src/users/role.enum';
import { ASK, EDIT, ForumFactory, REPLY } from './factories/forum';
import { expectData } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

/**
 * Findings of the December 2026 attacker's audit of the running product, each the smallest request that showed the
 * defect (docs/api.md and docs/moderation.md describe the behaviour now).
 */
describe('attacker audit 2026-12', () => {
  let t: TestApp;
  let admin: GraphqlClient;
  let forum: ForumFactory;

  beforeAll(async () => {
    t = await createTestApp();
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    forum = new ForumFactory(admin);
  });
  afterAll(() => t.close());

  const count = async (sql: string, params: unknown[]): Promise<number> => ((await t.dataSource.query(sql, params)) as { n: number }[])[0].n;

  describe('editing a visible post past auto-moderation', () => {
    const LINKS = Array.from({ length: 8 }, (_, i) => `https://shop${i}.example.com/`).join(' ');
    let boardId: string;
    let member: GraphqlClient;

    beforeAll(async () => {
      expectData(await admin.send(`mutation ($input: AddBlockedPatternInput!) { addBlockedPattern(input: $input) { id } }`, { input: { kind: 'Word', pattern: 'zqcasino' } }), 'addBlockedPattern');
      boardId = (await forum.board({ moderationPolicy: 'Open' })).id;
      member = t.delivery(await t.login(await t.createUser()));
    });

    it('holds the same text as a new reply (the rules work)', async () => {
      const thread = await forum.thread(t.delivery(await t.login(await t.createUser())), boardId);
      for (const bodyMarkdown of ['Visit zqcasino for chips', `Deals: ${LINKS}`]) {
        const reply = expectData<{ status: string }>(await member.send(REPLY, { input: { threadId: thread.id, bodyMarkdown } }), 'replyToThread');
        expect(reply.status).toBe('Pending');
      }
    });

    it.each([
      ['a blocked word', { bodyMarkdown: 'Visit zqcasino for chips' }, ['auto:blocked_words']],
      ['too many links', { bodyMarkdown: `Deals: ${LINKS}` }, ['auto:links']],
      ['both', { bodyMarkdown: `zqcasino ${LINKS}` }, ['auto:blocked_words', 'auto:links']],
    ])('refuses an edit that adds %s with FORBIDDEN and keeps the published text', async (_what, edit, rules) => {
      const thread = await forum.thread(t.delivery(await t.login(await t.createUser())), boardId);
      const reply = expectData<{ id: string; status: string }>(await member.send(REPLY, { input: { threadId: thread.id, bodyMarkdown: 'Thanks, that helped.' } }), 'replyToThread');
      expect(reply.status).toBe('Visible');

      const res = await member.send(EDIT, { input: { postId: reply.id, baseRevisionNumber: 1, ...edit } });

      expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EDIT_WOULD_BE_HELD', rules });
      const [row] = await t.dataSource.query('SELECT body_markdown, revision_number, status FROM posts WHERE id = $1', [reply.id]);
      expect(row).toEqual({ body_markdown: 'Thanks, that helped.', revision_number: 1, status: 'visible' });
      expect(await count('SELECT count(*)::int AS n FROM post_revisions WHERE post_id = $1', [reply.id])).toBe(1);
    });

    it('refuses a blocked word in a question’s new title, and lets clean edits, pending posts and staff through', async () => {
      const asked = expectData<{ id: string; question: { id: string } }>(
        await member.send(ASK, { input: { boardId, title: 'How do I export my invoices?', bodyMarkdown: 'I cannot find the button.' } }),
        'askQuestion',
      );
      const retitled = await member.send(EDIT, { input: { postId: asked.question.id, baseRevisionNumber: 1, bodyMarkdown: 'I cannot find the button.', title: 'zqcasino chips here' } });
      expect(retitled.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EDIT_WOULD_BE_HELD' });
      expect(await count(`SELECT count(*)::int AS n FROM threads WHERE id = $1 AND title = 'How do I export my invoices?'`, [asked.id])).toBe(1);

      const clean = await member.send(EDIT, { input: { postId: asked.question.id, baseRevisionNumber: 1, bodyMarkdown: 'I cannot find the export button.' } });
      expect(clean.errors).toBeUndefined();

      // A held post is read by a moderator before anyone else sees it: editing it stays possible.
      const held = expectData<{ id: string; status: string }>(await member.send(REPLY, { input: { threadId: asked.id, bodyMarkdown: `Deals: ${LINKS}` } }), 'replyToThread');
      expect(held.status).toBe('Pending');
      expect((await member.send(EDIT, { input: { postId: held.id, baseRevisionNumber: 1, bodyMarkdown: `More deals: ${LINKS} zqcasino` } })).errors).toBeUndefined();

      const moderator = t.delivery(await t.login(await t.createUser({ role: Role.Moderator })));
      const staffReply = expectData<{ id: string }>(await moderator.send(REPLY, { input: { threadId: asked.id, bodyMarkdown: 'See the guide.' } }), 'replyToThread');
      expect((await moderator.send(EDIT, { input: { postId: staffReply.id, baseRevisionNumber: 1, bodyMarkdown: `Sources: ${LINKS}` } })).errors).toBeUndefined();
    });
  });

  describe('lists of 150,000 items in variables', () => {
    const SEARCH = 'query ($input: SearchInput!) { search(input: $input) { total } }';
    const QUEUE = 'query ($kinds: [ModerationQueueItemKind!]) { moderationQueue(kinds: $kinds) { __typename } }';
    const long = (item: string, length = 150_000): string[] => Array.from({ length }, () => item);

    it.each([
      ['search kinds (no bound)', 'delivery', SEARCH, { input: { text: 'invoice', filters: { kinds: long('Thread') } } }, 'input.filters.kinds'],
      ['search facets (no bound)', 'delivery', SEARCH, { input: { text: 'invoice', facets: long('Tag') } }, 'input.facets'],
      ['search tags (at most 50)', 'delivery', SEARCH, { input: { text: 'invoice', filters: { tags: long('a') } } }, 'input.filters.tags'],
      ['moderation queue kinds (no bound)', 'admin', QUEUE, { kinds: long('Flag') }, 'kinds'],
    ])('refuses %s at the edge with BAD_USER_INPUT naming the variable', async (_name, api, query, variables, path) => {
      const client = api === 'admin' ? admin : t.delivery();
      const res = await client.send(query, variables);
      expect(res.status).toBe(400);
      expect(res.data).toBeNull();
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: path });
      expect(res.errors?.[0].message).toBe(`Variable $${path} holds 150000 items; a list takes at most 1000`);
    });

    it.each([
      ['search kinds', 'delivery', SEARCH, { input: { text: 'invoice', filters: { kinds: long('Thread', 11) } } }],
      ['search facets', 'delivery', SEARCH, { input: { text: 'invoice', facets: long('Tag', 11) } }],
      ['admin search facets', 'admin', 'query ($input: AdminSearchInput!) { adminSearch(input: $input) { total } }', { input: { text: 'invoice', facets: long('Tag', 11) } }],
      ['moderation queue kinds', 'admin', QUEUE, { kinds: long('Flag', 11) }],
    ])('bounds %s like every other list input (at most 10)', async (_name, api, query, variables) => {
      const client = api === 'admin' ? admin : t.delivery();
      expect((await client.send(query, variables)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      const [key, value] = Object.entries(variables)[0];
      const fits = JSON.parse(JSON.stringify(value).replace(/\[("[A-Za-z]+",)+("[A-Za-z]+")\]/, (list) => JSON.stringify(JSON.parse(list).slice(0, 10))));
      expect((await client.send(query, { [key]: fits })).errors).toBeUndefined();
    });
  });
});
