/**
 * The sentence-encoder rerank of `similarQuestions` against real PostgreSQL and the real bundled model
 * (docs/recurring-questions.md "Sentence encoder", decision 0022): vectors are written by `embedPending`, the
 * ranking is BM25F / top + weight · cosine over the BM25F top `depth`, an edit resets the vector, and a model
 * that cannot load leaves the lexical ranking (no error).
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import {
  DEFAULT_RECURRING_QUESTIONS_OPTIONS,
  QuestionDocument,
  RecurringQuestionsService,
} from '../src/staleness/recurring/recurring-questions.service';
import { cosine, decodeVector, SentenceEncoder } from '../src/common/sentence-encoder/sentence-encoder';
import { cloneTemplateDatabase, dropDatabase } from './support/test-database';

const QUESTIONS = [
  ['Wifi stops working after suspend', 'After resume from suspend my wifi adapter does not reconnect, wireless is gone until reboot.'],
  ['Wireless network lost when the laptop wakes up', 'Every time my notebook comes back from sleep there is no network connection.'],
  ['How to change the login screen wallpaper', 'I want another background picture on the login screen of the desktop.'],
  ['Printer prints blank pages after resume', 'My HP printer feeds paper but every page comes out blank after suspend.'],
  ['Cannot mount NTFS drive', 'An external NTFS disk fails to mount with a permission error in the file manager.'],
  ['Bluetooth mouse does not reconnect after suspend', 'The bluetooth mouse stays disconnected after the laptop resumes from suspend.'],
  ['Ethernet drops after sleep', 'Wired network cable connection does not come back after resume, wifi adapter works.'],
];

describe('RecurringQuestionsService with the sentence encoder', () => {
  let database: { name: string; url: string };
  let dataSource: DataSource;
  let semantic: RecurringQuestionsService;
  let lexical: RecurringQuestionsService;
  const on = { ...DEFAULT_RECURRING_QUESTIONS_OPTIONS.semantic, enabled: true };

  beforeAll(async () => {
    database = await cloneTemplateDatabase();
    dataSource = await new DataSource(dataSourceOptions(database.url, 4)).initialize();
    semantic = new RecurringQuestionsService(dataSource, { semantic: on });
    lexical = new RecurringQuestionsService(dataSource, { semantic: { ...on, enabled: false } });
  });

  afterAll(async () => {
    await semantic?.onApplicationShutdown(); // stops the shared encoder's worker thread
    await dataSource?.destroy();
    if (database) await dropDatabase(database.name);
  });

  const store = async (): Promise<string> => {
    const scope = `board-${randomUUID()}`;
    const docs: QuestionDocument[] = QUESTIONS.map(([title, question], i) => ({
      scope,
      sourceId: `t${i}`,
      title,
      question,
      createdAt: new Date(Date.UTC(2026, 5, 1 + i)),
    }));
    await semantic.importQuestions(docs);
    return scope;
  };

  const vectors = async (scope: string): Promise<Map<string, Float32Array>> => {
    const rows: { source_id: string; embedding: Buffer }[] = await dataSource.query(
      `SELECT source_id, embedding FROM recurring_questions WHERE scope = $1 AND embedding IS NOT NULL`,
      [scope],
    );
    return new Map(rows.map((r) => [r.source_id, decodeVector(r.embedding)]));
  };

  it('embeds every stored question once and reranks by BM25F / top + weight · cosine', async () => {
    const scope = await store();
    let embedded = 0;
    for (let n = await semantic.embedPending(3, scope); n > 0; n = await semantic.embedPending(3, scope)) embedded += n;
    expect(embedded).toBe(QUESTIONS.length);
    expect(await semantic.embedPending(3, scope)).toBe(0);
    const stored = await vectors(scope);
    expect(stored.size).toBe(QUESTIONS.length);
    for (const v of stored.values()) {
      expect(v.length).toBe(SentenceEncoder.DIMENSIONS);
      expect(cosine(v, v)).toBeCloseTo(1, 4);
    }

    const bm25 = await lexical.similarQuestions(scope, 't0', 100, false);
    const reranked = await semantic.similarQuestions(scope, 't0', 100, false);
    const top = bm25[0].score;
    const expected = bm25
      .map((n) => ({ sourceId: n.sourceId, score: n.score / top + on.weight * cosine(stored.get('t0')!, stored.get(n.sourceId)!) }))
      .sort((a, b) => b.score - a.score);
    expect(reranked.map((n) => n.sourceId)).toEqual(expected.map((n) => n.sourceId));
    reranked.forEach((n, i) => expect(n.score).toBeCloseTo(expected[i].score, 5));
    // The paraphrase without shared words ranks above a question that only shares "after suspend".
    const at = (id: string) => reranked.findIndex((n) => n.sourceId === id);
    expect(at('t1')).toBeGreaterThanOrEqual(0);
    expect(at('t1')).toBeLessThan(at('t3'));
  }, 60_000);

  it('forgets the vector of an edited question and ranks it lexically until it is embedded again', async () => {
    const scope = await store();
    while ((await semantic.embedPending(16, scope)) > 0);
    // Edited through another instance: both compared services then build their index from the same rows.
    await new RecurringQuestionsService(dataSource, { semantic: on }).updateQuestion({ scope, sourceId: 't0', title: 'Wifi gone after suspend', question: 'Wireless adapter missing after resume.', createdAt: new Date(Date.UTC(2026, 5, 1)) });
    expect((await vectors(scope)).has('t0')).toBe(false);
    const bm25 = await lexical.similarQuestions(scope, 't0', 10, false);
    expect(await semantic.similarQuestions(scope, 't0', 10, false)).toEqual(bm25);
    // The queued job's loop picks it up again.
    expect(await semantic.embedAllPending(60_000)).toBeGreaterThanOrEqual(1);
    expect((await vectors(scope)).has('t0')).toBe(true);
  }, 60_000);

  it('keeps the lexical ranking when the model cannot be loaded', async () => {
    const scope = await store();
    const broken = new SentenceEncoder({ modelModule: '/nonexistent/no-model-here' });
    const service = new RecurringQuestionsService(dataSource, { semantic: on }, broken);
    expect(await service.embedPending(16, scope)).toBe(0);
    expect(await broken.embed(['anything'])).toBeNull();
    expect((await vectors(scope)).size).toBe(0);
    expect(await service.similarQuestions(scope, 't0', 10, false)).toEqual(await lexical.similarQuestions(scope, 't0', 10, false));
  });

  it('does not load or use the model when switched off', async () => {
    const scope = await store();
    expect(await lexical.embedPending(16, scope)).toBe(0);
    expect((await vectors(scope)).size).toBe(0);
  });
});
