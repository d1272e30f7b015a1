import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * At most one open (or acknowledged) outdated-translation flag per article translation (docs/staleness.md,
 * "One open outdated-translation flag per translation"). Until now each republication of the source locale
 * raised another flag (the fingerprint holds the source revision), so editors saw several for one translation.
 *
 * - `updated_at`: when a flag's evidence was last refreshed in place (its raise, for existing flags);
 * - existing duplicates are collapsed first, so the index builds on a populated database: the newest open one
 *   stays, the others are resolved with reason `superseded` (and an audit entry naming the flag kept);
 * - a partial unique index on (article, locale) among open/acknowledged outdated-translation flags;
 * - the live-event trigger also announces a flag whose evidence or severity changed (`change: updated`).
 */
export class StaleFlagsOneOpenPerTranslation1765450000000 implements MigrationInterface {
  name = 'StaleFlagsOneOpenPerTranslation1765450000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "stale_flags" ADD "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await queryRunner.query(`UPDATE "stale_flags" SET "updated_at" = "raised_at"`);
    await queryRunner.query(`WITH ranked AS (
        SELECT id, first_value(id) OVER w AS kept_id, row_number() OVER w AS n
        FROM stale_flags
        WHERE signal = 'outdated_translation' AND status IN ('open', 'acknowledged')
        WINDOW w AS (PARTITION BY article_id, locale ORDER BY raised_at DESC, id DESC)),
      closed AS (
        UPDATE stale_flags f SET status = 'resolved', closed_at = now(), close_reason = 'superseded'
        FROM ranked r WHERE r.id = f.id AND r.n > 1
        RETURNING f.id, f.signal, r.kept_id)
      INSERT INTO audit_entries (actor_id, action, subject_kind, subject_id, after)
      SELECT NULL, 'stale-flag.resolved', 'stale_flag', closed.id,
             jsonb_build_object('status', 'resolved', 'reason', 'superseded', 'signal', closed.signal, 'keptFlagId', closed.kept_id)
      FROM closed`);
    await queryRunner.query(`CREATE UNIQUE INDEX "stale_flags_open_translation_key" ON "stale_flags" ("article_id", "locale")
      WHERE signal = 'outdated_translation' AND status IN ('open', 'acknowledged')`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "stale_flag_live_event"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        change text;
        category uuid;
        products uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          change := 'raised';
        ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
          change := NEW.status::text;
        ELSIF NEW.evidence IS DISTINCT FROM OLD.evidence OR NEW.severity IS DISTINCT FROM OLD.severity THEN
          change := 'updated';
        ELSE
          RETURN NULL;
        END IF;
        SELECT a.category_id INTO category FROM articles a WHERE a.id = NEW.article_id;
        SELECT coalesce(array_agg(p.product_id), '{}') INTO products
          FROM (SELECT ap.product_id FROM article_products ap WHERE ap.article_id = NEW.article_id ORDER BY ap.product_id LIMIT 100) p;
        PERFORM pg_notify('evergreen_live_events', json_build_object(
          'topic', 'freshness-queue-changed',
          'payload', json_build_object(
            'kind', 'flag', 'change', change, 'flagId', NEW.id, 'articleId', NEW.article_id, 'locale', NEW.locale,
            'signal', NEW.signal, 'severity', NEW.severity, 'status', NEW.status, 'categoryId', category, 'productIds', products,
            'occurredAt', now()))::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`DROP TRIGGER "stale_flags_live_event" ON "stale_flags"`);
    await queryRunner.query(`CREATE TRIGGER "stale_flags_live_event" AFTER INSERT OR UPDATE OF "status", "severity", "evidence" ON "stale_flags"
      FOR EACH ROW EXECUTE FUNCTION "stale_flag_live_event"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "stale_flags_live_event" ON "stale_flags"`);
    await queryRunner.query(`CREATE TRIGGER "stale_flags_live_event" AFTER INSERT OR UPDATE OF "status" ON "stale_flags"
      FOR EACH ROW EXECUTE FUNCTION "stale_flag_live_event"()`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "stale_flag_live_event"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        change text;
        category uuid;
        products uuid[];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          change := 'raised';
        ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
          change := NEW.status::text;
        ELSE
          RETURN NULL;
        END IF;
        SELECT a.category_id INTO category FROM articles a WHERE a.id = NEW.article_id;
        SELECT coalesce(array_agg(p.product_id), '{}') INTO products
          FROM (SELECT ap.product_id FROM article_products ap WHERE ap.article_id = NEW.article_id ORDER BY ap.product_id LIMIT 100) p;
        PERFORM pg_notify('evergreen_live_events', json_build_object(
          'topic', 'freshness-queue-changed',
          'payload', json_build_object(
            'kind', 'flag', 'change', change, 'flagId', NEW.id, 'articleId', NEW.article_id, 'locale', NEW.locale,
            'signal', NEW.signal, 'severity', NEW.severity, 'status', NEW.status, 'categoryId', category, 'productIds', products,
            'occurredAt', now()))::text);
        RETURN NULL;
      END $$`);
    // The superseded duplicates stay resolved: which of them were open cannot be told apart from other resolutions.
    await queryRunner.query(`DROP INDEX "stale_flags_open_translation_key"`);
    await queryRunner.query(`ALTER TABLE "stale_flags" DROP COLUMN "updated_at"`);
  }
}
