import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DEFAULT_RECURRING_QUESTIONS_OPTIONS, RecurringQuestionsService } from '../recurring-questions.service';

/**
 * The duplicate-question evaluation (issue 13) through the product's own code path: every question of a
 * folder in the dup-questions format is stored by `RecurringQuestionsService` in (one scope per forum for retrieval: the whole forum pool, imported in bulk; one scope per forum
 * and split for clustering: the split's questions, clustered incrementally as they arrive, or `recluster`), rankings come from
 * `similarQuestions`, clusters from the store, and both are scored by the folder's own `score.mjs`.
 */

export interface EvalQuestion {
  id: string;
  forum: string;
  split: string;
  title: string;
  body: string;
}

interface EvalQuery {
  query: string;
  forum: string;
  split: string;
}

export interface DuplicatesEvalOptions {
  folder: string;
  split: 'dev' | 'test';
  /** Where the run files go. */
  outDir: string;
  /** Only these forums (CI subset); all when unset. */
  forums?: string[];
  /**
   * `incremental` (default): the split's questions are added one by one (`addQuestion`, join-or-start as
   * they arrive); `recluster`: imported in bulk, then one `recluster` (the same rule replayed; faster, CI).
   */
  clustering?: 'incremental' | 'recluster';
  /**
   * Sentence-encoder rerank of the retrieval (default on, as in the product): the pool questions are embedded
   * through the service (`embedPending`) before ranking, ~4 minutes of CPU for the folder's 3,679 questions.
   */
  sentenceEncoder?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export type Scores = Record<string, number | string | Record<string, unknown>>;

export interface DuplicatesEvalResult {
  retrieval: Scores;
  cluster: Scores;
  baselines: { name: string; scores: Scores }[];
  runs: { retrieval: string; cluster: string };
  seconds: { load: number; embed: number; retrieval: number; cluster: number };
  clustering: 'incremental' | 'recluster';
}

const readLines = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/** One minute apart in file order: the data has no dates, and the order is the arrival order. */
const BASE_TIME = Date.UTC(2026, 0, 1);
const arrival = (i: number): Date => new Date(BASE_TIME + i * 60_000);

export async function evaluateDuplicates(dataSource: DataSource, options: DuplicatesEvalOptions): Promise<DuplicatesEvalResult> {
  const folder = realpathSync(options.folder); // score.mjs runs only when started by its real path
  const log = options.log ?? (() => undefined);
  const keep = (forum: string) => !options.forums || options.forums.includes(forum);
  const questions = readLines<EvalQuestion>(join(folder, 'questions.jsonl')).filter((q) => keep(q.forum));
  const queries = readLines<EvalQuery>(join(folder, 'queries.jsonl')).filter((q) => q.split === options.split && keep(q.forum));
  // Arrival times far in the past would fall out of the window: the window is sized to the data.
  const days = Math.ceil((questions.length * 60_000) / 86_400_000) + 2;
  const semantic = { ...DEFAULT_RECURRING_QUESTIONS_OPTIONS.semantic, enabled: options.sentenceEncoder ?? true };
  const service = new RecurringQuestionsService(dataSource, { windowDays: days, semantic });

  let t0 = Date.now();
  await service.importQuestions(
    questions.map((q, i) => ({ scope: `pool:${q.forum}`, sourceId: q.id, title: q.title, question: q.body, createdAt: arrival(i) })),
  );
  const splitQuestions = questions.filter((q) => q.split === options.split);
  const clusterDocs = splitQuestions.map((q, i) => ({
    scope: `cluster:${options.split}:${q.forum}`,
    sourceId: q.id,
    title: q.title,
    question: q.body,
    createdAt: arrival(i),
  }));
  if (options.clustering === 'recluster') {
    await service.importQuestions(clusterDocs);
    for (const scope of new Set(clusterDocs.map((d) => d.scope))) await service.recluster(scope, arrival(questions.length));
  } else {
    for (const [i, doc] of clusterDocs.entries()) {
      await service.addQuestion(doc);
      if ((i + 1) % 500 === 0) log(`  clustered ${i + 1}/${clusterDocs.length} questions as they arrive`);
    }
  }
  const load = (Date.now() - t0) / 1000;

  // Only the pools are ranked, so only their questions need vectors (the clustering does not use them).
  t0 = Date.now();
  let embedded = 0;
  for (const forum of [...new Set(questions.map((q) => q.forum))]) {
    for (let n = await service.embedPending(32, `pool:${forum}`); n > 0; n = await service.embedPending(32, `pool:${forum}`)) {
      embedded += n;
      if (embedded % 512 === 0) log(`  embedded ${embedded}/${questions.length} pool questions`);
    }
  }
  const embed = (Date.now() - t0) / 1000;

  mkdirSync(options.outDir, { recursive: true });
  t0 = Date.now();
  const retrievalRun = join(options.outDir, `evergreen-${options.split}.jsonl`);
  const lines: string[] = [];
  for (const q of queries) {
    // The pools have no dates, so every other question of the forum is "earlier" (README protocol).
    const ranking = await service.similarQuestions(`pool:${q.forum}`, q.query, 100, false);
    lines.push(JSON.stringify({ query: q.query, ranking: ranking.map((r) => r.sourceId) }));
  }
  writeFileSync(retrievalRun, lines.join('\n') + '\n');
  const retrievalSeconds = (Date.now() - t0) / 1000;

  t0 = Date.now();
  const clusterRun = join(options.outDir, `evergreen-cluster-${options.split}.jsonl`);
  const clusterLines: string[] = [];
  for (const forum of [...new Set(splitQuestions.map((q) => q.forum))]) {
    for (const a of await service.clusterAssignments(`cluster:${options.split}:${forum}`)) {
      clusterLines.push(JSON.stringify({ id: a.sourceId, cluster: a.clusterId ?? `alone:${a.sourceId}` }));
    }
  }
  writeFileSync(clusterRun, clusterLines.join('\n') + '\n');
  const clusterSeconds = (Date.now() - t0) / 1000;

  const score = (task: 'retrieval' | 'cluster', run: string): Scores =>
    JSON.parse(execFileSync(process.execPath, [join(folder, 'score.mjs'), task, '--run', run, '--split', options.split, '--json'], { encoding: 'utf8' }));
  return {
    retrieval: score('retrieval', retrievalRun),
    cluster: score('cluster', clusterRun),
    baselines: options.forums ? [] : readBaselines(folder, options.split),
    runs: { retrieval: retrievalRun, cluster: clusterRun },
    seconds: { load, embed, retrieval: retrievalSeconds, cluster: clusterSeconds },
    clustering: options.clustering ?? 'incremental',
  };
}

/** Baseline results recorded in the folder (`runs/*-results.json`): retrieval with group relevance, clusterings. */
export function readBaselines(folder: string, split: string): { name: string; scores: Scores }[] {
  const dir = join(folder, 'runs');
  if (!existsSync(dir)) return [];
  const out: { name: string; scores: Scores }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('-results.json')).sort()) {
    const results = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, Scores>;
    for (const [key, scores] of Object.entries(results)) {
      if (!key.startsWith(`${split}/`) || typeof scores !== 'object' || scores === null) continue;
      const isRetrieval = scores.task === 'retrieval' && scores.rel === 'group' && key.split('/').length === 2;
      const isCluster = scores.task === 'cluster';
      if (isRetrieval || isCluster) out.push({ name: `${file.replace(/-results\.json$/, '')} ${key}`, scores });
    }
  }
  return out;
}

