/**
 * `npx ts-node --transpile-only bench/recurring-embed-latency.ts <database-url> [questions=300] [adds=150]`:
 * `addQuestion` latency while the `recurring-embeddings` backfill runs in the same process (decision 0022,
 * "Off the event loop"). Migrates the given (empty, own) database, imports `questions` eval questions
 * (BENCH_EVAL_DIR, default /work/shared/eval) without vectors, loads the model, then times `adds` sequential
 * `addQuestion` calls (10 ms apart, another scope) first alone and then while `embedAllPending` embeds the
 * imported questions, and the longest event-loop stall (setImmediate gap) of each phase. Prints JSON.
 * Run the same file in a checkout of another commit to compare (docs/recurring-questions.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { runMigrations } from '../src/database/prepare-database';
import { DEFAULT_RECURRING_QUESTIONS_OPTIONS, QuestionDocument, RecurringQuestionsService } from '../src/staleness/recurring/recurring-questions.service';

const [url, questionsArg = '300', addsArg = '150'] = process.argv.slice(2);
if (!url) throw new Error('usage: recurring-embed-latency.ts <database-url> [questions] [adds]');
const evalDir = process.env.BENCH_EVAL_DIR ?? '/work/shared/eval';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main(): Promise<void> {
  await runMigrations(url);
  const dataSource = await new DataSource(dataSourceOptions(url, 4)).initialize();
  const service = new RecurringQuestionsService(dataSource, { semantic: { ...DEFAULT_RECURRING_QUESTIONS_OPTIONS.semantic, enabled: true } });
  const rows = readFileSync(join(evalDir, 'dup-questions/questions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; title: string; body: string });
  const total = Number(questionsArg) + 2 * Number(addsArg) + 20;
  const doc = (scope: string, r: { id: string; title: string; body: string }, i: number): QuestionDocument => ({
    scope, sourceId: r.id, title: r.title, question: r.body, createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
  });
  await service.importQuestions(rows.slice(0, Number(questionsArg)).map((r, i) => doc('backfill', r, i)));
  // Loads the model (on the event loop before the worker; in the worker now) and builds the live scope's index.
  await service.embedPending(1, 'backfill');
  let next = Number(questionsArg);
  const live = rows.slice(next, total);
  for (let i = 0; i < 20; i += 1) await service.addQuestion(doc('live', live[i], i));
  next = 20;

  const phase = async (during?: Promise<unknown>): Promise<Record<string, number>> => {
    const times: number[] = [];
    let running = true;
    let last = performance.now();
    let stall = 0;
    const ping = (): void => {
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
      if (running) setImmediate(ping);
    };
    setImmediate(ping);
    let done = false;
    void during?.then(() => (done = true));
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < Number(addsArg) && !(during && done); i += 1) {
      const t = performance.now();
      await service.addQuestion(doc('live', live[next], next));
      times.push(performance.now() - t);
      next += 1;
      await new Promise((r) => setTimeout(r, 10));
    }
    running = false;
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    times.sort((a, b) => a - b);
    const round = (x: number): number => Math.round(x * 10) / 10;
    return {
      adds: times.length, p50: round(quantile(times, 0.5)), p95: round(quantile(times, 0.95)), max: round(times[times.length - 1]),
      longestStall: round(stall), wallMs: Math.round(wall), processCpuMs: Math.round((used.user + used.system) / 1000),
    };
  };

  const alone = await phase();
  const backfill = service.embedAllPending(600_000);
  const withBackfill = await phase(backfill);
  const embedded = await backfill;
  const [{ vectors }] = await dataSource.query(`SELECT count(*)::int AS vectors FROM recurring_questions WHERE embedding IS NOT NULL`);
  process.stdout.write(`${JSON.stringify({ alone, withBackfill, embeddedDuringRun: embedded, vectors })}\n`);
  await service.onApplicationShutdown?.();
  await dataSource.destroy();
}

void main();
