import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Soft delete and a metadata version on articles; a generic append-only audit log; and the one definition
 * each of "next review due" (a function: the default interval is configuration) and "outdated translation"
 * (a view), read by the admin article views and by the lists alike.
 */
export class ArticleDeletionAuditAndReviewRules1764290000000 implements MigrationInterface {
    name = 'ArticleDeletionAuditAndReviewRules1764290000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_entries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "action" text NOT NULL, "subject_kind" text NOT NULL, "subject_id" uuid NOT NULL, "before" jsonb, "after" jsonb, CONSTRAINT "PK_6b1623bcad4d04530b76548d619" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "audit_entries_subject_idx" ON "audit_entries" ("subject_kind", "subject_id", "occurred_at") `);
        await queryRunner.query(`CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END $$`);
        await queryRunner.query(`CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON "audit_entries"
            FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()`);
        await queryRunner.query(`ALTER TABLE "articles" ADD "metadata_version" integer NOT NULL DEFAULT '1'`);
        await queryRunner.query(`ALTER TABLE "articles" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "articles" ADD "deleted_by" uuid`);
        // Next review: last review (or first publish) plus the article's, else the category's, else the default interval.
        // A plain SQL function, so the planner inlines it and pushes the callers' conditions down.
        await queryRunner.query(`CREATE FUNCTION article_review_schedule(default_interval_days integer)
            RETURNS TABLE (locale_id uuid, article_id uuid, locale text, status article_status, review_interval_days integer, next_review_at timestamptz)
            LANGUAGE sql STABLE AS $$
              SELECT l.id, l.article_id, l.locale, l.status,
                     COALESCE(a.review_interval_days, c.review_interval_days, default_interval_days),
                     COALESCE(l.last_reviewed_at, l.first_published_at)
                       + make_interval(days => COALESCE(a.review_interval_days, c.review_interval_days, default_interval_days))
              FROM article_locales l
              JOIN articles a ON a.id = l.article_id
              JOIN categories c ON c.id = a.category_id
            $$`);
        // A translation is outdated when the source locale's current revision (published, else latest) is newer
        // than the one its own current revision (published, else latest) was translated from.
        await queryRunner.query(`CREATE VIEW article_translation_states AS
            SELECT t.id AS locale_id, t.article_id, t.locale,
                   tf.number AS translated_from_revision_number,
                   sr.number AS source_revision_number,
                   (sr.number IS NOT NULL AND (tf.number IS NULL OR tf.number < sr.number)) AS is_outdated
            FROM article_locales t
            JOIN articles a ON a.id = t.article_id AND t.locale <> a.source_locale
            JOIN article_revisions tr ON tr.id = COALESCE(t.published_revision_id,
              (SELECT h.id FROM article_revisions h WHERE h.article_id = t.article_id AND h.locale = t.locale AND h.number = t.head_revision_number))
            LEFT JOIN article_revisions tf ON tf.id = tr.translated_from_revision_id
            LEFT JOIN article_locales s ON s.article_id = a.id AND s.locale = a.source_locale
            LEFT JOIN article_revisions sr ON sr.id = COALESCE(s.published_revision_id,
              (SELECT h.id FROM article_revisions h WHERE h.article_id = s.article_id AND h.locale = s.locale AND h.number = s.head_revision_number))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW article_translation_states`);
        await queryRunner.query(`DROP FUNCTION article_review_schedule(integer)`);
        await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "deleted_by"`);
        await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "deleted_at"`);
        await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "metadata_version"`);
        await queryRunner.query(`DROP TRIGGER audit_entries_append_only ON "audit_entries"`);
        await queryRunner.query(`DROP FUNCTION audit_entries_append_only()`);
        await queryRunner.query(`DROP INDEX "public"."audit_entries_subject_idx"`);
        await queryRunner.query(`DROP TABLE "audit_entries"`);
    }
}
