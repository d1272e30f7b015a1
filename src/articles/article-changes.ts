import { EntityManager } from 'typeorm';
import { enqueueSearchWork } from '../search/search-outbox';

/** PostgreSQL channel announcing that an article's public face may have changed; delivered at commit. */
export const ARTICLE_CHANGED_CHANNEL = 'evergreen_article_changed';

/** Payload meaning: drop every cached entry (categories changed: names, slugs and breadcrumbs everywhere). */
export const EVERYTHING = '*';

export async function announceArticleChange(tx: EntityManager, articleId: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [ARTICLE_CHANGED_CHANNEL, articleId]);
}

/** Marks the article as changed: admin lists sort by it, and search reindexes it (outbox, same transaction). */
export async function touchArticle(tx: EntityManager, articleId: string): Promise<void> {
  await tx.query('UPDATE articles SET updated_at = now() WHERE id = $1', [articleId]);
  await enqueueSearchWork(tx, 'article', [articleId]);
}

export async function announceCategoryChange(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [ARTICLE_CHANGED_CHANNEL, EVERYTHING]);
}
