import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { digestUnsubscribeUrl } from '../src/notifications/unsubscribe/digest-unsubscribe-link';
import { Role } from '../src/users/role.enum';
import { UsersService } from '../src/users/users.service';
import { ASK, FLAG, FOLLOW, REPLY, VOTE } from './factories/forum';
import { KnowledgeBaseFactory, PUBLISH } from './factories/knowledge-base';
import { ForumRows } from './factories/moderation-forum';
import { createTestApp, GraphqlResponse, TestApp, TestUser } from './support/create-test-app';

const EXPORT = '{ exportMyData { exportedAt json } }';
const DELETE = 'mutation ($input: DeleteMyAccountInput!) { deleteMyAccount(input: $input) { deletedAt } }';
const ARTICLE = 'query ($id: ID) { article(id: $id) { id authorName } }';
const SIGN_UP = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }';

/** Privacy audit (Dec 2026): what a deleted account leaves behind, what the export holds, races, resurrection. */
describe('privacy audit 2026-12: erasure, export, races, resurrection', () => {
  let t: TestApp;
  let rows: ForumRows;
  let boardId: string;

  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_ACQUIRE_TIMEOUT_MS: '30000' });
    rows = new ForumRows(t.dataSource);
    boardId = await rows.board();
  });
  afterAll(() => t.close());

  async function member(displayName = 'Ana Privacy'): Promise<{ member: TestUser; token: string }> {
    const created = await t.createUser({ displayName });
    await t.dataSource.query('UPDATE users SET trust_level = 3 WHERE id = $1', [created.user.id]);
    return { member: created, token: await t.login(created) };
  }

  async function deleteAccount(user: TestUser, token: string): Promise<string> {
    const res = await t.delivery(token).send(DELETE, { input: { password: user.password } });
    expect(res.errors).toBeUndefined();
    return res.data!.deleteMyAccount.deletedAt;
  }

  /**
   * Runs `steps` while a transaction of its own holds the rows `lock` (SQL and parameters) locks, then ends it with
   * `end`. `waiters(n, done)` waits until n statements of this database wait for a lock (or `done()` says the awaited
   * request finished) and answers how many do. Own connections: the app's pool is what the waiting requests fill.
   */
  async function whileLocked(
    lock: { sql: string; params: unknown[] },
    steps: (waiters: (n: number, done?: () => boolean) => Promise<number>) => Promise<void>,
    end: 'COMMIT' | 'ROLLBACK' = 'COMMIT',
  ): Promise<void> {
    const holder = new Client({ connectionString: t.databaseUrl });
    const watcher = new Client({ connectionString: t.databaseUrl });
    await holder.connect();
    await watcher.connect();
    const count = async (): Promise<number> => {
      const { rows } = await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      return (rows[0] as { n: number }).n;
    };
    const waiters = async (n: number, done: () => boolean = () => false): Promise<number> => {
      for (let i = 0; i < 100 && !done() && (await count()) < n; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      return count();
    };
    try {
      await holder.query('BEGIN');
      await holder.query(lock.sql, lock.params);
      await steps(waiters);
    } finally {
      await holder.query(end);
      await holder.end();
      await watcher.end();
    }
  }

  function codeOf(res: GraphqlResponse): string {
    return res.errors?.[0]?.extensions.code ?? 'ok';
  }

  it('erases auto-moderation fingerprints, rate counters and the recurring-questions link to the member', async () => {
    const { member: ana, token } = await member();
    const other = await t.createUser();
    const asked = await t.delivery(token).send(ASK, { input: { boardId, title: 'Where is my invoice archive?', bodyMarkdown: 'I cannot find the invoice archive.' } });
    expect(asked.errors).toBeUndefined();
    const { threadId: othersThread } = await rows.thread({ boardId, authorId: other.user.id });
    expect((await t.delivery(token).send(FLAG, { input: { threadId: othersThread, kind: 'Spam' } })).errors).toBeUndefined();
    await t.dataSource.query(
      `INSERT INTO recurring_questions (scope, source_id, title, question, author_id, created_at) VALUES ('forum:privacy', $1, 'Invoice archive', 'Where is it?', $2, now())`,
      [asked.data!.askQuestion.id, ana.user.id],
    );

    await deleteAccount(ana, token);

    const [left] = (await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM post_fingerprints WHERE author_id = $1) AS fingerprints,
              (SELECT count(*)::int FROM moderation_rate_counters WHERE counter_key LIKE '%' || $1::text || '%') AS counters,
              (SELECT count(*)::int FROM recurring_questions WHERE author_id = $1::text) AS recurring_linked,
              (SELECT count(*)::int FROM recurring_questions WHERE scope = 'forum:privacy' AND author_id IS NULL) AS recurring_kept`,
      [ana.user.id],
    )) as Record<string, number>[];
    expect(left).toEqual({ fingerprints: 0, counters: 0, recurring_linked: 0, recurring_kept: 1 });
  });

  it("drops cached article responses that show a deleted editor's name", async () => {
    const editor = await t.createUser({ role: Role.Editor, displayName: 'Erin Editor' });
    const editorToken = await t.login(editor);
    const kb = new KnowledgeBaseFactory(t.admin(editorToken));
    const category = await kb.category('Privacy cache');
    const article = await kb.published(category.id, { title: 'Export your invoices' });
    const read = (): Promise<GraphqlResponse> => t.delivery().send(ARTICLE, { id: article.id });
    let cached: GraphqlResponse | undefined;
    for (let i = 0; i < 5 && cached?.headers['x-cache'] !== 'HIT'; i += 1) cached = await read();
    expect(cached?.headers['x-cache']).toBe('HIT');
    expect(cached?.data?.article.authorName).toBe('Erin Editor');

    const { member: reader, token: readerToken } = await member('Rita Reader');
    const feedback = await t.delivery(readerToken).send('mutation ($input: ArticleFeedbackInput!) { submitArticleFeedback(input: $input) { __typename } }', {
      input: { articleId: article.id, locale: 'en', helpful: true, comment: 'Found it' },
    });
    expect(feedback.errors).toBeUndefined();
    const [{ client_key: readerKey }] = (await t.dataSource.query('SELECT client_key FROM article_feedback WHERE member_id = $1', [reader.user.id])) as { client_key: string }[];
    await deleteAccount(reader, readerToken);
    // The one-a-day key is an HMAC of the member id: whoever holds the secret could link the kept comment back.
    const kept = (await t.dataSource.query(`SELECT member_id, client_key FROM article_feedback WHERE comment = 'Found it'`)) as { member_id: string | null; client_key: string }[];
    expect(kept).toEqual([{ member_id: null, client_key: expect.not.stringContaining(readerKey) }]);

    await deleteAccount(editor, editorToken);

    // The cache hears of changes by NOTIFY at commit: give it a moment, then the name must be gone.
    let name: string | undefined;
    for (let i = 0; i < 20; i += 1) {
      name = (await read()).data?.article.authorName;
      if (name !== 'Erin Editor') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(name).toBe('Deleted member');
  });

  it("removes the member's name from the credit line of articles promoted from threads they answered", async () => {
    const editor = await t.createUser({ role: Role.Editor });
    const editorToken = await t.login(editor);
    const kb = new KnowledgeBaseFactory(t.admin(editorToken));
    const category = await kb.category('Promoted answers');
    const asker = await t.createUser();
    const { member: ana, token } = await member('Ana <Helper> & Co');
    const { threadId } = await rows.thread({ boardId, authorId: asker.user.id, title: 'How do I export invoices as CSV?', body: 'I need CSV.' });
    const answer = await rows.reply({ threadId, authorId: ana.user.id, body: 'Open **Reports**, then *Export*.' });
    await t.dataSource.query('UPDATE threads SET accepted_post_id = $2, is_solved = true, solved_at = now() WHERE id = $1', [threadId, answer]);
    const promoted = await t.admin(editorToken).send('mutation ($input: PromoteThreadInput!) { promoteThreadToArticle(input: $input) { articleId } }', {
      input: { threadId, categoryId: category.id },
    });
    expect(promoted.errors).toBeUndefined();
    const articleId = promoted.data!.promoteThreadToArticle.articleId as string;
    const [{ id: revisionId }] = (await t.dataSource.query('SELECT id FROM article_revisions WHERE article_id = $1 ORDER BY number DESC LIMIT 1', [articleId])) as { id: string }[];
    expect((await t.admin(editorToken).send(PUBLISH, { input: { articleId, revisionId } })).errors).toBeUndefined();
    const page = async (): Promise<string> => (await t.delivery().send('query ($id: ID) { article(id: $id) { bodyHtml } }', { id: articleId })).data?.article.bodyHtml;
    expect(await page()).toContain('answered by Ana &lt;Helper&gt; &amp; Co');

    await deleteAccount(ana, token);

    const stored = (await t.dataSource.query('SELECT body_markdown, body_html, body_text FROM article_revisions WHERE article_id = $1', [articleId])) as Record<string, string>[];
    expect(stored.length).toBeGreaterThan(0);
    for (const revision of stored) {
      expect(Object.values(revision).join('\n')).not.toMatch(/Helper/);
      expect(revision.body_text).toContain('answered by a former member');
    }
    let html = '';
    for (let i = 0; i < 20; i += 1) {
      html = await page();
      if (!html.includes('Helper')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(html).toContain('answered by a former member');
    expect(html).not.toContain('Helper');
  });

  it('announces the threads a deleted member wrote in to webhook consumers, so CDNs purge pages showing the old name', async () => {
    const { member: ana, token } = await member();
    const other = await t.createUser();
    const asked = await t.delivery(token).send(ASK, { input: { boardId, title: 'A thread I started', bodyMarkdown: 'Hello.' } });
    expect(asked.errors).toBeUndefined();
    const { threadId: repliedIn } = await rows.thread({ boardId, authorId: other.user.id });
    expect((await t.delivery(token).send(REPLY, { input: { threadId: repliedIn, bodyMarkdown: 'My reply.' } })).errors).toBeUndefined();
    const [endpoint] = (await t.dataSource.query(
      `INSERT INTO webhook_endpoints (url, event_types, secret, is_enabled) VALUES ('http://127.0.0.1:9/purge', '{thread.changed}', 'secret-secret-secret', false) RETURNING id`,
    )) as { id: string }[];
    try {
      // Disabled endpoints get nothing: enable it only for the deletion (no delivery attempt races the assertion).
      await t.dataSource.query('UPDATE webhook_endpoints SET is_enabled = true WHERE id = $1', [endpoint.id]);
      await deleteAccount(ana, token);
    } finally {
      await t.dataSource.query('UPDATE webhook_endpoints SET is_enabled = false WHERE id = $1', [endpoint.id]);
    }
    const events = (await t.dataSource.query(
      `SELECT e.data->>'threadId' AS thread_id, e.surrogate_keys FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id
       WHERE d.endpoint_id = $1 AND e.type = 'thread.changed' ORDER BY 1`,
      [endpoint.id],
    )) as { thread_id: string; surrogate_keys: string[] }[];
    expect(events.map((event) => event.thread_id).sort()).toEqual([asked.data!.askQuestion.id, repliedIn].sort());
    for (const event of events) expect(event.surrogate_keys).toContain(`thread:${event.thread_id}`);
    expect(JSON.stringify(events)).not.toMatch(/Ana Privacy|@/);

    // The pages themselves read the name when asked: the QAPage JSON-LD names the deleted member no more.
    const askedId = asked.data!.askQuestion.id as string;
    const answer = await rows.reply({ threadId: askedId, authorId: other.user.id, body: 'The answer.' });
    await t.dataSource.query('UPDATE threads SET accepted_post_id = $2, is_solved = true, solved_at = now() WHERE id = $1', [askedId, answer]);
    const jsonLd = (await t.delivery().send('query ($id: ID) { thread(id: $id) { jsonLd } }', { id: askedId })).data?.thread.jsonLd as string;
    expect(jsonLd).toContain('"name":"Deleted member"');
    expect(jsonLd).not.toContain('Ana Privacy');
  });

  it("shows a deleted member's content without the badge that could single them out (staff, trust level)", async () => {
    const moderator = await t.createUser({ role: Role.Moderator, displayName: 'Mo Derator' });
    const token = await t.login(moderator);
    await t.dataSource.query('UPDATE users SET trust_level = 4 WHERE id = $1', [moderator.user.id]);
    const { threadId } = await rows.thread({ boardId, authorId: moderator.user.id });
    await deleteAccount(moderator, token);
    const res = await t.delivery().send('query ($id: ID) { thread(id: $id) { author { displayName trustLevel badge } question { author { displayName trustLevel badge } } } }', { id: threadId });
    expect(res.errors).toBeUndefined();
    const anonymous = { displayName: 'Deleted member', trustLevel: 0, badge: 'New' };
    expect(res.data?.thread).toEqual({ author: anonymous, question: { author: anonymous } });
    const [row] = (await t.dataSource.query('SELECT role, trust_level, trust_level_locked FROM users WHERE id = $1', [moderator.user.id])) as Record<string, unknown>[];
    expect(row).toEqual({ role: 'member', trust_level: 0, trust_level_locked: false });
  });

  it('a reply, vote, follow or flag racing the deletion lands before it (and is erased) or is refused; no row stays linked, no 500', async () => {
    const { member: ana, token } = await member();
    const other = await t.createUser();
    const { threadId } = await rows.thread({ boardId, authorId: other.user.id });
    const othersReply = await rows.reply({ threadId, authorId: other.user.id });
    const client = t.delivery(token);

    // Hold the thread so that the member's writes start (past authentication) and wait, while the deletion runs.
    let writes: Promise<GraphqlResponse>[] = [];
    let deletion!: Promise<GraphqlResponse>;
    await whileLocked({ sql: 'SELECT 1 FROM threads WHERE id = $1 FOR UPDATE', params: [threadId] }, async (waiters) => {
      writes = [
        client.send(REPLY, { input: { threadId, bodyMarkdown: 'Written while my account is being deleted.' } }),
        client.send(VOTE, { input: { postId: othersReply, value: 'Up' } }),
        client.send(FOLLOW, { input: { threadId } }),
        client.send(FLAG, { input: { threadId, kind: 'Spam' } }),
      ];
      expect(await waiters(4)).toBeGreaterThanOrEqual(4);
      let settled = false;
      deletion = client.send(DELETE, { input: { password: ana.password } }).finally(() => {
        settled = true;
      });
      // Either the deletion finishes (nothing holds it back) or it waits for the member's writes.
      await waiters(5, () => settled);
    });
    const answers = await Promise.all([...writes, deletion]);
    expect(answers.map(codeOf).filter((code) => code !== 'ok' && code !== 'UNAUTHENTICATED')).toEqual([]);
    expect(codeOf(answers[4])).toBe('ok');
    const deletedAt = answers[4].data!.deleteMyAccount.deletedAt as string;

    const [left] = (await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM thread_follows WHERE user_id = $1) AS follows,
              (SELECT count(*)::int FROM post_votes WHERE voter_id = $1) AS votes,
              (SELECT count(*)::int FROM flags WHERE flagger_id = $1) AS flags,
              (SELECT count(*)::int FROM posts WHERE author_id = $1 AND created_at > $2) AS posts_after,
              (SELECT upvote_count FROM posts WHERE id = $3) AS upvotes`,
      [ana.user.id, deletedAt, othersReply],
    )) as Record<string, number>[];
    expect(left).toEqual({ follows: 0, votes: 0, flags: 0, posts_after: 0, upvotes: 0 });
  });

  it('article feedback racing the deletion is written before it (and unlinked) or refused, never left linked', async () => {
    const editor = await t.createUser({ role: Role.Editor });
    const kb = new KnowledgeBaseFactory(t.admin(await t.login(editor)));
    const article = await kb.published((await kb.category('Feedback race')).id, { title: 'Feedback race article' });
    const { member: ana, token } = await member();
    const [{ revision_id: revisionId }] = (await t.dataSource.query(`SELECT published_revision_id AS revision_id FROM article_locales WHERE article_id = $1 AND locale = 'en'`, [article.id])) as {
      revision_id: string;
    }[];
    // The member's one-a-day key (FeedbackService.clientKey): a row holding it, uncommitted, makes the member's vote wait.
    const day = new Date().toISOString().slice(0, 10);
    const key = createHmac('sha256', t.config.auth.jwtSecret ?? '').update(`feedback:${day}:member:${ana.user.id}`).digest('base64url');
    let vote!: Promise<GraphqlResponse>;
    let deletion!: Promise<GraphqlResponse>;
    const held = {
      sql: `INSERT INTO article_feedback (article_id, locale, revision_id, is_helpful, comment, member_id, client_key, day) VALUES ($1, 'en', $2, true, NULL, NULL, $3, $4)`,
      params: [article.id, revisionId, key, day],
    };
    await whileLocked(
      held,
      async (waiters) => {
        vote = t.delivery(token).send('mutation ($input: ArticleFeedbackInput!) { submitArticleFeedback(input: $input) { __typename } }', {
          input: { articleId: article.id, locale: 'en', helpful: false, comment: 'Sent while leaving' },
        });
        expect(await waiters(1)).toBe(1);
        let settled = false;
        deletion = t.delivery(token).send(DELETE, { input: { password: ana.password } }).finally(() => {
          settled = true;
        });
        await waiters(2, () => settled);
      },
      'ROLLBACK',
    );
    const [voted, deleted] = await Promise.all([vote, deletion]);
    expect(codeOf(deleted)).toBe('ok');
    expect(['ok', 'UNAUTHENTICATED']).toContain(codeOf(voted));
    const linked = (await t.dataSource.query('SELECT client_key FROM article_feedback WHERE member_id = $1 OR client_key = $2', [ana.user.id, key])) as unknown[];
    expect(linked).toEqual([]);
  });

  it('a personal access token created while the account is being deleted is refused, not left behind', async () => {
    const editor = await t.createUser({ role: Role.Editor });
    const token = await t.login(editor);
    expect((await t.delivery(token).send('mutation { updateNotificationSettings(input: { emailDigest: true }) { emailDigest } }')).errors).toBeUndefined();
    let deletion!: Promise<GraphqlResponse>;
    let created!: Promise<GraphqlResponse>;
    // The deletion takes the account row, then waits here (erasing the settings row) while the token is asked for.
    await whileLocked({ sql: 'SELECT 1 FROM notification_settings WHERE user_id = $1 FOR UPDATE', params: [editor.user.id] }, async (waiters) => {
      deletion = t.delivery(token).send(DELETE, { input: { password: editor.password } });
      expect(await waiters(1)).toBe(1);
      created = t.admin(token).send('mutation ($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { token } }', { input: { name: 'Made while leaving' } });
      await waiters(2);
    });
    const [deleted, token2] = await Promise.all([deletion, created]);
    expect(codeOf(deleted)).toBe('ok');
    expect(codeOf(token2)).toBe('UNAUTHENTICATED');
    const [left] = (await t.dataSource.query('SELECT count(*)::int AS n FROM access_tokens WHERE user_id = $1', [editor.user.id])) as { n: number }[];
    expect(left.n).toBe(0);
  });

  it('a notification raised for the member while the deletion runs is not left behind', async () => {
    const { member: ana, token } = await member();
    const { member: bob, token: bobToken } = await member('Bob Replier');
    const { threadId } = await rows.thread({ boardId, authorId: bob.user.id });
    expect((await t.delivery(token).send(FOLLOW, { input: { threadId } })).errors).toBeUndefined();
    expect((await t.delivery(token).send('mutation { updateNotificationSettings(input: { emailDigest: true }) { emailDigest } }')).errors).toBeUndefined();
    let deletion!: Promise<GraphqlResponse>;
    let reply!: Promise<GraphqlResponse>;
    // The deletion takes the account row, then waits here (erasing the settings row) while Bob replies.
    await whileLocked({ sql: 'SELECT 1 FROM notification_settings WHERE user_id = $1 FOR UPDATE', params: [ana.user.id] }, async (waiters) => {
      deletion = t.delivery(token).send(DELETE, { input: { password: ana.password } });
      expect(await waiters(1)).toBe(1);
      reply = t.delivery(bobToken).send(REPLY, { input: { threadId, bodyMarkdown: 'A reply Ana follows.' } });
      await waiters(2);
    });
    const [deleted, replied] = await Promise.all([deletion, reply]);
    expect(codeOf(deleted)).toBe('ok');
    expect(codeOf(replied)).toBe('ok');
    const [left] = (await t.dataSource.query('SELECT count(*)::int AS n FROM member_notifications WHERE recipient_id = $1', [ana.user.id])) as { n: number }[];
    expect(left.n).toBe(0);
  });

  it('answers writes with the token of a deleted account UNAUTHENTICATED, also when sent in parallel with the deletion', async () => {
    const { member: ana, token } = await member();
    const other = await t.createUser();
    const { threadId } = await rows.thread({ boardId, authorId: other.user.id });
    const client = t.delivery(token);
    const answers = await Promise.all([
      client.send(DELETE, { input: { password: ana.password } }),
      ...Array.from({ length: 8 }, (_, i) => client.send(REPLY, { input: { threadId, bodyMarkdown: `Parallel reply ${i}` } })),
      client.send(FOLLOW, { input: { threadId } }),
    ]);
    expect(codeOf(answers[0])).toBe('ok');
    expect(answers.map(codeOf).filter((code) => code !== 'ok' && code !== 'UNAUTHENTICATED' && code !== 'RATE_LIMITED')).toEqual([]);
    const after = await client.send(REPLY, { input: { threadId, bodyMarkdown: 'After the deletion' } });
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    const [left] = (await t.dataSource.query('SELECT count(*)::int AS n FROM thread_follows WHERE user_id = $1', [ana.user.id])) as { n: number }[];
    expect(left.n).toBe(0);
  });

  it('bounds exports: 20 parallel requests by one member run a few and refuse the rest RATE_LIMITED, never 500', async () => {
    const { token } = await member();
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.delivery(token).send(EXPORT)));
    const codes = answers.map(codeOf);
    expect(codes.filter((code) => code !== 'ok' && code !== 'RATE_LIMITED')).toEqual([]);
    expect(codes.filter((code) => code === 'ok').length).toBe(3);
    const refused = answers.find((res) => codeOf(res) === 'RATE_LIMITED')!;
    expect(refused.errors![0].extensions.retryAfterSeconds).toEqual(expect.any(Number));
  });

  it("exports the member's forum data and nothing about who flagged them", async () => {
    const { member: ana, token } = await member();
    const bob = await t.createUser({ displayName: 'Bob Flagger' });
    const client = t.delivery(token);
    const asked = await client.send(ASK, { input: { boardId, title: 'How do I close my account?', bodyMarkdown: 'Looking for the button.' } });
    expect(asked.errors).toBeUndefined();
    const { threadId, questionId } = await rows.thread({ boardId, authorId: bob.user.id });
    expect((await client.send(VOTE, { input: { postId: questionId, value: 'Up' } })).errors).toBeUndefined();
    expect((await client.send(FOLLOW, { input: { threadId } })).errors).toBeUndefined();
    await rows.flag({ threadId: asked.data!.askQuestion.id, flaggerId: bob.user.id, kind: 'other', note: 'Bob thinks Ana is a sock puppet' });

    const res = await client.send(EXPORT);
    expect(res.errors).toBeUndefined();
    const text = res.data!.exportMyData.json as string;
    const data = JSON.parse(text);
    expect(data.forumThreads).toEqual([expect.objectContaining({ title: 'How do I close my account?' })]);
    expect(data.forumPosts).toEqual([expect.objectContaining({ bodyMarkdown: 'Looking for the button.' })]);
    expect(data.forumVotes).toEqual([expect.objectContaining({ postId: questionId, value: 1 })]);
    expect(data.forumFollows).toEqual(expect.arrayContaining([expect.objectContaining({ threadId })]));
    expect(text).toContain(ana.user.email);
    expect(text).not.toContain(bob.user.email);
    expect(text).not.toContain(bob.user.id);
    expect(text).not.toContain('sock puppet');
  });

  it("exports no title of another member's thread moderators took down since the member followed it", async () => {
    const { token } = await member();
    const other = await t.createUser();
    const { threadId } = await rows.thread({ boardId, authorId: other.user.id, title: 'Call Jane Roe at 555 0100 about this' });
    expect((await t.delivery(token).send(FOLLOW, { input: { threadId } })).errors).toBeUndefined();
    await t.dataSource.query(`UPDATE threads SET status = 'removed' WHERE id = $1`, [threadId]);
    await t.dataSource.query(`UPDATE posts SET status = 'removed' WHERE thread_id = $1`, [threadId]);
    const res = await t.delivery(token).send(EXPORT);
    expect(res.errors).toBeUndefined();
    const data = JSON.parse(res.data!.exportMyData.json);
    expect(data.forumFollows).toEqual([expect.objectContaining({ threadId })]);
    expect(res.data!.exportMyData.json).not.toContain('Jane Roe');
  });

  it('cannot be resurrected: the old session, password and unsubscribe link stay dead, the audit log names no one; signing up again with the email makes a new, empty account', async () => {
    const { member: ana, token } = await member();
    const unsubscribe = new URL(digestUnsubscribeUrl(t.config, ana.user.id));
    expect((await t.delivery(token).send(ASK, { input: { boardId, title: 'Before I leave', bodyMarkdown: 'Goodbye.' } })).errors).toBeUndefined();
    const changed = await t.delivery(token).send('mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken } }', {
      input: { currentPassword: ana.password, newPassword: 'another long password 42' },
    });
    expect(changed.errors).toBeUndefined();
    const newToken = changed.data!.changePassword.accessToken as string;
    ana.password = 'another long password 42';
    await deleteAccount(ana, newToken);
    // The append-only audit log stays (decision 0035): it names the account by id only.
    const [audit] = (await t.dataSource.query(
      `SELECT count(*)::int AS entries, count(*) FILTER (WHERE to_jsonb(a)::text ILIKE '%' || $2 || '%' OR to_jsonb(a)::text ILIKE '%Ana Privacy%')::int AS naming
       FROM audit_entries a WHERE a.actor_id = $1 OR a.subject_id = $1`,
      [ana.user.id, ana.user.email],
    )) as { entries: number; naming: number }[];
    expect(audit).toEqual({ entries: 2, naming: 0 });

    // Neither an admin nor an operator brings the anonymized row back (it still owns the member's posts).
    const admin = await t.createUser({ role: Role.Admin });
    const reactivated = await t.admin(await t.login(admin)).send('mutation ($input: UserIdInput!) { reactivateUser(input: $input) { id } }', { input: { userId: ana.user.id } });
    expect(reactivated.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ACCOUNT_DELETED' });
    await expect(t.app.get(UsersService).setPassword(`deleted-${ana.user.id}@deleted.invalid`, 'an operator password 123')).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'ACCOUNT_DELETED' },
    });
    const [row] = (await t.dataSource.query('SELECT deactivated_at IS NOT NULL AS closed, password_hash FROM users WHERE id = $1', [ana.user.id])) as { closed: boolean; password_hash: string }[];
    expect(row).toEqual({ closed: true, password_hash: '!deleted' });

    const link = await request(t.app.getHttpServer()).post(`${unsubscribe.pathname}${unsubscribe.search}`);
    expect(link.status).toBe(410);
    expect(link.text).toContain('ACCOUNT_CLOSED');

    const again = await t.delivery().send(SIGN_UP, { input: { email: ana.user.email, password: 'a brand new password 123', displayName: 'Ana Again' } });
    expect(again.errors).toBeUndefined();
    const fresh = await t.delivery(again.data!.signUp.accessToken).send('{ me { id email } }');
    expect(fresh.data?.me.id).not.toBe(ana.user.id);
    const exported = JSON.parse((await t.delivery(again.data!.signUp.accessToken).send(EXPORT)).data!.exportMyData.json);
    expect(exported).toMatchObject({ forumThreads: [], forumPosts: [] });
    expect(codeOf(await t.delivery(newToken).send('{ me { id } }'))).toBe('UNAUTHENTICATED');
    const oldPassword = await t.delivery().send('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
      input: { email: ana.user.email, password: ana.password },
    });
    expect(codeOf(oldPassword)).toBe('UNAUTHENTICATED');
  });
});
