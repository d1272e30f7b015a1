import { EntityManager } from 'typeorm';
import { OutboxKind, searchWorkStatement } from '../search/search-outbox';
import { enqueueChangeWebhooks } from './change-webhooks';
import { resolveAnsweredFlags, resolveWithdrawnFlags } from './stale-flag-resolution';

/** PostgreSQL channel announcing that published content may have changed; delivered at commit. */
export const ARTICLE_CHANGED_CHANNEL = 'evergreen_article_changed';

/** Payload meaning: drop every cached entry (categories or products changed: names, slugs and breadcrumbs everywhere). */
export const EVERYTHING = '*';

/** What a change of one kind of content reaches besides its own rows. */
export interface ContentKindSpec {
  /** The table whose `updated_at` marks the item as changed (admin lists sort by it). */
  readonly table?: string;
  /** The search outbox kind, when items of this kind are search documents. */
  readonly searchKind?: OutboxKind;
  /** The cache channel and whether a change drops the item's entries or every entry. */
  readonly notify?: { readonly channel: string; readonly scope: 'item' | 'everything' };
}

/**
 * Every kind of content whose changes go through {@link recordChange}. Open for new kinds: forum threads and
 * posts add an entry here (and, when searchable, an outbox kind), and every consumer below serves them.
 */
export const CONTENT_KINDS = {
  article: { table: 'articles', searchKind: 'article', notify: { channel: ARTICLE_CHANGED_CHANNEL, scope: 'item' } },
  // Category names, slugs and breadcrumbs and product names appear on every article page.
  category: { notify: { channel: ARTICLE_CHANGED_CHANNEL, scope: 'everything' } },
  product: { notify: { channel: ARTICLE_CHANGED_CHANNEL, scope: 'everything' } },
  // Forum: a thread's search document holds its title, question, accepted answer, tags and solved state.
  thread: { table: 'threads', searchKind: 'thread' },
  // A post's change reindexes its thread when it is the question or the accepted answer (the service records that too).
  post: { table: 'posts' },
  board: {},
} as const satisfies Record<string, ContentKindSpec>;

export type ContentKind = keyof typeof CONTENT_KINDS;

/** Which consumers a change concerns. */
export interface ChangeEffects {
  /** Bump the item's `updated_at`. */
  readonly touch: boolean;
  /** Reindex the item (search outbox). */
  readonly index: boolean;
  /** Announce it to the caches of every API instance (NOTIFY at commit). */
  readonly announce: boolean;
}

/** What happened. Staff-only steps (drafts, reviews, schedules) reindex the staff view but leave the public caches. */
export const CHANGE_EFFECTS = {
  created: { touch: false, index: true, announce: false },
  'draft-saved': { touch: true, index: true, announce: false },
  /** The service sets `updated_at` with the other metadata. */
  'metadata-changed': { touch: false, index: true, announce: true },
  'slug-changed': { touch: true, index: true, announce: true },
  /** Another article took over one of this article's old slugs: only the caches care. */
  'slug-released': { touch: false, index: false, announce: true },
  'review-requested': { touch: true, index: true, announce: false },
  'review-approved': { touch: true, index: true, announce: false },
  'changes-requested': { touch: true, index: true, announce: false },
  scheduled: { touch: true, index: true, announce: false },
  'schedule-cancelled': { touch: true, index: true, announce: false },
  published: { touch: true, index: true, announce: true },
  unpublished: { touch: true, index: true, announce: true },
  archived: { touch: true, index: true, announce: true },
  restored: { touch: true, index: true, announce: false },
  verified: { touch: true, index: true, announce: false },
  /** Its category moved: search documents carry the category's ancestors. */
  recategorized: { touch: false, index: true, announce: false },
  updated: { touch: true, index: true, announce: true },
  /** Soft delete and its undo: the item stays, off the public side while deleted. */
  deleted: { touch: true, index: true, announce: true },
  undeleted: { touch: true, index: true, announce: true },
  /** Gone for good (its row too). */
  purged: { touch: false, index: true, announce: true },
  /** Forum: held for moderation, or released from it. */
  held: { touch: true, index: true, announce: false },
  /** Forum: solved, unsolved, followed counts and other thread state. */
  solved: { touch: true, index: true, announce: true },
  unsolved: { touch: true, index: true, announce: true },
  /**
   * Stored HTML rendered again with today's renderer and sanitizer (`npm run cli -- rerender`): the public text
   * changed, nobody edited it (admin lists keep their order).
   */
  rerendered: { touch: false, index: true, announce: true },
} as const satisfies Record<string, ChangeEffects>;

export type ChangeType = keyof typeof CHANGE_EFFECTS;

export interface ContentChange {
  kind: ContentKind;
  change: ChangeType;
  /** The item changed; or `ids` for several at once. Omitted for kinds announced as a whole (categories, products). */
  id?: string;
  ids?: readonly string[];
  /** The locale the change was made in, when it concerns one. */
  locale?: string | null;
  /** Who made the change, when someone did: flags resolved because an article was withdrawn record them. */
  actorId?: string | null;
}

/** A change with its ids resolved, as each consumer sees it. */
export interface RecordedChange {
  kind: ContentKind;
  change: ChangeType;
  locale: string | null;
  ids: readonly string[];
  actorId: string | null;
  spec: ContentKindSpec;
  effects: ChangeEffects;
}

