/**
 * The recurring-question store and clustering against real PostgreSQL (docs/recurring-questions.md):
 * incremental adds, idempotency, bad input, two service instances sharing one store, a full recluster that
 * agrees with the incremental path, the rolling window, and the detector rule over a stored cluster.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppError } from '../src/common/errors/app-error';
import { dataSourceOptions } from '../src/database/data-source';
import { QuestionDocument, RecurringQuestionsService } from '../src/staleness/recurring/recurring-questions.service';
import { cloneTemplateDatabase, dropDatabase } from './support/test-database';

const NOW = new Date(Date.UTC(2026, 5, 30));
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

const WIFI = [
  ['Wifi stops working after suspend', 'After resume from suspend my wifi adapter does not reconnect, wireless is gone until reboot.'],
  ['Wireless gone after resuming from suspend', 'When the laptop wakes from suspend the wifi adapter is gone and wireless never reconnects.'],
  ['No wifi after suspend and resume', 'Wifi adapter disappears after suspend; resume leaves wireless disconnected until reboot.'],
];
const OTHER = [
  ['How to change the login screen wallpaper', 'I want another background picture on the login screen of the desktop.'],
  ['Printer prints blank pages', 'My HP printer feeds paper but every page comes out blank with the cups driver.'],
  ['Cannot mount NTFS drive', 'An external NTFS disk fails to mount with a permission error in the file manager.'],
];

describe('RecurringQuestionsService', () => {
  let database: { name: string; url: string };
  let dataSource: DataSource;
  let service: RecurringQuestionsService;
  const scope = () => `board-${randomUUID()}`;

  beforeAll(async () => {
    database = await cloneTemplateDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url, 4)).initialize();
    service = new RecurringQuestionsService(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    if (database) await dropDatabase(database.name);
  });

  const doc = (s: string, i: number, [title, question]: string[], p: Partial<QuestionDocument> = {}): QuestionDocument => ({
    scope: s,
    sourceId: `t${i}`,
    title,
    question,
    authorId: `user${i}`,
    createdAt: daysAgo(30 - i),
    ...p,
  });

  it('puts near-identical questions in one cluster and unrelated ones alone', async () => {
    const s = scope();
    const all = [WIFI[0], OTHER[0], WIFI[1], OTHER[1], WIFI[2], OTHER[2]];
    const assigned = [];
    for (const [i, text] of all.entries()) assigned.push(await service.addQuestion(doc(s, i, text)));
    const wifi = [assigned[0], assigned[2], assigned[4]];
    expect(new Set(wifi.map((a) => a.clusterId)).size).toBe(1);
    expect(wifi[0].similarity).toBeNull();
    expect(wifi[1].similarity).toBeGreaterThan(0.25);
    const others = [assigned[1], assigned[3], assigned[5]].map((a) => a.clusterId);
    expect(new Set([...others, wifi[0].clusterId]).size).toBe(4);
    const [cluster] = await dataSource.query(`SELECT size, first_asked_at, last_asked_at FROM recurring_question_clusters WHERE id = $1`, [wifi[0].clusterId]);
    expect(cluster.size).toBe(3);
    expect(new Date(cluster.first_asked_at)).toEqual(daysAgo(30));
    expect(new Date(cluster.last_asked_at)).toEqual(daysAgo(26));
  });

  it('treats adding the same thread twice as a no-op', async () => {
    const s = scope();
    const first = await service.addQuestion(doc(s, 0, WIFI[0]));
    const again = await service.addQuestion(doc(s, 0, WIFI[1]));
    expect(again).toEqual({ ...first, created: false });
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM recurring_questions WHERE scope = $1`, [s]);
    expect(count).toBe(1);
  });

  it('rejects bad input with BAD_USER_INPUT and writes nothing', async () => {
    const s = scope();
    for (const bad of [
      doc(s, 0, ['', '']),
      doc(s, 0, WIFI[0], { sourceId: ' ' }),
      doc(s, 0, WIFI[0], { createdAt: new Date('nope') }),
      doc('', 0, WIFI[0]),
    ]) {
      const error = await service.addQuestion(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('BAD_USER_INPUT');
    }
    await expect(service.similarQuestions(s, 'missing', 5)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.similarQuestions(s, 'missing', 0)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM recurring_questions WHERE scope = $1`, [s]);
    expect(count).toBe(0);
  });

  it('lets two instances share the store: each sees the questions the other added', async () => {
    const s = scope();
    const other = new RecurringQuestionsService(dataSource);
    const a = await service.addQuestion(doc(s, 0, WIFI[0]));
    await other.addQuestion(doc(s, 1, OTHER[0]));
    const c = await other.addQuestion(doc(s, 2, WIFI[1]));
    const d = await service.addQuestion(doc(s, 3, WIFI[2]));
    expect(c.clusterId).toBe(a.clusterId);
    expect(d.clusterId).toBe(a.clusterId);
    const concurrent = await Promise.all([4, 5, 6].map((i) => (i % 2 ? service : other).addQuestion(doc(s, i, WIFI[i % 3], { sourceId: `c${i}` }))));
    expect(new Set(concurrent.map((x) => x.clusterId))).toEqual(new Set([a.clusterId]));
  });

  it('re-feeds an edited question and removes another; a second instance catches both up', async () => {
    const s = scope();
    const other = new RecurringQuestionsService(dataSource);
    const wifi = await service.addQuestion(doc(s, 0, WIFI[0]));
    await service.addQuestion(doc(s, 1, WIFI[1]));
    const printer = await other.addQuestion(doc(s, 2, OTHER[1]));
    expect((await service.addQuestion(doc(s, 3, WIFI[2]))).clusterId).toBe(wifi.clusterId);

    // t1 now asks about the printer: it leaves the wifi cluster and joins the printer one.
    const update = await service.updateQuestion(doc(s, 1, ['Printer only prints blank pages', 'The HP printer feeds paper but each page comes out blank with cups.']));
    expect(update).toMatchObject({ previousClusterId: wifi.clusterId, clusterId: printer.clusterId });
    expect(await service.removeQuestion(s, 't3')).toEqual({ previousClusterId: wifi.clusterId, removed: true });
    expect(await service.removeQuestion(s, 't3')).toEqual({ previousClusterId: null, removed: false });
    const sizes = await dataSource.query(`SELECT id, size FROM recurring_question_clusters WHERE scope = $1`, [s]);
    expect(Object.fromEntries(sizes.map((r: { id: string; size: number }) => [r.id, r.size]))).toEqual({ [wifi.clusterId!]: 1, [printer.clusterId!]: 2 });

    // The other instance: the removed question matches nothing, the edited one matches as edited.
    const ranked = await other.similarQuestions(s, 't2', 10, false);
    expect(ranked.map((r) => r.sourceId)).not.toContain('t3');
    expect(ranked[0].sourceId).toBe('t1');
    const again = await other.addQuestion(doc(s, 4, WIFI[2], { sourceId: 'n4' }));
    expect(again.clusterId).toBe(wifi.clusterId);
    expect(await dataSource.query(`SELECT size FROM recurring_question_clusters WHERE id = $1`, [wifi.clusterId])).toEqual([{ size: 2 }]);

    // A full recluster agrees with what the incremental path now has, and leaves the removed question out.
    const assignments = await service.clusterAssignments(s);
    const groups = (rows: { sourceId: string; clusterId: string | null }[]) => {
      const by = new Map<string, string[]>();
      for (const r of rows) if (r.clusterId) by.set(r.clusterId, [...(by.get(r.clusterId) ?? []), r.sourceId]);
      return [...by.values()].map((g) => g.sort().join(',')).sort();
    };
    expect(groups(assignments)).toEqual(['n4,t0', 't1,t2']);
    expect(await service.recluster(s, NOW)).toMatchObject({ questions: 4, clusters: 2 });
    expect(groups(await service.clusterAssignments(s))).toEqual(['n4,t0', 't1,t2']);
    await expect(service.updateQuestion(doc(s, 9, WIFI[0]))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('ranks earlier questions, most similar first', async () => {
    const s = scope();
    for (const [i, text] of [OTHER[0], WIFI[0], OTHER[1], WIFI[1]].entries()) await service.addQuestion(doc(s, i, text));
    const ranked = await service.similarQuestions(s, 't3', 10);
    expect(ranked[0].sourceId).toBe('t1');
    expect(ranked.map((r) => r.sourceId)).not.toContain('t3');
    expect(await service.similarQuestions(s, 't0', 10)).toEqual([]); // nothing earlier
  });

  it('reclusters to exactly what the incremental path gave, and drops questions outside the window', async () => {
    const s = scope();
    const texts = [WIFI[0], OTHER[0], WIFI[1], OTHER[1], WIFI[2], OTHER[2]];
    for (const [i, text] of texts.entries()) await service.addQuestion(doc(s, i, text));
    const before = await service.clusterAssignments(s);
    const groups = (rows: { sourceId: string; clusterId: string | null }[]) => {
      const by = new Map<string | null, string[]>();
      for (const r of rows) by.set(r.clusterId, [...(by.get(r.clusterId) ?? []), r.sourceId]);
      return [...by.values()].map((g) => g.sort().join(',')).sort();
    };
    const result = await service.recluster(s, NOW);
    expect(result).toEqual({ questions: 6, clusters: 4, changedClusterIds: [] });
    expect(groups(await service.clusterAssignments(s))).toEqual(groups(before));
    // The same groups keep their ids: flags and content gaps keyed by cluster stay attached.
    const ids = (rows: { sourceId: string; clusterId: string | null }[]) => Object.fromEntries(rows.map((r) => [r.sourceId, r.clusterId]));
    expect(ids(await service.clusterAssignments(s))).toEqual(ids(before));
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM recurring_question_clusters WHERE scope = $1`, [s]);
    expect(count).toBe(4);

    // 200 days later, only a new question is in the window: the old ones lose their cluster, and adding
    // an old one again is still a no-op.
    const later = new Date(NOW.getTime() + 200 * 86_400_000);
    const { clusterId: newCluster } = await service.addQuestion(doc(s, 9, WIFI[0], { createdAt: later }));
    const moved = await service.recluster(s, later);
    // t9 started a cluster of its own (the old questions were outside its window) and keeps it, unchanged.
    expect(moved).toEqual({ questions: 1, clusters: 1, changedClusterIds: [] });
    const after = await service.clusterAssignments(s);
    expect(after.filter((r) => r.clusterId !== null)).toEqual([expect.objectContaining({ sourceId: 't9', clusterId: newCluster })]);
    const remaining = await dataSource.query(`SELECT id FROM recurring_question_clusters WHERE scope = $1`, [s]);
    expect(remaining).toEqual([{ id: newCluster }]);
    expect(await service.addQuestion(doc(s, 0, WIFI[0]))).toMatchObject({ created: false, clusterId: null });
  });

  it('makes another instance rebuild its index after a recluster, so it never joins a cluster the recluster removed', async () => {
    const s = scope();
    const other = new RecurringQuestionsService(dataSource);
    const first = await other.addQuestion(doc(s, 0, WIFI[0], { createdAt: NOW }));
    expect(first.clusterId).not.toBeNull();

    // 100 days on, this instance reclusters: t0 is out of the 90-day window and its cluster is gone.
    const later = new Date(NOW.getTime() + 100 * 86_400_000);
    expect(await service.recluster(s, later)).toMatchObject({ questions: 0, clusters: 0 });
    expect(await dataSource.query(`SELECT id FROM recurring_question_clusters WHERE scope = $1`, [s])).toEqual([]);

    // A thread fed late (created 50 days after t0, so t0 would be inside its own window): the other instance must
    // not put it into t0's removed cluster.
    const late = await other.addQuestion(doc(s, 1, WIFI[1], { createdAt: new Date(NOW.getTime() + 50 * 86_400_000) }));
    expect(late.clusterId).not.toBe(first.clusterId);
    const [cluster] = await dataSource.query(`SELECT size FROM recurring_question_clusters WHERE id = $1`, [late.clusterId]);
    expect(cluster).toEqual({ size: 1 });
    expect(await dataSource.query(`SELECT generation FROM recurring_question_scopes WHERE scope = $1`, [s])).toEqual([{ generation: 1 }]);
  });

  it('records new article links without moving the question, and says whether they changed', async () => {
    const s = scope();
    const added = await service.addQuestion(doc(s, 0, WIFI[0]));
    const article = randomUUID();
    expect(await service.updateLinks(s, 't0', [article, article], [])).toEqual({ clusterId: added.clusterId, changed: true });
    expect(await service.updateLinks(s, 't0', [article], [])).toEqual({ clusterId: null, changed: false });
    expect(await service.clusterAssignments(s)).toEqual([{ sourceId: 't0', clusterId: added.clusterId }]);
    await expect(service.updateLinks(s, 'nope', [], [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('evaluates a cluster: the article its threads cite, else a content gap with terms and an outline', async () => {
    const s = scope();
    const article = randomUUID();
    const gap = [];
    for (const [i, text] of WIFI.entries()) {
      gap.push(await service.addQuestion(doc(s, i, text, { acceptedAnswer: i === 0 ? 'Reload the iwlwifi module after resume. Then it reconnects.' : null })));
    }
    const finding = await service.evaluateCluster(gap[0].clusterId!, [], NOW);
    expect(finding.kind).toBe('content-gap');
    if (finding.kind === 'content-gap') {
      expect(finding.threads).toEqual(['t0', 't1', 't2']);
      expect(finding.commonTerms).toEqual(expect.arrayContaining(['wifi', 'suspend']));
      expect(finding.outline.sections[1].points).toEqual(['Reload the iwlwifi module after resume.']);
    }
    await service.addQuestion(doc(s, 3, WIFI[0], { sourceId: 'cites', authorId: 'user9', citedArticleIds: [article] }));
    expect(await service.evaluateCluster(gap[0].clusterId!, [], NOW)).toMatchObject({ kind: 'article', articleId: article, askers: 4 });
    await expect(service.evaluateCluster(randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
