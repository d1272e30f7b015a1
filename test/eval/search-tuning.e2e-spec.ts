import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresSearchEngine, RANKING } from '../../search/postgres/postgres-engine';
import { cloneTemplateDatabase, dropDatabase } from '../support/test-database';
import { EVAL_DIR } from './dup-questions';

const lines = <T>(f: string): T[] => readFileSync(join(EVAL_DIR, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

/** A tuning tool, not a check: TUNE_GRID='[{"k1":2}]' (docs/search.md, "Tuning"). */
(process.env.TUNE_GRID ? it : it.skip)('tunes ranking parameters on the dev split', async () => {
  const database = await cloneTemplateDatabase();
  const pool = new Pool({ connectionString: database.url, max: 4 });
  const engine = new PostgresSearchEngine(pool, { locales: (process.env.TUNE_LOCALES ?? 'en').split(',') });
  const qs = lines<{ id: string; forum: string; title: string; body: string }>('questions.jsonl');
  const idOf = new Map<string, string>();
  const docs = qs.map((q, i) => {
    const id = randomUUID();
    idOf.set(id, q.id);
    return { kind: 'article' as const, id, locale: 'en', version: 1, visibility: 'public' as const, status: 'published', title: q.title, headings: [], body: q.body, slug: `s${i}`, categoryIds: [], productKeys: [], tags: [q.forum], solved: null, updatedAt: new Date(), publishedAt: new Date() };
  });
  for (let i = 0; i < docs.length; i += 200) await engine.upsert(docs.slice(i, i + 200));
  await pool.query('ANALYZE search_documents');
  const byId = new Map(qs.map((q) => [q.id, q]));
  const split = process.env.TUNE_SPLIT ?? 'dev';
  const queries = lines<{ query: string; forum: string; split: string }>('queries.jsonl').filter((q) => q.split === split);
  const grid = JSON.parse(process.env.TUNE_GRID ?? '[{}]') as Record<string, number>[];
  const base = { ...RANKING };
  for (const point of grid) {
    Object.assign(RANKING, base, point);
    const started = Date.now();
    const out: string[] = [];
    for (const q of queries) {
      const t = byId.get(q.query)!;
      const text = process.env.TUNE_BODY ? `${t.title} ${t.body.slice(0, 300)}` : t.title;
      const page = await engine.search({ text, audience: 'public', filters: { tags: [q.forum], locales: ['en'] }, facets: [], offset: 0, limit: 100, matching: 'all', highlight: { preTag: '', postTag: '' } });
      out.push(JSON.stringify({ query: q.query, ranking: page.hits.map((h) => idOf.get(h.id)), ...(process.env.TUNE_DUMP ? { scores: page.hits.map((h) => h.score) } : {}) }));
    }
    writeFileSync(process.env.TUNE_DUMP ?? '/tmp/tune-run.jsonl', out.join('\n') + '\n');
    execFileSync('sh', ['-c', `node ${join(EVAL_DIR, 'score.mjs')} retrieval --run ${process.env.TUNE_DUMP ?? '/tmp/tune-run.jsonl'} --split ${split} --json > /tmp/tune-score.json`]);
    const res = readFileSync('/tmp/tune-score.json', 'utf8');
    console.log(`${JSON.stringify(RANKING)} ${res.trim()} ${((Date.now() - started) / queries.length).toFixed(1)}ms/q\n`);
  }
  await pool.end();
  await dropDatabase(database.name);
}, 3_600_000);
