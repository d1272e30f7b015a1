import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, NotFoundError } from '../../common/errors/app-error';
import { chooseCluster, continuedClusters, ClusteringParams, DEFAULT_CLUSTERING_PARAMS } from './incremental-clustering';
import { articleClusterSimilarity } from './article-similarity';
import { surfaceForms } from './question-terms';
import {
  ArticleSimilarity,
  ClusterThread,
  DEFAULT_RECURRING_RULE_OPTIONS,
  RecurringFinding,
  recurringQuestionRule,
  RecurringRuleOptions,
} from './recurring-question-rule';
import { cosine, decodeVector, encodeVector, questionEmbeddingText, SentenceEncoder } from '../../common/sentence-encoder/sentence-encoder';
import { Neighbour, SimilarityIndex, SimilarityParams } from './similarity-index';
import { lockForTransaction } from '../../common/sql/transaction-lock';

/** A question document: what the detector needs of a forum thread. */
export interface QuestionDocument {
  /** Clustering scope, e.g. a board or a product: questions of different scopes never meet. */
  scope: string;
  /** The thread's id (unique per scope). */
  sourceId: string;
  title: string;
  question: string;
  acceptedAnswer?: string | null;
  authorId?: string | null;
  createdAt: Date;
  linkedArticleIds?: string[];
  citedArticleIds?: string[];
}

export interface ClusterAssignment {
  sourceId: string;
  /** Null only for a question stored earlier that fell out of the window at the last recluster. */
  clusterId: string | null;
  /** Similarity to the cluster joined; null when the question started the cluster. */
  similarity: number | null;
  /** False when the question was already stored (adding it again is a no-op). */
  created: boolean;
}

export interface SimilarQuestion {
  sourceId: string;
  score: number;
}

export interface RecurringQuestionsOptions {
  /** Rolling window: questions older than this many days neither join nor attract clusters. */
  windowDays: number;
  similarity: Partial<SimilarityParams>;
  clustering: ClusteringParams;
  rule: Omit<RecurringRuleOptions, 'windowStart'>;
  /**
   * Sentence-encoder rerank of `similarQuestions` (decision 0022): the BM25F top `depth` re-scored by
   * BM25F / top BM25F + `weight` · cosine of the stored vectors. The vectors are written by `embedPending`
   * (the `recurring-embeddings` queued job in the API; the evaluation calls it directly).
   */
  semantic: { enabled: boolean; weight: number; depth: number };
}

export const RECURRING_QUESTIONS_OPTIONS = Symbol('RECURRING_QUESTIONS_OPTIONS');

export const DEFAULT_RECURRING_QUESTIONS_OPTIONS: RecurringQuestionsOptions = {
  windowDays: 90,
  similarity: {},
  clustering: DEFAULT_CLUSTERING_PARAMS,
  rule: DEFAULT_RECURRING_RULE_OPTIONS,
  semantic: { enabled: true, weight: 2, depth: 100 },
};

const DAY_MS = 86_400_000;
const BULK_ROWS = 5_000;
/** Questions `recluster` replays between two turns of the event loop. */
const REPLAY_SLICE = 100;
/** Rows fetched at a time by `recluster`'s cursor. */
const CURSOR_ROWS = 5_000;
const UNIQUE_VIOLATION = '23505';
/** Questions embedded per model call by the queued job (each call holds the event loop ~40–70 ms per question). */
const BACKGROUND_EMBED_BATCH = 4;

interface StoredRow {
  seq: number;
  id: string;
  sourceId: string;
  title: string;
  question: string;
  acceptedAnswer: string | null;
  authorId: string | null;
  createdAt: Date;
  clusterId: string | null;
  /** Set when the thread was hidden, removed, merged away or moved (the row leaves every cluster). */
  removedAt?: Date | null;
}

interface RawRow {
  seq: string;
  id: string;
  source_id: string;
  title: string;
  question: string;
  accepted_answer: string | null;
  author_id: string | null;
  created_at: Date;
  cluster_id: string | null;
  removed_at: Date | null;
}

function toStoredRow(raw: RawRow): StoredRow {
  return {
    seq: Number(raw.seq),
    id: raw.id,
    sourceId: raw.source_id,
    title: raw.title,
    question: raw.question,
    acceptedAnswer: raw.accepted_answer,
    authorId: raw.author_id,
    createdAt: new Date(raw.created_at),
    clusterId: raw.cluster_id,
    removedAt: raw.removed_at ? new Date(raw.removed_at) : null,
  };
}

const ROW_COLUMNS = 'seq, id, source_id, title, question, accepted_answer, author_id, created_at, cluster_id, removed_at';

/** The in-memory index of one scope: PostgreSQL rows up to `lastSeq`, in document order. */
interface ScopeIndex {
  index: SimilarityIndex;
  /** Per document number. */
  sourceIds: string[];
  createdAt: number[];
  clusterOf: (string | undefined)[];
  docBySource: Map<string, number>;
  clusterSize: Map<string, number>;
  /** Documents of questions since edited (their new text is a new document) or removed: they match nothing. */
  retired: Set<number>;
  lastSeq: number;
  /** `recurring_question_scopes.generation` the index was built at: a recluster elsewhere makes it stale. */
  generation: number;
}

