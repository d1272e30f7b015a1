/**
 * Re-feeding edited forum threads (docs/recurring-questions.md, "Edits and removals"): a thread whose title
 * and question are edited leaves its cluster and joins the one it now matches; a hidden thread and a thread
 * merged into another leave their cluster; each scan re-feeds what changed since the last one.
 */
import { Role } from '../src/users/role.enum';
import { EDIT, ForumFactory, ThreadResult } from './factories/forum';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const RUN_SCAN = `mutation { runStalenessScan { flagsRaised contentGapsCreated } }`;
const HIDE = `mutation ($input: ContentActionInput!) { hideContent(input: $input) { threadId } }`;
const MERGE = `mutation ($input: MergeThreadsInput!) { mergeThreads(input: $input) { threadId } }`;

const TWO_FACTOR = [
  ['How do I reset my two-factor authentication device?', 'I lost the phone with my authenticator app. How do I reset two-factor authentication on my account?'],
  ['Reset two-factor authentication after losing my device', 'Lost my phone with the authenticator app and cannot log in; how to reset two-factor authentication?'],
  ['Lost phone: how to reset two-factor authentication?', 'My authenticator app was on the lost phone. How can I reset the two-factor authentication of my account?'],
];
const PRINTER = [
  ['Printer prints blank pages', 'My office printer feeds the paper but every printed page comes out blank since the driver update.'],
  ['Blank pages from the printer after the driver update', 'Since updating the printer driver every page the printer prints is blank, the paper feeds fine.'],
];

describe('recurring questions: edited, hidden and merged threads are re-fed', () => {
  let t: TestApp;
  let staff: GraphqlClient;
  let forum: ForumFactory;
  const members: GraphqlClient[] = [];

  const scan = async (): Promise<void> => {
    const res = await staff.send(RUN_SCAN);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
  };
  const stored = async (threadId: string): Promise<{ cluster_id: string | null; removed_at: Date | null; title: string }> =>
    (await t.dataSource.query(`SELECT cluster_id, removed_at, title FROM recurring_questions WHERE source_id = $1`, [threadId]))[0];
  const clusterSize = async (clusterId: string): Promise<number> =>
    (await t.dataSource.query(`SELECT size FROM recurring_question_clusters WHERE id = $1`, [clusterId]))[0].size;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', RECURRING_MIN_ASKERS: '3' });
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000');
    staff = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    forum = new ForumFactory(staff);
    for (let i = 0; i < 4; i++) {
      const user = await t.createUser({ role: Role.Member });
      await t.dataSource.query('UPDATE users SET trust_level = 1 WHERE id = $1', [user.user.id]);
      members.push(t.delivery(await t.login(user)));
    }
  });
  afterAll(() => t.close());

  it('moves an edited thread to the cluster it now matches, and takes hidden and merged threads out', async () => {
    const board = await forum.board({ locale: 'en' });
    const twoFactor: ThreadResult[] = [];
    for (const [i, [title, bodyMarkdown]] of TWO_FACTOR.entries()) twoFactor.push(await forum.thread(members[i], board.id, { title, bodyMarkdown }));
    const printer = await forum.thread(members[3], board.id, { title: PRINTER[0][0], bodyMarkdown: PRINTER[0][1] });
    await scan();
    const twoFactorCluster = (await stored(twoFactor[0].id)).cluster_id!;
    expect(await Promise.all(twoFactor.map(async (x) => (await stored(x.id)).cluster_id))).toEqual([twoFactorCluster, twoFactorCluster, twoFactorCluster]);
    const printerCluster = (await stored(printer.id)).cluster_id!;
    expect(printerCluster).not.toBe(twoFactorCluster);
    expect(await clusterSize(twoFactorCluster)).toBe(3);

    // The third asker rewrites the question into the printer one: it leaves the two-factor cluster.
    const edited = await members[2].send(EDIT, {
      input: { postId: twoFactor[2].question.id, baseRevisionNumber: twoFactor[2].question.revisionNumber, title: PRINTER[1][0], bodyMarkdown: PRINTER[1][1] },
    });
    expect(edited.errors).toBeUndefined();
    await scan();
    expect(await stored(twoFactor[2].id)).toMatchObject({ cluster_id: printerCluster, title: PRINTER[1][0], removed_at: null });
    expect(await clusterSize(twoFactorCluster)).toBe(2);
    expect(await clusterSize(printerCluster)).toBe(2);

    // A second scan with nothing changed re-feeds nothing (same seq).
    const [{ max: seqBefore }] = await t.dataSource.query(`SELECT max(seq)::int AS max FROM recurring_questions`);
    await scan();
    expect((await t.dataSource.query(`SELECT max(seq)::int AS max FROM recurring_questions`))[0].max).toBe(seqBefore);

    // Hidden by a moderator: out of its cluster.
    expect((await staff.send(HIDE, { input: { threadId: twoFactor[1].id, reason: 'spam' } })).errors).toBeUndefined();
    await scan();
    const hidden = await stored(twoFactor[1].id);
    expect(hidden.cluster_id).toBeNull();
    expect(hidden.removed_at).not.toBeNull();
    expect(await clusterSize(twoFactorCluster)).toBe(1);

    // Merged into another thread: the source thread is gone, so is its question.
    expect((await staff.send(MERGE, { input: { sourceThreadId: printer.id, targetThreadId: twoFactor[2].id } })).errors).toBeUndefined();
    await scan();
    expect(await stored(printer.id)).toMatchObject({ cluster_id: null, removed_at: expect.any(Date) });
    expect(await clusterSize(printerCluster)).toBe(1);
  });
});
