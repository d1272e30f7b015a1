import { MigrationInterface, QueryRunner } from 'typeorm';
import { queryWords } from '../search/text/words';
import { maskPersonalData } from '../src/search/personal-data';
import { fingerprint } from '../src/staleness/detectors/signals';

const BATCH = 1000;
/** Only text with an `@` or a digit can hold what `maskPersonalData` masks. */
const MAY_HOLD = `~ '[@0-9]'`;

/** The words search analytics groups by, as `recordSearch` derives them (a log row without a locale: English words). */
function normalizedQuery(masked: string, locale: string | null): string {
  return queryWords(masked, locale ?? 'en').join(' ').slice(0, 500);
}

/**
 * Search text stored before 1765480000000 kept emails and long digit runs (decision 0037, loose ends 2026-12):
 * rewrites it with `maskPersonalData` itself (a regular expression with Unicode classes and lookbehind that SQL
 * would only restate) in batches — the search log's query and grouping words; search content gaps' title, evidence
 * query and fingerprint; the title in their `content-gap.created` audit entries and webhook events. Irreversible:
 * `down` leaves the masked text.
 */
export class MaskStoredSearchQueries1765500000000 implements MigrationInterface {
  name = 'MaskStoredSearchQueries1765500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await this.maskSearchLog(queryRunner);
    await this.maskContentGaps(queryRunner);
    await this.maskCopies(queryRunner, 'webhook_events', 'data', `type = 'content_gap.created' AND data->>'source' = 'search_gap'`);
    // Append-only for the application; a data-protection correction of a copied query is the one change made here.
    await queryRunner.query(`ALTER TABLE "audit_entries" DISABLE TRIGGER audit_entries_append_only`);
    await this.maskCopies(queryRunner, 'audit_entries', 'after', `action = 'content-gap.created' AND after->>'source' = 'search_gap'`);
    await queryRunner.query(`ALTER TABLE "audit_entries" ENABLE TRIGGER audit_entries_append_only`);
  }

  public async down(): Promise<void> {
    // The raw text is gone, on purpose.
  }

  private async maskSearchLog(queryRunner: QueryRunner): Promise<void> {
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const rows: { id: string; query: string; locale: string | null }[] = await queryRunner.query(
        `SELECT id, query, locale FROM search_query_log WHERE id > $1 AND query ${MAY_HOLD} ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1].id;
      const changed = rows.map((row) => ({ ...row, masked: maskPersonalData(row.query) })).filter((row) => row.masked !== row.query);
      if (changed.length === 0) continue;
      await queryRunner.query(
        `UPDATE search_query_log l SET query = m.query, normalized_query = m.normalized
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS m(id, query, normalized) WHERE l.id = m.id`,
        [changed.map((row) => row.id), changed.map((row) => row.masked), changed.map((row) => normalizedQuery(row.masked, row.locale))],
      );
    }
  }

  /**
   * The fingerprint is a hash of the grouping words: recomputed from the masked text, so the next scan updates the
   * gap rather than opening a second one. Gaps whose masked text meet (two emails, one `[email] locked out`) cannot
   * share it (unique per source): open gaps take it first, the others get one of their own.
   */
  private async maskContentGaps(queryRunner: QueryRunner): Promise<void> {
    for (const open of [true, false]) {
      for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
        const rows: { id: string; locale: string; title: string; query: string | null }[] = await queryRunner.query(
          `SELECT id, locale, title, evidence->>'query' AS query FROM content_gaps
           WHERE source = 'search_gap' AND (status = 'open') = $2 AND id > $1 AND (title ${MAY_HOLD} OR evidence->>'query' ${MAY_HOLD})
           ORDER BY id LIMIT ${BATCH}`,
          [after, open],
        );
        if (rows.length === 0) break;
        after = rows[rows.length - 1].id;
        for (const row of rows) {
          const title = maskPersonalData(row.title);
          const query = row.query === null ? null : maskPersonalData(row.query);
          if (title === row.title && query === row.query) continue;
          const words = normalizedQuery(query ?? title, row.locale);
          await queryRunner.query(
            `UPDATE content_gaps SET title = $2,
                    evidence = CASE WHEN $3::text IS NULL THEN evidence ELSE jsonb_set(evidence, '{query}', to_jsonb($3::text)) END,
                    fingerprint = CASE WHEN EXISTS (SELECT 1 FROM content_gaps o WHERE o.source = 'search_gap' AND o.fingerprint = $4 AND o.id <> $1)
                                       THEN $5 ELSE $4 END
             WHERE id = $1`,
            [row.id, title, query, fingerprint('search_gap', row.locale, words), fingerprint('search_gap', row.locale, words, row.id)],
          );
        }
      }
    }
  }

  /** The `title` a content gap's creation copied into `table.column` (jsonb), for the rows `where` picks. */
  private async maskCopies(queryRunner: QueryRunner, table: string, column: string, where: string): Promise<void> {
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const rows: { id: string; title: string }[] = await queryRunner.query(
        `SELECT id, ${column}->>'title' AS title FROM ${table} WHERE ${where} AND id > $1 AND ${column}->>'title' ${MAY_HOLD} ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1].id;
      const changed = rows.map((row) => ({ id: row.id, title: maskPersonalData(row.title) })).filter((row, i) => row.title !== rows[i].title);
      if (changed.length === 0) continue;
      await queryRunner.query(
        `UPDATE ${table} t SET ${column} = jsonb_set(t.${column}, '{title}', to_jsonb(m.title))
         FROM unnest($1::uuid[], $2::text[]) AS m(id, title) WHERE t.id = m.id`,
        [changed.map((row) => row.id), changed.map((row) => row.title)],
      );
    }
  }
}
