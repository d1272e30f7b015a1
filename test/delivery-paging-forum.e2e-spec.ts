import { MemberNotificationKind } from '../src/notifications/member-notification-kind.enum';
import { MemberNotificationsService } from '../src/notifications/member-notifications.service';
import { Role } from '../src/users/role.enum';
import { ACCEPT, ForumFactory } from './factories/forum';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const POSTS = `query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  thread(id: $id) { posts(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id bodyMarkdown isAccepted } }
  } }
}`;
const THREAD_SITEMAP = `query ($first: Int, $after: String, $last: Int, $before: String) {
  threadSitemap(first: $first, after: $after, last: $last, before: $before) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { slug } }
  }
}`;
const NOTIFICATIONS = `query ($first: Int, $after: String, $last: Int, $before: String) {
  notifications(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { summary } }
  }
}`;

interface Page<N> {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { node: N }[];
}

describe('delivery API: backward paging of thread replies, the thread sitemap and notifications', () => {
  let t: TestApp;
  let forum: ForumFactory;
  let ann: GraphqlClient;
  let bob: GraphqlClient;
  let annId: string;

  const member = async (displayName: string): Promise<{ id: string; client: GraphqlClient }> => {
    const user = await t.createUser({ role: Role.Member, displayName });
    await t.dataSource.query('UPDATE users SET trust_level = 2 WHERE id = $1', [user.user.id]);
    return { id: user.user.id, client: t.delivery(await t.login(user)) };
  };

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000');
    forum = new ForumFactory(t.admin(await t.login(await t.createUser({ role: Role.Moderator }))));
    ({ id: annId, client: ann } = await member('Ann'));
    ({ client: bob } = await member('Bob'));
  });
  afterAll(() => t.close());

  async function page<N>(client: GraphqlClient, query: string, variables: Record<string, unknown>, pick: (data: Record<string, any>) => Page<N>): Promise<Page<N>> {
    const res = await client.send(query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return pick(res.data!);
  }

  it('pages replies (accepted answer first, then oldest first) both ways across a page boundary', async () => {
    const board = await forum.board();
    const thread = await forum.thread(ann, board.id);
    const replies = [];
    for (let i = 1; i <= 5; i += 1) replies.push(await forum.reply(bob, thread.id, `Reply ${i}`));
    expect((await ann.send(ACCEPT, { input: { postId: replies[2].id } })).errors).toBeUndefined();
    const order = ['Reply 3', 'Reply 1', 'Reply 2', 'Reply 4', 'Reply 5'];
    const posts = (data: Record<string, any>): Page<{ bodyMarkdown: string }> => data.thread.posts;
    const bodies = (p: Page<{ bodyMarkdown: string }>): string[] => p.edges.map((e) => e.node.bodyMarkdown);

    const first = await page(ann, POSTS, { id: thread.id, first: 2 }, posts);
    expect(bodies(first)).toEqual(order.slice(0, 2));
    const second = await page(ann, POSTS, { id: thread.id, first: 2, after: first.pageInfo.endCursor }, posts);
    expect(bodies(second)).toEqual(order.slice(2, 4));
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const back = await page(ann, POSTS, { id: thread.id, last: 2, before: second.pageInfo.startCursor }, posts);
    expect(bodies(back)).toEqual(order.slice(0, 2));
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.pageInfo.startCursor });
    const tail = await page(ann, POSTS, { id: thread.id, last: 3 }, posts);
    expect(bodies(tail)).toEqual(order.slice(2));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(tail.totalCount).toBe(5);

    const mixed = await ann.send(POSTS, { id: thread.id, first: 2, last: 2 });
    expect(mixed.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses well-formed cursors whose values are not the list’s key with BAD_USER_INPUT', async () => {
    const board = await forum.board();
    const thread = await forum.thread(ann, board.id);
    const cursor = (parts: unknown[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const forged = [['x', 'y', 'z'], [1, '2026-13-45T99:99:99Z', '00000000-0000-0000-0000-000000000000'], [1e308, 1e308, 1e308], ['\u0000', 'x', 'y']];
    for (const parts of forged) {
      for (const [query, variables] of [
        ['query ($after: String) { threads(after: $after) { edges { cursor } } }', { after: cursor(parts) }],
        ['query ($before: String) { threads(last: 2, before: $before, sort: Top) { edges { cursor } } }', { before: cursor(parts) }],
        [POSTS, { id: thread.id, first: 2, after: cursor(parts) }],
      ] as const) {
        const res = await ann.send(query, variables);
        expect([query.slice(0, 40), parts, res.errors?.[0].extensions.code]).toEqual([query.slice(0, 40), parts, 'BAD_USER_INPUT']);
      }
    }
    // The article sitemap's key is two strings (locale, slug): any pair pages, but not text PostgreSQL cannot hold.
    const sitemap = await ann.send('query ($after: String) { sitemap(after: $after) { edges { cursor } } }', { after: cursor(['\u0000', 'x']) });
    expect(sitemap.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('pages the thread sitemap backwards', async () => {
    const board = await forum.board();
    for (let i = 0; i < 3; i += 1) {
      const thread = await forum.thread(ann, board.id);
      const reply = await forum.reply(bob, thread.id, `Answer ${i}`);
      expect((await ann.send(ACCEPT, { input: { postId: reply.id } })).errors).toBeUndefined();
    }
    const sitemap = (data: Record<string, any>): Page<{ slug: string }> => data.threadSitemap;
    const all = (await page(t.delivery(), THREAD_SITEMAP, { first: 100 }, sitemap)).edges.map((e) => e.node.slug);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const end = await page(t.delivery(), THREAD_SITEMAP, { last: 2 }, sitemap);
    expect(end.edges.map((e) => e.node.slug)).toEqual(all.slice(-2));
    expect(end.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await page(t.delivery(), THREAD_SITEMAP, { last: 1, before: end.pageInfo.startCursor }, sitemap);
    expect(before.edges.map((e) => e.node.slug)).toEqual(all.slice(-3, -2));
  });

  it('pages a member’s notifications backwards, newest first', async () => {
    const service = t.app.get(MemberNotificationsService);
    const recipient = await member('Cy');
    for (let i = 1; i <= 4; i += 1) {
      await t.dataSource.transaction((tx) =>
        service.notify(tx, {
          recipientId: recipient.id,
          actorId: annId,
          kind: MemberNotificationKind.Mention,
          subjectKind: 'post',
          subjectId: '00000000-0000-4000-8000-000000000002',
          summary: `Notification ${i}`,
          dedupeKey: `paging:${i}`,
        }),
      );
    }
    const list = (data: Record<string, any>): Page<{ summary: string }> => data.notifications;
    const summaries = (p: Page<{ summary: string }>): string[] => p.edges.map((e) => e.node.summary);
    const first = await page(recipient.client, NOTIFICATIONS, { first: 2 }, list);
    expect(summaries(first)).toEqual(['Notification 4', 'Notification 3']);
    const end = await page(recipient.client, NOTIFICATIONS, { last: 2 }, list);
    expect(summaries(end)).toEqual(['Notification 2', 'Notification 1']);
    expect(end.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await page(recipient.client, NOTIFICATIONS, { last: 2, before: end.pageInfo.startCursor }, list);
    expect(summaries(back)).toEqual(['Notification 4', 'Notification 3']);
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const forged = await recipient.client.send(NOTIFICATIONS, { last: 2, before: 'nope' });
    expect(forged.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'before' }] });
  });
});