/**
 * What a consumer writes for a change: one SQL statement with its own parameters (`$1`, `$2`, … numbered from
 * 1), either a data-modifying statement (INSERT, UPDATE, DELETE) or a SELECT run for its side effect (NOTIFY).
 */
export interface ChangeStatement {
  sql: string;
  params: unknown[];
}

/** A consumer of changes: the statement it adds to the changing transaction (null: nothing to do for this change). */
export type ChangeConsumer = (change: RecordedChange) => ChangeStatement | null;

const touchUpdatedAt: ChangeConsumer = ({ spec, effects, ids }) => {
  if (!effects.touch || !spec.table || ids.length === 0) return null;
  return { sql: `UPDATE ${spec.table} SET updated_at = now() WHERE id = ANY($1::uuid[])`, params: [ids] };
};

const searchOutbox: ChangeConsumer = ({ spec, effects, ids }) => {
  if (!effects.index || !spec.searchKind || ids.length === 0) return null;
  return searchWorkStatement(spec.searchKind, [...ids]);
};

const cacheNotifications: ChangeConsumer = ({ spec, effects, ids }) => {
  if (!spec.notify) return null;
  // Kinds announced as a whole (categories, products) are public structure: every change of them counts, creation too.
  if (!effects.announce && spec.notify.scope !== 'everything') return null;
  const payloads = spec.notify.scope === 'everything' ? [EVERYTHING] : ids;
  if (payloads.length === 0) return null;
  return { sql: 'SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', params: [spec.notify.channel, payloads] };
};

/** In order. Outgoing webhooks follow as statements of their own (enqueueChangeWebhooks): they read the saved rows. */
const CONSUMERS: readonly ChangeConsumer[] = [touchUpdatedAt, searchOutbox, cacheNotifications];

/**
 * The consumers' statements as one SQL statement (one round trip inside the transaction instead of one per
 * consumer): data-modifying statements become CTEs, which PostgreSQL runs exactly once whether read or not;
 * SELECTs become CTEs the main query counts (a CTE with a volatile function such as pg_notify is materialized,
 * so every row, and its side effect, is produced). Parameters are renumbered. All parts run on one snapshot and
 * in no set order: a consumer must not depend on another's writes, nor write the rows another writes.
 */
export function combineChangeStatements(statements: readonly ChangeStatement[]): ChangeStatement {
  const params: unknown[] = [];
  const writes: string[] = [];
  const reads: string[] = [];
  for (const statement of statements) {
    const offset = params.length;
    params.push(...statement.params);
    const sql = offset === 0 ? statement.sql : statement.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    (/^\s*select\b/i.test(sql) ? reads : writes).push(sql);
  }
  const ctes = [...writes, ...reads].map((sql, i) => `change_${i} AS (${sql})`);
  const main = reads.length === 0 ? 'SELECT 1' : `SELECT ${reads.map((_, i) => `(SELECT count(*) FROM change_${writes.length + i})`).join(', ')}`;
  return { sql: ctes.length === 0 ? main : `WITH ${ctes.join(', ')} ${main}`, params };
}

/**
 * Records a content change inside the caller's transaction: marks the item changed, queues its reindexing
 * (search outbox) and announces it to the caches (NOTIFY, delivered at commit), in one statement. A rolled-back
 * transaction leaves nothing behind. Every content change goes through here, whatever its kind.
 */
export async function recordChange(tx: EntityManager, change: ContentChange): Promise<void> {
  const ids = [...(change.ids ?? []), ...(change.id !== undefined ? [change.id] : [])];
  const recorded: RecordedChange = {
    kind: change.kind,
    change: change.change,
    locale: change.locale ?? null,
    ids,
    actorId: change.actorId ?? null,
    spec: CONTENT_KINDS[change.kind],
    effects: CHANGE_EFFECTS[change.change],
  };
  const statements = CONSUMERS.map((consume) => consume(recorded)).filter((statement): statement is ChangeStatement => statement !== null);
  if (statements.length > 0) {
    const { sql, params } = statements.length === 1 ? statements[0] : combineChangeStatements(statements);
    await tx.query(sql, params);
  }
  await resolveStaleFlags(tx, recorded);
  await enqueueChangeWebhooks(tx, recorded);
}

/**
 * Publishing a revision or verifying an article resolves the open stale flags it answers; archiving or
 * unpublishing a locale resolves that locale's open flags, deleting the article every locale's (readers can no
 * longer see it: nothing to keep fresh). Each is recorded in the audit log. A statement of its own, after the
 * others: it reads the article's state as the caller saved it.
 */
async function resolveStaleFlags(tx: EntityManager, { kind, change, ids, locale, actorId }: RecordedChange): Promise<void> {
  if (kind !== 'article' || ids.length === 0) return;
  if (change === 'deleted') await resolveWithdrawnFlags(tx, ids, null, change, actorId);
  if (!locale) return;
  if (change === 'published' || change === 'verified') await resolveAnsweredFlags(tx, ids, locale, change);
  if (change === 'archived' || change === 'unpublished') await resolveWithdrawnFlags(tx, ids, locale, change, actorId);
}
