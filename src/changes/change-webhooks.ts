import { EntityManager } from 'typeorm';
import {
  ARTICLE_LISTS_SURROGATE_KEY,
  articleKey,
  enqueueWebhookEvents,
  GLOBAL_SURROGATE_KEY,
  THREAD_LISTS_SURROGATE_KEY,
  threadKey,
  WebhookEventInput,
  WebhookEventType,
} from '../webhooks/webhook-events';
import type { ChangeType, ContentKind } from './content-changes';

/** The outgoing webhook event a content change is, if any (docs/webhooks.md, "Events"). */
export function webhookEventTypeOf(kind: ContentKind, change: ChangeType): WebhookEventType | null {
  switch (kind) {
    case 'article':
      // Re-rendered stored HTML (`npm run cli -- rerender`) changes the published page like a publish does: `change` tells them apart.
      if (change === 'published' || change === 'rerendered') return 'article.published';
      if (change === 'unpublished' || change === 'archived') return 'article.unpublished';
      if (change === 'slug-changed') return 'article.slug_changed';
      if (change === 'deleted' || change === 'purged') return 'article.deleted';
      return null;
    case 'category':
      return change === 'created' || change === 'updated' || change === 'purged' ? 'category.changed' : null;
    case 'thread':
      // A held thread is announced by nothing until released; `created` is a thread visible at once.
      if (change === 'created') return 'thread.created';
      if (change === 'solved') return 'thread.solved';
      return THREAD_CHANGES.has(change) ? 'thread.changed' : null;
    case 'post':
      // A held reply is not public: nothing until a moderator approves it (then `updated`).
      return POST_CHANGES.has(change) ? 'post.changed' : null;
    default:
      return null;
  }
}

/** Changes of a thread's public side besides creation and solving: edits, moderation, moves, merges, deletion. */
const THREAD_CHANGES: ReadonlySet<ChangeType> = new Set<ChangeType>(['updated', 'unsolved', 'slug-changed', 'deleted', 'undeleted', 'purged', 'rerendered']);
/** A visible reply, an edit, a moderation decision, a move or a deletion of a post. */
const POST_CHANGES: ReadonlySet<ChangeType> = new Set<ChangeType>(['created', 'updated', 'deleted', 'undeleted', 'purged', 'rerendered']);

interface ArticleRow {
  id: string;
  category_id: string;
  is_internal: boolean;
  slug: string | null;
}

/**
 * Enqueues the webhook events of a content change in its transaction (the change pipeline's webhook
 * consumer). Its own statements, after the others: an article event reads the article as the caller saved it.
 */
export async function enqueueChangeWebhooks(
  tx: EntityManager,
  change: { kind: ContentKind; change: ChangeType; ids: readonly string[]; locale: string | null },
): Promise<void> {
  const type = webhookEventTypeOf(change.kind, change.change);
  if (!type) return;
  const changeName = change.change;
  let events: WebhookEventInput[];
  if (change.kind === 'article') {
    const rows: ArticleRow[] = await tx.query(
      `SELECT a.id, a.category_id, a.is_internal, l.slug
       FROM articles a LEFT JOIN article_locales l ON l.article_id = a.id AND l.locale = $2
       WHERE a.id = ANY($1::uuid[])`,
      [change.ids, change.locale],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    events = change.ids.map((id) => {
      const row = byId.get(id);
      return {
        type,
        data: {
          articleId: id,
          locale: change.locale,
          change: changeName,
          slug: row?.slug ?? null,
          categoryId: row?.category_id ?? null,
          isInternal: row?.is_internal ?? null,
        },
        surrogateKeys: [articleKey(id), ARTICLE_LISTS_SURROGATE_KEY],
      };
    });
  } else if (change.kind === 'category') {
    // Category names, slugs and breadcrumbs appear on every article page: everything is purged.
    const ids = change.ids.length > 0 ? change.ids : [null];
    events = ids.map((id) => ({ type, data: { categoryId: id, change: changeName }, surrogateKeys: [GLOBAL_SURROGATE_KEY] }));
  } else if (change.kind === 'post') {
    // A post's thread page and the thread lists (reply counts, last activity) change with it.
    const rows: { id: string; thread_id: string }[] = await tx.query(`SELECT id, thread_id FROM posts WHERE id = ANY($1::uuid[])`, [change.ids]);
    const threadOf = new Map(rows.map((row) => [row.id, row.thread_id]));
    events = change.ids.map((id) => {
      const threadId = threadOf.get(id) ?? null;
      return {
        type,
        data: { postId: id, threadId, change: changeName },
        surrogateKeys: threadId ? [threadKey(threadId), THREAD_LISTS_SURROGATE_KEY] : [THREAD_LISTS_SURROGATE_KEY],
      };
    });
  } else {
    events = change.ids.map((id) => ({
      type,
      data: type === 'thread.changed' ? { threadId: id, change: changeName } : { threadId: id, locale: change.locale },
      surrogateKeys: [threadKey(id), THREAD_LISTS_SURROGATE_KEY],
    }));
  }
  await enqueueWebhookEvents(tx, events);
}
