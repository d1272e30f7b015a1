/**
 * Detector 3 wired end to end: members ask near-identical questions in the forum (delivery API), the
 * staleness scan feeds the visible threads to the recurring-question store and turns a cluster of enough
 * distinct askers into a content gap, or into a stale flag on the article the threads link to.
 */
import { StalenessScanService } from '../src/staleness/staleness-scan.service';
import { Role } from '../src/users/role.enum';
import { ForumFactory, ThreadResult } from './factories/forum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const RUN_SCAN = `mutation { runStalenessScan { releasesScanned flagsRaised contentGapsCreated } }`;
const GAPS = `query ($source: ContentGapSource) { contentGaps(source: $source) { id source status title weight evidenceJson locale } }`;
const QUEUE = `query ($filter: FreshnessFilterInput, $first: Int) {
  freshnessQueue(filter: $filter, first: $first) { items { articleId locale flags { id signal status severity evidenceJson } } }
}`;

interface Gap {
  id: string;
  title: string;
  weight: number;
  evidenceJson: string;
  locale: string;
}

describe('recurring questions wired to the forum and the staleness scan', () => {
  let t: TestApp;
  let admin: GraphqlClient;
  let forum: ForumFactory;
  let kb: KnowledgeBaseFactory;
  const members: GraphqlClient[] = [];

  const scan = async (): Promise<{ flagsRaised: number; contentGapsCreated: number }> => {
    const res = await admin.send(RUN_SCAN);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.runStalenessScan;
  };
  const gaps = async (): Promise<Gap[]> => {
    const res = await admin.send(GAPS, { source: 'RecurringQuestions' });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.contentGaps;
  };

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', RECURRING_MIN_ASKERS: '3' });
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000');
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    forum = new ForumFactory(admin);
    kb = new KnowledgeBaseFactory(admin);
    for (let i = 0; i < 3; i++) {
      const user = await t.createUser({ role: Role.Member });
      await t.dataSource.query('UPDATE users SET trust_level = 1 WHERE id = $1', [user.user.id]);
      members.push(t.delivery(await t.login(user)));
    }
  });
  afterAll(() => t.close());

  it('turns three askers of the same question into one content gap, and a second scan adds nothing', async () => {
    const board = await forum.board({ locale: 'en' });
    const titles = [
      'How do I reset my two-factor authentication device?',
      'Reset two-factor authentication after losing my device',
      'Lost phone: how to reset two-factor authentication?',
    ];
    const threads: ThreadResult[] = [];
    for (const [i, title] of titles.entries()) {
      threads.push(
        await forum.thread(members[i], board.id, {
          title,
          bodyMarkdown: 'I lost the phone with my authenticator app and cannot log in. How do I reset two-factor authentication on my account?',
        }),
      );
    }

    const first = await scan();
    expect(first.contentGapsCreated).toBeGreaterThanOrEqual(1);
    const found = (await gaps()).filter((gap) => {
      const evidence = JSON.parse(gap.evidenceJson);
      return evidence.threads.some((thread: { threadId: string }) => thread.threadId === threads[0].id);
    });
    expect(found).toHaveLength(1);
    const evidence = JSON.parse(found[0].evidenceJson);
    expect(evidence).toMatchObject({ source: 'recurring_questions', askers: 3 });
    expect(evidence.threads.map((thread: { threadId: string }) => thread.threadId).sort()).toEqual(threads.map((thread) => thread.id).sort());
    expect(evidence.commonTerms).toEqual(expect.arrayContaining(['reset', 'authentication']));
    expect(evidence.outline).toContain('## What people ask');
    expect(found[0].locale).toBe('en');
    expect(found[0].weight).toBe(3);

    const before = (await gaps()).length;
    const second = await scan();
    expect(second.contentGapsCreated).toBe(0);
    expect(await gaps()).toHaveLength(before);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM recurring_questions WHERE scope = $1`, [`board:${board.id}`]);
    expect(count).toBe(3);
  });

  it('flags the article the threads link to instead of creating a gap; a second scan raises nothing', async () => {
    const categoryId = (await kb.category('Exports')).id;
    const article = await kb.published(categoryId, { title: 'Exporting invoices as CSV', bodyMarkdown: '# Exporting invoices\n\nOpen Billing → Invoices and choose Export.' });
    const [{ slug }] = await t.dataSource.query(`SELECT slug FROM article_locales WHERE article_id = $1 AND locale = 'en'`, [article.id]);
    const board = await forum.board({ locale: 'en' });
    const titles = ['CSV export of invoices is empty', 'Invoice CSV export comes out empty', 'Why is my invoices CSV export empty?'];
    for (const [i, title] of titles.entries()) {
      await forum.thread(members[i], board.id, {
        title,
        bodyMarkdown: `I followed [the export guide](https://help.example.test/en/articles/${slug}) but the CSV export of my invoices is empty.`,
      });
    }
    const gapsBefore = (await gaps()).length;

    const first = await scan();
    expect(first.flagsRaised).toBeGreaterThanOrEqual(1);
    expect(await gaps()).toHaveLength(gapsBefore);
    const res = await admin.send(QUEUE, { filter: { signal: 'RecurringQuestions' }, first: 50 });
    expect(res.errors).toBeUndefined();
    const item = res.data!.freshnessQueue.items.find((i: { articleId: string }) => i.articleId === article.id);
    expect(item).toBeDefined();
    const flags = item.flags.filter((flag: { signal: string }) => flag.signal === 'RecurringQuestions');
    expect(flags).toHaveLength(1);
    expect(flags[0].status).toBe('Open');
    const evidence = JSON.parse(flags[0].evidenceJson);
    expect(evidence).toMatchObject({ signal: 'recurring_questions', askers: 3 });
    expect(evidence.threads).toHaveLength(3);

    const second = await scan();
    expect(second.flagsRaised).toBe(0);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM stale_flags WHERE article_id = $1 AND signal = 'recurring_questions'`, [article.id]);
    expect(count).toBe(1);
  });

  it('reads a thread\'s links again after a reply: a reply linking an article turns the cluster\'s gap into a flag on it', async () => {
    const categoryId = (await kb.category('Notifications')).id;
    const article = await kb.published(categoryId, { title: 'Quiet hours', bodyMarkdown: '# Quiet hours\n\nPick the hours in which nothing pings you.' });
    const [{ slug }] = await t.dataSource.query(`SELECT slug FROM article_locales WHERE article_id = $1 AND locale = 'en'`, [article.id]);
    const board = await forum.board({ locale: 'en' });
    const titles = ['How do I stop email alerts at night?', 'Stop the email alerts I get at night', 'Email alerts wake me at night, how to stop them?'];
    const threadIds: string[] = [];
    for (const [i, title] of titles.entries()) {
      threadIds.push((await forum.thread(members[i], board.id, { title, bodyMarkdown: 'Every night the email alerts keep coming; how do I stop them at night?' })).id);
    }
    expect((await scan()).contentGapsCreated).toBeGreaterThanOrEqual(1);
    const flagsOn = async () =>
      (await t.dataSource.query(`SELECT evidence FROM stale_flags WHERE article_id = $1 AND signal = 'recurring_questions'`, [article.id])) as { evidence: { pointedBy: string } }[];
    expect(await flagsOn()).toEqual([]);

    // Someone answers one of them with the article: the cluster now points at it.
    expect((await forum.reply(members[1], threadIds[0], `Set [quiet hours](https://help.example.test/en/articles/${slug}) for the night.`)).status).toBe('Visible');
    expect((await scan()).flagsRaised).toBeGreaterThanOrEqual(1);
    const flags = await flagsOn();
    expect(flags).toHaveLength(1);
    expect(flags[0].evidence.pointedBy).toBe('links');
    const [stored] = await t.dataSource.query(`SELECT linked_article_ids, cluster_id FROM recurring_questions WHERE source_id = $1`, [threadIds[0]]);
    expect(stored.linked_article_ids).toEqual([article.id]);
    // The cluster's content gap is closed by the rule, with why and an audit entry under the rule's name.
    const [gap] = await t.dataSource.query(`SELECT id, status, close_reason FROM content_gaps WHERE evidence->>'clusterId' = $1`, [stored.cluster_id]);
    expect(gap).toMatchObject({ status: 'dismissed', close_reason: expect.stringContaining(article.id) });
    const audit = await t.dataSource.query(`SELECT actor_id, actor_rule, action FROM audit_entries WHERE subject_id = $1`, [gap.id]);
    expect(audit).toEqual(expect.arrayContaining([{ actor_id: null, actor_rule: 'recurring_questions', action: 'content-gap.dismissed' }]));

    // Read once: the next scan neither reads it again nor raises anything.
    expect((await scan()).flagsRaised).toBe(0);
    const [{ read }] = await t.dataSource.query(
      `SELECT count(*)::int AS read FROM recurring_questions r JOIN threads t ON t.id::text = r.source_id WHERE t.last_activity_at > r.links_read_at AND r.source_id = ANY($1)`,
      [threadIds],
    );
    expect(read).toBe(0);
  });

  it('reclusters each board once a day: the clusters keep their ids, so nothing is raised or created twice; the window moves', async () => {
    const board = await forum.board({ locale: 'en' });
    const scope = `board:${board.id}`;
    const titles = ['How do I change the currency of my invoices?', 'Change invoice currency from USD to EUR', 'Invoices show the wrong currency, how to change it?'];
    const threadIds: string[] = [];
    for (const [i, title] of titles.entries()) {
      const thread = await forum.thread(members[i], board.id, { title, bodyMarkdown: 'My invoices are issued in dollars; how do I change the invoice currency to euros?' });
      threadIds.push(thread.id);
    }
    await scan();
    const gapsOf = async () =>
      (await gaps()).filter((gap) => JSON.parse(gap.evidenceJson).threads.some((thread: { threadId: string }) => threadIds.includes(thread.threadId)));
    expect(await gapsOf()).toHaveLength(1);
    const clusters = async (): Promise<(string | null)[]> =>
      (await t.dataSource.query(`SELECT cluster_id FROM recurring_questions WHERE scope = $1 ORDER BY source_id`, [scope])).map((r: { cluster_id: string | null }) => r.cluster_id);
    const before = await clusters();
    expect(new Set(before).size).toBe(1);

    const scans = t.app.get(StalenessScanService);
    const hours = (n: number) => new Date(Date.now() + n * 3_600_000);
    const tomorrow = await scans.scanRecurringQuestions(hours(25));
    expect(tomorrow.scopesReclustered).toBeGreaterThanOrEqual(1);
    expect(tomorrow).toMatchObject({ flagsRaised: 0, gapsCreated: 0 });
    expect(await clusters()).toEqual(before);
    expect(await gapsOf()).toHaveLength(1);
    expect(await t.dataSource.query(`SELECT generation FROM recurring_question_scopes WHERE scope = $1`, [scope])).toEqual([{ generation: 1 }]);
    // Not due again the same day.
    expect((await scans.scanRecurringQuestions(hours(26))).scopesReclustered).toBe(0);

    // A hundred days on the threads are outside the window: they leave their cluster; the gap stays for the editors.
    await scans.scanRecurringQuestions(hours(100 * 24));
    expect(await clusters()).toEqual([null, null, null]);
    expect(await t.dataSource.query(`SELECT count(*)::int AS count FROM recurring_question_clusters WHERE id = $1`, [before[0]])).toEqual([{ count: 0 }]);
    expect(await gapsOf()).toHaveLength(1);
  });
});
