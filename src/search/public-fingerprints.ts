import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { documentKey, SearchDocument } from '../../search/search-engine';

/*
 * What the public last saw of each indexed document (table search_public_fingerprints), so that index
 * writes which change nothing public (a draft saved on a published article) keep the search caches.
 */

const STAFF_ONLY = 'staff';

/** Everything a public search can show or filter on of a document; staff-only documents are all alike. */
export function publicFingerprint(document: SearchDocument): string {
  if (document.visibility !== 'public') return STAFF_ONLY;
  const { kind, id, locale, status, title, headings, body, slug, categoryIds, productKeys, tags, solved, publishedAt } = document;
  return createHash('sha256')
    .update(JSON.stringify([kind, id, locale, status, title, headings, body, slug, categoryIds, productKeys, tags, solved, publishedAt?.toISOString() ?? null]))
    .digest('base64url');
}

/** Fingerprints of documents a rebuild wrote (no change detection: a rebuild always empties the caches). */
export async function recordFingerprints(manager: EntityManager | DataSource, documents: SearchDocument[]): Promise<void> {
  if (documents.length === 0) return;
  const sorted = [...documents].sort((a, b) => (documentKey(a) < documentKey(b) ? -1 : 1));
  await manager.query(
    `INSERT INTO search_public_fingerprints (key, fingerprint) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint`,
    [sorted.map(documentKey), sorted.map(publicFingerprint)],
  );
}

/**
 * Records what the public can now see of these documents (and forgets removed articles) and tells whether
 * any of it differs from before. Runs in the indexing transaction.
 */
export async function recordPublicView(tx: EntityManager, documents: SearchDocument[], removedArticleIds: string[]): Promise<boolean> {
  const keys = documents.map(documentKey);
  const fingerprints = documents.map(publicFingerprint);
  const changed: { changed: boolean }[] = await tx.query(
    `WITH incoming AS (SELECT * FROM unnest($1::text[], $2::text[]) AS i(key, fingerprint)),
     removed AS (DELETE FROM search_public_fingerprints WHERE split_part(key, ':', 2) = ANY($3::text[]) AND key <> ALL($1::text[]) RETURNING fingerprint),
     previous AS (SELECT i.key, i.fingerprint, f.fingerprint AS before FROM incoming i LEFT JOIN search_public_fingerprints f ON f.key = i.key),
     -- Data-modifying CTEs run once whether read or not; every CTE sees the fingerprints as they were before.
     saved AS (INSERT INTO search_public_fingerprints (key, fingerprint) SELECT key, fingerprint FROM incoming ORDER BY key
               ON CONFLICT (key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint RETURNING 1)
     SELECT (EXISTS (SELECT 1 FROM previous WHERE before IS DISTINCT FROM fingerprint AND NOT (before IS NULL AND fingerprint = '${STAFF_ONLY}'))
             OR EXISTS (SELECT 1 FROM removed WHERE fingerprint <> '${STAFF_ONLY}')) AS changed`,
    [keys, fingerprints, removedArticleIds],
  );
  return changed[0]?.changed ?? true;
}