const RETRIEVAL_METRICS = ['MAP', 'MRR', 'P@1', 'P@5', 'R@10'];
const CLUSTER_METRICS = ['pair_P', 'pair_R', 'pair_F1', 'bcubed_P', 'bcubed_R', 'bcubed_F1', 'pred_clusters'];

/** The result as two plain-text tables, ours first, then the folder's baselines. */
export function formatResult(result: DuplicatesEvalResult, split: string): string {
  const row = (name: string, scores: Scores, metrics: string[]) =>
    `${name.padEnd(36)} ${metrics.map((m) => String(scores[m] ?? '').padStart(9)).join(' ')}`;
  const lines = [`Retrieval (${split}, group relevance)`, row('system', Object.fromEntries(RETRIEVAL_METRICS.map((m) => [m, m])), RETRIEVAL_METRICS)];
  lines.push(row('evergreen (recurring questions)', result.retrieval, RETRIEVAL_METRICS));
  for (const b of result.baselines.filter((x) => x.scores.task === 'retrieval')) lines.push(row(b.name, b.scores, RETRIEVAL_METRICS));
  lines.push('', `Clustering (${split})`, row('system', Object.fromEntries(CLUSTER_METRICS.map((m) => [m, m.replace('pred_', '')])), CLUSTER_METRICS));
  lines.push(row(`evergreen (${result.clustering})`, result.cluster, CLUSTER_METRICS));
  for (const b of result.baselines.filter((x) => x.scores.task === 'cluster')) lines.push(row(b.name, b.scores, CLUSTER_METRICS));
  lines.push('', `Runs: ${result.runs.retrieval}, ${result.runs.cluster}`);
  lines.push(`Time: load and cluster ${result.seconds.load.toFixed(1)} s, embed ${result.seconds.embed.toFixed(1)} s, retrieval ${result.seconds.retrieval.toFixed(1)} s, clusters ${result.seconds.cluster.toFixed(1)} s`);
  return lines.join('\n');
}