/** What `recluster` did. */
export interface ReclusterResult {
  questions: number;
  clusters: number;
  /** Clusters whose members are not exactly those of an earlier cluster with the same id (new clusters included). */
  changedClusterIds: string[];
}

/** The outcome of re-feeding an edited question. */
export interface QuestionUpdate {
  sourceId: string;
  /** The cluster it was in before (null: none, or it had been removed). */
  previousClusterId: string | null;
  clusterId: string;
  similarity: number | null;
}

/**
 * The recurring-question store and its clustering (docs/recurring-questions.md). Question documents and
 * clusters live in PostgreSQL; candidate retrieval uses an in-memory inverted index per scope, built from
 * PostgreSQL on first use and caught up from rows other instances added (by `seq`) under a per-scope
 * advisory lock, so several API instances assign clusters one at a time and agree.
 */
@Injectable()
export class RecurringQuestionsService implements OnApplicationShutdown {
  private readonly options: RecurringQuestionsOptions;
  private readonly scopes = new Map<string, ScopeIndex>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() @Inject(RECURRING_QUESTIONS_OPTIONS) options?: Partial<RecurringQuestionsOptions>,
    @Optional() private readonly encoder: SentenceEncoder = SentenceEncoder.instance(),
  ) {
    this.options = { ...DEFAULT_RECURRING_QUESTIONS_OPTIONS, ...(options ?? {}) };
  }

  /** Stops the sentence encoder's worker thread so the process can exit (after the jobs stopped). */
  async onApplicationShutdown(): Promise<void> {
    await this.encoder.close();
  }

  /**
   * Stores a question and assigns it to a cluster (joins the most similar cluster of the window above the
   * threshold or starts one). One transaction. Adding the same (scope, sourceId) again returns the stored
   * assignment and changes nothing.
   */
  async addQuestion(doc: QuestionDocument): Promise<ClusterAssignment> {
    validate(doc);
    try {
      return await this.dataSource.transaction(async (tx) => {
        await lockScope(tx, doc.scope);
        const state = await this.caughtUp(tx, doc.scope);
        const known = state.docBySource.get(doc.sourceId);
        if (known !== undefined) {
          const [existing] = await tx.query(`SELECT cluster_id, cluster_similarity FROM recurring_questions WHERE scope = $1 AND source_id = $2`, [
            doc.scope,
            doc.sourceId,
          ]);
          return { sourceId: doc.sourceId, clusterId: existing.cluster_id, similarity: existing.cluster_similarity, created: false };
        }
        // Cluster first (in memory), then one statement writes the question and its cluster.
        const docNumber = this.indexRow(state, {
          seq: state.lastSeq, id: '', sourceId: doc.sourceId, title: doc.title, question: doc.question,
          acceptedAnswer: doc.acceptedAnswer ?? null, authorId: doc.authorId ?? null, createdAt: doc.createdAt, clusterId: null,
        });
        const choice = this.choose(state, docNumber, doc.createdAt.getTime());
        const clusterId = choice ? choice.cluster : randomUUID();
        const [inserted] = await tx.query(
          `WITH cluster AS (
             INSERT INTO recurring_question_clusters AS c (id, scope, size, first_asked_at, last_asked_at) VALUES ($10, $1, 1, $7, $7)
             ON CONFLICT (id) DO UPDATE SET size = c.size + 1, first_asked_at = LEAST(c.first_asked_at, EXCLUDED.first_asked_at),
               last_asked_at = GREATEST(c.last_asked_at, EXCLUDED.last_asked_at), updated_at = now()
             RETURNING id)
           INSERT INTO recurring_questions (scope, source_id, title, question, accepted_answer, author_id, created_at, linked_article_ids,
             cited_article_ids, cluster_id, cluster_similarity)
           SELECT $1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9::uuid[], cluster.id, $11 FROM cluster RETURNING seq`,
          [doc.scope, doc.sourceId, doc.title, doc.question, doc.acceptedAnswer ?? null, doc.authorId ?? null, doc.createdAt,
            doc.linkedArticleIds ?? [], doc.citedArticleIds ?? [], clusterId, choice ? choice.similarity : null],
        );
        state.lastSeq = Math.max(state.lastSeq, Number(inserted.seq));
        state.clusterOf[docNumber] = clusterId;
        state.clusterSize.set(clusterId, (state.clusterSize.get(clusterId) ?? 0) + 1);
        return { sourceId: doc.sourceId, clusterId, similarity: choice ? choice.similarity : null, created: true };
      });
    } catch (error) {
      // The in-memory index may hold a row that was rolled back: rebuild it from PostgreSQL next time.
      this.scopes.delete(doc.scope);
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      // Stored before but outside the in-memory window (after a recluster): adding it again is a no-op.
      const [existing] = await this.dataSource.query(
        `SELECT cluster_id, cluster_similarity FROM recurring_questions WHERE scope = $1 AND source_id = $2`,
        [doc.scope, doc.sourceId],
      );
      return { sourceId: doc.sourceId, clusterId: existing.cluster_id, similarity: existing.cluster_similarity, created: false };
    }
  }

  /**
   * Stores many questions without clustering them (a backfill from existing threads, an evaluation pool):
   * `recluster` assigns their clusters afterwards. Already stored (scope, sourceId) pairs are skipped.
   * Returns how many were new.
   */
  async importQuestions(docs: QuestionDocument[]): Promise<number> {
    docs.forEach(validate);
    let added = 0;
    for (let start = 0; start < docs.length; start += BULK_ROWS) {
      const slice = docs.slice(start, start + BULK_ROWS);
      const rows = await this.dataSource.query(
        `INSERT INTO recurring_questions (scope, source_id, title, question, accepted_answer, author_id, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         ON CONFLICT (scope, source_id) DO NOTHING RETURNING seq`,
        [
          slice.map((d) => d.scope),
          slice.map((d) => d.sourceId),
          slice.map((d) => d.title),
          slice.map((d) => d.question),
          slice.map((d) => d.acceptedAnswer ?? null),
          slice.map((d) => d.authorId ?? null),
          slice.map((d) => d.createdAt),
        ],
      );
      added += rows.length;
      // Links are rare; written per row so the bulk statement stays simple.
      for (const d of slice.filter((x) => (x.linkedArticleIds?.length ?? 0) + (x.citedArticleIds?.length ?? 0) > 0)) {
        await this.dataSource.query(
          `UPDATE recurring_questions SET linked_article_ids = $3::uuid[], cited_article_ids = $4::uuid[] WHERE scope = $1 AND source_id = $2`,
          [d.scope, d.sourceId, d.linkedArticleIds ?? [], d.citedArticleIds ?? []],
        );
      }
    }
    return added;
  }

  /**
   * Full recluster of a scope: every question of the window (created after `now - windowDays`), replayed in
   * creation order through the same join-or-start rule over a fresh index; the scope's clusters are replaced
   * in one transaction. Questions outside the window lose their cluster. A new cluster keeps the id of the earlier
   * cluster most of its members were in (`continuedClusters`), so flags and content gaps keyed by cluster stay with
   * their question group. The scope's generation is incremented, so other instances rebuild their index of it.
   * Returns the number of questions and clusters, and the clusters whose members changed (new ones included).
   */
  async recluster(scope: string, now = new Date()): Promise<ReclusterResult> {
    const windowStart = new Date(now.getTime() - this.options.windowDays * DAY_MS);
    try {
      return await this.dataSource.transaction(async (tx) => {
        await lockScope(tx, scope);
        const state = this.emptyScope();
        // Rows are read through a cursor, a batch at a time, and only what the scope index keeps of each (seq, source
        // id, creation time) outlives its batch: the texts of 200,000 threads are never all held at once.
        await tx.query(
          `DECLARE recluster_rows NO SCROLL CURSOR FOR
             SELECT seq, id, source_id, title, question, accepted_answer, author_id, created_at, NULL AS cluster_id, removed_at,
                    cluster_id AS previous_cluster_id
             FROM recurring_questions WHERE scope = $1 AND created_at >= $2 AND removed_at IS NULL ORDER BY created_at, seq`,
          [scope, windowStart],
        );
        const seqs: number[] = [];
        /** Per cluster number (in order of creation): its size, first and last asked-at times. */
        const clusterKeys: string[] = [];
        const clusterNumber = new Map<string, number>();
        const firstAt: number[] = [];
        const lastAt: number[] = [];
        const similarity: (number | null)[] = [];
        const previousCluster: (string | null)[] = [];
        for (;;) {
          const batch: RawRow[] = await tx.query(`FETCH ${CURSOR_ROWS} FROM recluster_rows`);
          for (const [i, raw] of batch.entries()) {
            // About 0.3 ms of CPU per question: the event loop gets a turn every REPLAY_SLICE of them, so a daily
            // recluster of a large board in an API process delays requests by milliseconds, not seconds.
            if (i > 0 && i % REPLAY_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
            const row = toStoredRow(raw);
            const doc = this.indexRow(state, row);
            previousCluster[doc] = (raw as RawRow & { previous_cluster_id: string | null }).previous_cluster_id;
            const createdAt = row.createdAt.getTime();
            const choice = this.choose(state, doc, createdAt, windowStart.getTime());
            const key = choice ? choice.cluster : `new:${clusterKeys.length}`;
            if (!choice) {
              clusterNumber.set(key, clusterKeys.length);
              clusterKeys.push(key);
              firstAt.push(createdAt);
              lastAt.push(createdAt);
            } else {
              const number = clusterNumber.get(key)!;
              firstAt[number] = Math.min(firstAt[number], createdAt);
              lastAt[number] = Math.max(lastAt[number], createdAt);
            }
            seqs[doc] = row.seq;
            similarity[doc] = choice ? choice.similarity : null;
            state.clusterOf[doc] = key;
            state.clusterSize.set(key, (state.clusterSize.get(key) ?? 0) + 1);
          }
          if (batch.length < CURSOR_ROWS) break;
        }
        await tx.query(`CLOSE recluster_rows`);
        const questions = seqs.length;
        const membersOf = clusterKeys.map((): (string | null)[] => []);
        for (let doc = 0; doc < questions; doc += 1) membersOf[clusterNumber.get(state.clusterOf[doc]!)!].push(previousCluster[doc]);
        const continued = continuedClusters(membersOf);
        const previousSizes = new Map<string, number>(
          ((await tx.query(`SELECT id, size FROM recurring_question_clusters WHERE scope = $1`, [scope])) as { id: string; size: number }[]).map((r) => [r.id, r.size]),
        );
        const ids = continued.map((id) => id ?? randomUUID());
        // Unchanged: it continues an earlier cluster with exactly that cluster's members.
        const changed = ids.filter((id, i) => {
          const size = membersOf[i].length;
          return continued[i] === null || previousSizes.get(id) !== size || membersOf[i].some((previous) => previous !== id);
        });
        await tx.query(`UPDATE recurring_questions SET cluster_id = NULL, cluster_similarity = NULL WHERE scope = $1 AND cluster_id IS NOT NULL`, [scope]);
        await tx.query(`DELETE FROM recurring_question_clusters WHERE scope = $1 AND NOT (id = ANY($2::uuid[]))`, [scope, ids]);
        await this.upsertClusters(
          tx,
          scope,
          ids,
          clusterKeys.map((key) => state.clusterSize.get(key)!),
          firstAt,
          lastAt,
        );
        const realId = new Map(clusterKeys.map((key, i) => [key, ids[i]]));
        for (let doc = 0; doc < questions; doc += 1) state.clusterOf[doc] = realId.get(state.clusterOf[doc]!);
        state.clusterSize = new Map([...state.clusterSize].map(([key, size]) => [realId.get(key)!, size]));
        for (let start = 0; start < questions; start += BULK_ROWS) {
          const end = Math.min(questions, start + BULK_ROWS);
          await tx.query(
            `UPDATE recurring_questions q SET cluster_id = u.cluster_id, cluster_similarity = u.similarity
             FROM unnest($1::bigint[], $2::uuid[], $3::real[]) AS u(seq, cluster_id, similarity) WHERE q.seq = u.seq`,
            [seqs.slice(start, end), state.clusterOf.slice(start, end), similarity.slice(start, end)],
          );
        }
        state.lastSeq = seqs.reduce((max, seq) => Math.max(max, seq), 0);
        // Rows outside the window are not in this index; later adds catch up only newer rows, which is right:
        // old rows may not attract new questions anyway.
        const [{ max }] = await tx.query(`SELECT coalesce(max(seq), 0) AS max FROM recurring_questions WHERE scope = $1`, [scope]);
        state.lastSeq = Math.max(state.lastSeq, Number(max));
        const [{ generation }] = await tx.query(
          `INSERT INTO recurring_question_scopes (scope, generation, reclustered_at) VALUES ($1, 1, $2)
           ON CONFLICT (scope) DO UPDATE SET generation = recurring_question_scopes.generation + 1, reclustered_at = $2
           RETURNING generation`,
          [scope, now],
        );
        state.generation = generation;
        this.scopes.set(scope, state);
        return { questions, clusters: clusterKeys.length, changedClusterIds: changed };
      });
    } catch (error) {
      this.scopes.delete(scope);
      throw error;
    }
  }

  /**
   * Records the articles a stored question's thread now links to and its accepted answer cites, without re-feeding it
   * (its text is unchanged, so its cluster stays): what makes a cluster point at an article. Returns the question's
   * cluster when the links changed (to be evaluated again), else null; `links_read_at` is set either way.
   * NOT_FOUND when the question was never stored.
   */
  async updateLinks(scope: string, sourceId: string, linkedArticleIds: string[], citedArticleIds: string[]): Promise<{ clusterId: string | null; changed: boolean }> {
    // TypeORM returns [rows, affected] for an UPDATE.
    const [[row]]: [{ cluster_id: string | null; changed: boolean }[], number] = await this.dataSource.query(
      `UPDATE recurring_questions q SET linked_article_ids = $3::uuid[], cited_article_ids = $4::uuid[], links_read_at = now()
       FROM (SELECT id, linked_article_ids, cited_article_ids FROM recurring_questions WHERE scope = $1 AND source_id = $2 FOR UPDATE) old
       WHERE q.id = old.id
       RETURNING q.cluster_id,
         NOT (old.linked_article_ids @> $3::uuid[] AND old.linked_article_ids <@ $3::uuid[] AND old.cited_article_ids @> $4::uuid[] AND old.cited_article_ids <@ $4::uuid[]) AS changed`,
      [scope, sourceId, [...new Set(linkedArticleIds)], [...new Set(citedArticleIds)]],
    );
    if (!row) throw new NotFoundError('Question', `${scope}/${sourceId}`);
    return { clusterId: row.changed ? row.cluster_id : null, changed: row.changed };
  }

  /**
   * Re-feeds a stored question whose text changed (title, question, accepted answer, links): it leaves its
   * cluster and joins the most similar cluster of the window, or starts one, by the same rule as a new
   * question; a removed question comes back the same way. One transaction; the row gets a new `seq` so other
   * instances catch the change up. NOT_FOUND when the question was never stored.
   */
  async updateQuestion(doc: QuestionDocument): Promise<QuestionUpdate> {
    validate(doc);
    try {
      return await this.dataSource.transaction(async (tx) => {
        await lockScope(tx, doc.scope);
        const state = await this.caughtUp(tx, doc.scope);
        const [stored] = await tx.query(`SELECT cluster_id FROM recurring_questions WHERE scope = $1 AND source_id = $2`, [doc.scope, doc.sourceId]);
        if (!stored) throw new NotFoundError('Question', `${doc.scope}/${doc.sourceId}`);
        const previousClusterId: string | null = stored.cluster_id;
        const old = state.docBySource.get(doc.sourceId);
        if (old !== undefined) this.retire(state, old);
        const docNumber = this.indexRow(state, {
          seq: state.lastSeq, id: '', sourceId: doc.sourceId, title: doc.title, question: doc.question,
          acceptedAnswer: doc.acceptedAnswer ?? null, authorId: doc.authorId ?? null, createdAt: doc.createdAt, clusterId: null,
        });
        const choice = this.choose(state, docNumber, doc.createdAt.getTime());
        const clusterId = choice ? choice.cluster : randomUUID();
        await tx.query(
          `INSERT INTO recurring_question_clusters (id, scope, size, first_asked_at, last_asked_at) VALUES ($1, $2, 0, $3, $3) ON CONFLICT (id) DO NOTHING`,
          [clusterId, doc.scope, doc.createdAt],
        );
        // TypeORM returns [rows, affected] for an UPDATE.
        const [[updated]] = await tx.query(
          `UPDATE recurring_questions SET title = $3, question = $4, accepted_answer = $5, author_id = $6, linked_article_ids = $7::uuid[],
             cited_article_ids = $8::uuid[], cluster_id = $9, cluster_similarity = $10, removed_at = NULL, embedding = NULL, links_read_at = now(),
             seq = nextval(pg_get_serial_sequence('recurring_questions', 'seq'))
           WHERE scope = $1 AND source_id = $2 RETURNING seq`,
          [doc.scope, doc.sourceId, doc.title, doc.question, doc.acceptedAnswer ?? null, doc.authorId ?? null, doc.linkedArticleIds ?? [],
            doc.citedArticleIds ?? [], clusterId, choice ? choice.similarity : null],
        );
        await recountClusters(tx, [clusterId, previousClusterId]);
        state.lastSeq = Math.max(state.lastSeq, Number(updated.seq));
        state.clusterOf[docNumber] = clusterId;
        state.clusterSize.set(clusterId, (state.clusterSize.get(clusterId) ?? 0) + 1);
        return { sourceId: doc.sourceId, previousClusterId, clusterId, similarity: choice ? choice.similarity : null };
      });
    } catch (error) {
      this.scopes.delete(doc.scope);
      throw error;
    }
  }

  /**
   * Takes a stored question out of its cluster for good (its thread was hidden, removed, merged away or moved):
   * the row stays, marked removed, and matches nothing. Returns the cluster it left (null: it was in none, or
   * is not stored, or was already removed).
   */
  async removeQuestion(scope: string, sourceId: string): Promise<{ previousClusterId: string | null; removed: boolean }> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        await lockScope(tx, scope);
        const state = await this.caughtUp(tx, scope);
        const [stored] = await tx.query(`SELECT cluster_id FROM recurring_questions WHERE scope = $1 AND source_id = $2 AND removed_at IS NULL`, [scope, sourceId]);
        if (!stored) return { previousClusterId: null, removed: false };
        // TypeORM returns [rows, affected] for an UPDATE.
        const [[updated]] = await tx.query(
          `UPDATE recurring_questions SET removed_at = now(), cluster_id = NULL, cluster_similarity = NULL,
             seq = nextval(pg_get_serial_sequence('recurring_questions', 'seq'))
           WHERE scope = $1 AND source_id = $2 RETURNING seq`,
          [scope, sourceId],
        );
        await recountClusters(tx, [stored.cluster_id]);
        const old = state.docBySource.get(sourceId);
        if (old !== undefined) this.retire(state, old);
        state.lastSeq = Math.max(state.lastSeq, Number(updated.seq));
        return { previousClusterId: stored.cluster_id, removed: true };
      });
    } catch (error) {
      this.scopes.delete(scope);
      throw error;
    }
  }

  /**
   * Earlier questions of the scope ranked by similarity to a stored question (best first). `earlierOnly`
   * false ranks every other question (evaluation pools have no dates).
   */
  async similarQuestions(scope: string, sourceId: string, limit: number, earlierOnly = true): Promise<SimilarQuestion[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BadUserInputError('limit must be between 1 and 1000');
    const state = await this.dataSource.transaction(async (tx) => this.caughtUp(tx, scope));
    const doc = state.docBySource.get(sourceId);
    if (doc === undefined) throw new NotFoundError('Question', `${scope}/${sourceId}`);
    const created = state.createdAt[doc];
    const exclude = (d: number) => state.retired.has(d) || (earlierOnly && state.createdAt[d] > created);
    const semantic = this.options.semantic;
    let ranked = state.index.searchDoc(doc, semantic.enabled ? Math.max(limit, semantic.depth) : limit, exclude);
    if (semantic.enabled) ranked = await this.semanticRerank(scope, sourceId, ranked.map((n) => ({ ...n, sourceId: state.sourceIds[n.doc] })));
    return ranked.slice(0, limit).map((n) => ({ sourceId: state.sourceIds[n.doc], score: n.score }));
  }

  /**
   * BM25F / top BM25F + weight · cosine of the stored sentence vectors (a candidate without a vector yet counts
   * cosine 0). Unchanged when the question itself has no vector (not embedded yet, or the encoder is off or failed).
   */
  private async semanticRerank(scope: string, sourceId: string, ranked: (Neighbour & { sourceId: string })[]): Promise<Neighbour[]> {
    if (ranked.length === 0 || ranked[0].score <= 0) return ranked;
    const rows: { source_id: string; embedding: Buffer }[] = await this.dataSource.query(
      `SELECT source_id, embedding FROM recurring_questions WHERE scope = $1 AND source_id = ANY($2::text[]) AND embedding IS NOT NULL`,
      [scope, [sourceId, ...ranked.map((n) => n.sourceId)]],
    );
    const vectors = new Map(rows.map((r) => [r.source_id, decodeVector(r.embedding)]));
    const mine = vectors.get(sourceId);
    if (!mine) return ranked;
    const top = ranked[0].score;
    const weight = this.options.semantic.weight;
    return ranked
      .map((n) => {
        const v = vectors.get(n.sourceId);
        return { doc: n.doc, score: n.score / top + weight * (v ? cosine(mine, v) : 0) };
      })
      .sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /**
   * Embeds up to `batch` stored questions that have no sentence vector yet (oldest first; `scope` limits it to one
   * scope) and stores their vectors. Returns how many were embedded: 0 when none is left or the encoder is off or
   * unavailable. An edited question (new `seq`, vector reset) is skipped by the write and picked up again.
   */
  async embedPending(batch = 32, scope?: string): Promise<number> {
    if (!this.options.semantic.enabled) return 0;
    const rows: { seq: string; title: string; question: string }[] = await this.dataSource.query(
      `SELECT seq, title, question FROM recurring_questions WHERE embedding IS NULL AND removed_at IS NULL${scope ? ' AND scope = $2' : ''}
       ORDER BY seq LIMIT $1`,
      scope ? [batch, scope] : [batch],
    );
    if (rows.length === 0) return 0;
    const vectors = await this.encoder.embed(rows.map((r) => questionEmbeddingText(r.title, r.question)));
    if (!vectors) return 0;
    await this.dataSource.query(
      `UPDATE recurring_questions q SET embedding = u.embedding FROM unnest($1::bigint[], $2::bytea[]) AS u(seq, embedding) WHERE q.seq = u.seq`,
      [rows.map((r) => r.seq), vectors.map(encodeVector)],
    );
    return rows.length;
  }

  /**
   * The `recurring-embeddings` job: embeds pending questions a few per model call, yielding to other work
   * between calls, until none is left or `budgetMs` has passed. Returns how many were embedded.
   */
  async embedAllPending(budgetMs: number): Promise<number> {
    const end = Date.now() + budgetMs;
    let total = 0;
    for (let n = await this.embedPending(BACKGROUND_EMBED_BATCH); n > 0; n = await this.embedPending(BACKGROUND_EMBED_BATCH)) {
      total += n;
      if (Date.now() >= end) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return total;
  }

  /** Every stored question of a scope with its cluster id (null: outside the window at the last recluster). */
  async clusterAssignments(scope: string): Promise<{ sourceId: string; clusterId: string | null }[]> {
    const rows = await this.dataSource.query(`SELECT source_id, cluster_id FROM recurring_questions WHERE scope = $1 ORDER BY seq`, [scope]);
    return rows.map((r: { source_id: string; cluster_id: string | null }) => ({ sourceId: r.source_id, clusterId: r.cluster_id }));
  }

  /**
   * Runs the detector rule on one cluster. `articleSimilarities` are the articles similar to the cluster,
   * found by the caller (the staleness scan, through search); links and citations come from the store.
   */
  async evaluateCluster(clusterId: string, articleSimilarities: ArticleSimilarity[] = [], now = new Date()): Promise<RecurringFinding> {
    const rows = await this.dataSource.query(
      `SELECT q.scope, q.source_id, q.title, q.question, q.accepted_answer, q.author_id, q.created_at, q.linked_article_ids, q.cited_article_ids
       FROM recurring_questions q WHERE q.cluster_id = $1 ORDER BY q.created_at, q.seq`,
      [clusterId],
    );
    if (rows.length === 0) throw new NotFoundError('Recurring-question cluster', clusterId);
    const threads: ClusterThread[] = rows.map((r: Record<string, unknown>) => ({
      sourceId: r.source_id as string,
      title: r.title as string,
      authorId: (r.author_id as string | null) ?? null,
      createdAt: new Date(r.created_at as string),
      acceptedAnswer: (r.accepted_answer as string | null) ?? null,
      linkedArticleIds: (r.linked_article_ids as string[]) ?? [],
      citedArticleIds: (r.cited_article_ids as string[]) ?? [],
    }));
    const scope = rows[0].scope as string;
    const state = await this.dataSource.transaction(async (tx) => this.caughtUp(tx, scope));
    const docs = threads.map((t) => state.docBySource.get(t.sourceId)).filter((d): d is number => d !== undefined);
    const surface = surfaceForms(rows.map((r: Record<string, string>) => `${r.title}\n${r.question}\n${r.accepted_answer ?? ''}`));
    const commonTerms = state.index.commonTerms(docs, 20).map((stem) => surface.get(stem) ?? stem);
    const windowStart = new Date(now.getTime() - this.options.windowDays * DAY_MS);
    return recurringQuestionRule(threads, articleSimilarities, commonTerms, { ...this.options.rule, windowStart });
  }

  /**
   * Similarity (0–1, `articleClusterSimilarity`) of each article to a cluster's questions, with IDF over the
   * scope's stored questions: the third way a cluster points at an article (docs/recurring-questions.md).
   */
  async articleSimilarities(clusterId: string, articles: { articleId: string; title: string; body: string }[]): Promise<ArticleSimilarity[]> {
    if (articles.length === 0) return [];
    const rows: { scope: string; title: string; question: string }[] = await this.dataSource.query(
      `SELECT scope, title, question FROM recurring_questions WHERE cluster_id = $1`,
      [clusterId],
    );
    if (rows.length === 0) throw new NotFoundError('Recurring-question cluster', clusterId);
    const state = await this.dataSource.transaction(async (tx) => this.caughtUp(tx, rows[0].scope));
    const n = state.index.size;
    const idf = (term: string): number => {
      const df = state.index.documentFrequency(term);
      return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    };
    const members = rows.map((r) => ({ title: r.title, question: r.question }));
    return articles.map((a) => ({ articleId: a.articleId, similarity: articleClusterSimilarity(members, a, idf) }));
  }

  /** Whether any stored question is in the cluster (a cluster whose members all left has none). */
  async clusterHasMembers(clusterId: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT 1 FROM recurring_questions WHERE cluster_id = $1 LIMIT 1`, [clusterId]);
    return !!row;
  }

  /** The terms most members of a cluster share, in their most frequent surface form (evidence of a flag). */
  async clusterTerms(clusterId: string, limit = 8): Promise<string[]> {
    const rows: { scope: string; source_id: string; title: string; question: string; accepted_answer: string | null }[] = await this.dataSource.query(
      `SELECT scope, source_id, title, question, accepted_answer FROM recurring_questions WHERE cluster_id = $1`,
      [clusterId],
    );
    if (rows.length === 0) throw new NotFoundError('Recurring-question cluster', clusterId);
    const state = await this.dataSource.transaction(async (tx) => this.caughtUp(tx, rows[0].scope));
    const docs = rows.map((r) => state.docBySource.get(r.source_id)).filter((d): d is number => d !== undefined);
    const surface = surfaceForms(rows.map((r) => `${r.title}\n${r.question}\n${r.accepted_answer ?? ''}`));
    return state.index.commonTerms(docs, limit).map((stem) => surface.get(stem) ?? stem);
  }

  private choose(state: ScopeIndex, doc: number, createdAt: number, windowStart = createdAt - this.options.windowDays * DAY_MS) {
    const params = this.options.clustering;
    const neighbours = state.index.similarDocs(doc, params.candidates, (d) => state.createdAt[d] < windowStart || state.clusterOf[d] === undefined);
    return chooseCluster(neighbours, (d) => state.clusterOf[d], (c) => state.clusterSize.get(c) ?? 1, params);
  }

  private emptyScope(): ScopeIndex {
    return {
      index: new SimilarityIndex(this.options.similarity),
      sourceIds: [],
      createdAt: [],
      clusterOf: [],
      docBySource: new Map(),
      clusterSize: new Map(),
      retired: new Set(),
      lastSeq: 0,
      generation: 0,
    };
  }

  private indexRow(state: ScopeIndex, row: StoredRow): number {
    const doc = state.index.add({ title: row.title, question: row.question, acceptedAnswer: row.acceptedAnswer });
    state.sourceIds[doc] = row.sourceId;
    state.createdAt[doc] = row.createdAt.getTime();
    state.clusterOf[doc] = row.clusterId ?? undefined;
    state.docBySource.set(row.sourceId, doc);
    if (row.clusterId) state.clusterSize.set(row.clusterId, (state.clusterSize.get(row.clusterId) ?? 0) + 1);
    state.lastSeq = Math.max(state.lastSeq, row.seq);
    return doc;
  }

  /** The scope's index with every row PostgreSQL has (rows added by other instances included). */
  private async caughtUp(tx: EntityManager, scope: string): Promise<ScopeIndex> {
    const [stored]: { generation: number }[] = await tx.query(`SELECT generation FROM recurring_question_scopes WHERE scope = $1`, [scope]);
    const generation = stored?.generation ?? 0;
    let state = this.scopes.get(scope);
    // Reclustered elsewhere since this index was built: its clusters may be gone, so it is rebuilt from the rows.
    if (!state || state.generation !== generation) {
      state = { ...this.emptyScope(), generation };
      this.scopes.set(scope, state);
    }
    const rows: StoredRow[] = (
      await tx.query(`SELECT ${ROW_COLUMNS} FROM recurring_questions WHERE scope = $1 AND seq > $2 ORDER BY seq`, [scope, state.lastSeq])
    ).map(toStoredRow);
    for (const row of rows) this.applyRow(state, row);
    return state;
  }

  /**
   * A row caught up from PostgreSQL: a new question is indexed; an edited one (a row seen before, given a new
   * `seq`) retires its old document and indexes the new text; a removed one only retires its document.
   */
  private applyRow(state: ScopeIndex, row: StoredRow): void {
    const old = state.docBySource.get(row.sourceId);
    if (old !== undefined) this.retire(state, old);
    if (row.removedAt) state.lastSeq = Math.max(state.lastSeq, row.seq);
    else this.indexRow(state, row);
  }

  /** Takes a document out of its cluster and out of every match (the index itself is append-only). */
  private retire(state: ScopeIndex, doc: number): void {
    const cluster = state.clusterOf[doc];
    if (cluster !== undefined) state.clusterSize.set(cluster, Math.max(0, (state.clusterSize.get(cluster) ?? 1) - 1));
    state.clusterOf[doc] = undefined;
    state.retired.add(doc);
    if (state.docBySource.get(state.sourceIds[doc]) === doc) state.docBySource.delete(state.sourceIds[doc]);
  }

  private async upsertClusters(tx: EntityManager, scope: string, ids: string[], sizes: number[], firstAt: number[], lastAt: number[]): Promise<void> {
    for (let start = 0; start < sizes.length; start += BULK_ROWS) {
      const end = Math.min(sizes.length, start + BULK_ROWS);
      await tx.query(
        `INSERT INTO recurring_question_clusters (id, scope, size, first_asked_at, last_asked_at)
         SELECT u.id, $1, u.size, u.first_at, u.last_at FROM unnest($2::uuid[], $3::int[], $4::timestamptz[], $5::timestamptz[]) AS u(id, size, first_at, last_at)
         ON CONFLICT (id) DO UPDATE SET size = excluded.size, first_asked_at = excluded.first_asked_at, last_asked_at = excluded.last_asked_at, updated_at = now()`,
        [
          scope,
          ids.slice(start, end),
          sizes.slice(start, end),
          firstAt.slice(start, end).map((t) => new Date(t)),
          lastAt.slice(start, end).map((t) => new Date(t)),
        ],
      );
    }
  }
}

/** Size and asked-at range of clusters from their member rows (after a member left or joined). */
async function recountClusters(tx: EntityManager, clusterIds: (string | null)[]): Promise<void> {
  const ids = [...new Set(clusterIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return;
  await tx.query(
    `UPDATE recurring_question_clusters c SET size = s.size, first_asked_at = coalesce(s.first_at, c.first_asked_at),
       last_asked_at = coalesce(s.last_at, c.last_asked_at), updated_at = now()
     FROM (SELECT id, (SELECT count(*)::int FROM recurring_questions q WHERE q.cluster_id = u.id) AS size,
                  (SELECT min(created_at) FROM recurring_questions q WHERE q.cluster_id = u.id) AS first_at,
                  (SELECT max(created_at) FROM recurring_questions q WHERE q.cluster_id = u.id) AS last_at
           FROM unnest($1::uuid[]) AS u(id)) s
     WHERE c.id = s.id`,
    [ids],
  );
}

function lockScope(tx: EntityManager, scope: string): Promise<void> {
  return lockForTransaction(tx, `recurring-questions:${scope}`);
}

function validate(doc: QuestionDocument): void {
  const problems: { field: string; messages: string[] }[] = [];
  if (!doc.scope?.trim()) problems.push({ field: 'scope', messages: ['must not be empty'] });
  if (!doc.sourceId?.trim()) problems.push({ field: 'sourceId', messages: ['must not be empty'] });
  if (!doc.title?.trim() && !doc.question?.trim()) problems.push({ field: 'title', messages: ['title or question must have text'] });
  if (!(doc.createdAt instanceof Date) || Number.isNaN(doc.createdAt.getTime())) problems.push({ field: 'createdAt', messages: ['must be a date'] });
  if (problems.length > 0) throw new BadUserInputError('Invalid question document', problems);
}
