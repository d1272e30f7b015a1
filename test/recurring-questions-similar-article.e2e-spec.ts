/**
 * The third pointer of detector 3 (issue 13): a cluster of recurring questions that no thread links to and no
 * accepted answer cites still points at a published article when that article is similar enough to the
 * questions (search candidates scored by `articleClusterSimilarity`): a stale flag "similar to the
 * questions" with the score, instead of a content gap. A cluster with no similar article stays a gap.
 */
import { IndexingWorker } from '../src/search/indexing-worker';
import { Role } from '../src/users/role.enum';
import { ForumFactory } from './factories/forum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const RUN_SCAN = `mutation { runStalenessScan { flagsRaised contentGapsCreated } }`;
const FLAG = `query ($id: ID!) { staleFlag(id: $id) { reason evidence { __typename ... on RecurringQuestionsEvidence { askers pointedBy articleSimilarity threads { threadId } } } } }`;

const TWO_FACTOR = [
  ['How do I reset two-factor authentication after losing my phone?', 'My phone with the authenticator app is lost, I cannot sign in. How do I reset two-factor authentication?'],
  ['Lost my phone, need to reset two-factor authentication', 'The authenticator app was on my lost phone and now the sign in asks for a code. Reset two-factor authentication?'],
  ['Reset two-factor authentication: authenticator app on a lost phone', 'I lost the phone that had the authenticator app. How can two-factor authentication be reset so I can sign in?'],
];
const PRINTER = [
  ['Printer prints blank pages', 'The office printer feeds paper but every printed page is blank after the driver update.'],
  ['Blank pages from the office printer', 'Since the printer driver update each page the printer prints comes out blank.'],
  ['Every printed page is blank', 'Our printer prints blank pages only; the paper feeds fine, the driver was updated.'],
];

describe('recurring questions: an article similar to the questions is pointed at', () => {
  let t: TestApp;
  let staff: GraphqlClient;
  const members: GraphqlClient[] = [];

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', RECURRING_MIN_ASKERS: '3' });
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000');
    staff = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    for (let i = 0; i < 3; i++) {
      const user = await t.createUser({ role: Role.Member });
      await t.dataSource.query('UPDATE users SET trust_level = 1 WHERE id = $1', [user.user.id]);
      members.push(t.delivery(await t.login(user)));
    }
  });
  afterAll(() => t.close());

  it('flags the similar article with the score instead of creating a gap; an unmatched cluster stays a gap', async () => {
    const kb = new KnowledgeBaseFactory(staff);
    const category = (await kb.category('Account')).id;
    const answer = await kb.published(category, {
      title: 'Reset two-factor authentication when you lose your phone',
      bodyMarkdown:
        '# Lost phone and two-factor authentication\n\nIf the phone with your authenticator app is lost, you cannot sign in with a code. ' +
        'Use a recovery code, or ask an administrator to reset two-factor authentication for your account, then set up the authenticator app on the new phone.',
    });
    const unrelated = await kb.published(category, {
      title: 'Exporting invoices',
      bodyMarkdown: '# Exporting invoices\n\nOpen Billing, choose Invoices and Export to download a CSV file of every invoice.',
    });
    await t.app.get(IndexingWorker).drain();

    const forum = new ForumFactory(staff);
    const board = await forum.board({ locale: 'en' });
    const asked = [];
    for (const [i, [title, bodyMarkdown]] of TWO_FACTOR.entries()) asked.push(await forum.thread(members[i], board.id, { title, bodyMarkdown }));
    for (const [i, [title, bodyMarkdown]] of PRINTER.entries()) await forum.thread(members[i], board.id, { title, bodyMarkdown });
    const res = await staff.send(RUN_SCAN);
    expect(res.errors).toBeUndefined();

    const flags = await t.dataSource.query(`SELECT id, article_id FROM stale_flags WHERE signal = 'recurring_questions'`);
    expect(flags.map((f: { article_id: string }) => f.article_id)).toEqual([answer.id]);
    expect(flags.map((f: { article_id: string }) => f.article_id)).not.toContain(unrelated.id);
    const flag = (await staff.send(FLAG, { id: flags[0].id })).data!.staleFlag;
    expect(flag.evidence).toMatchObject({ __typename: 'RecurringQuestionsEvidence', askers: 3, pointedBy: 'Similarity' });
    expect(flag.evidence.articleSimilarity).toBeGreaterThanOrEqual(0.45);
    expect(flag.evidence.threads.map((x: { threadId: string }) => x.threadId).sort()).toEqual(asked.map((x) => x.id).sort());
    expect(flag.reason).toContain('similar');

    const gaps = await t.dataSource.query(`SELECT title, evidence FROM content_gaps WHERE source = 'recurring_questions'`);
    expect(gaps).toHaveLength(1);
    expect(gaps[0].evidence.threads.map((x: { title: string }) => x.title).sort()).toEqual(PRINTER.map(([title]) => title).sort());
  });
});
