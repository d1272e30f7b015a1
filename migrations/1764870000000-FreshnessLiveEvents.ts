import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live freshness-queue events (docs/staleness.md, "Live updates"; decision 0019): a row trigger on
 * `stale_flags` (raised, or a status change) and on `content_gaps` (created, or a status change) sends a
 * `freshness-queue-changed` live event through `pg_notify` on the live-events channel, so PostgreSQL delivers
 * it at commit to every API instance, and every writer (scans, editors, publishing, verification, helpers
 * added later) is covered without each one remembering to publish. A flag's event carries its article's
 * category and products, so subscriptions filter without reading the database per event.
 */
export class FreshnessLiveEvents1764870000000 implements MigrationInterface {
  name = 'FreshnessLiveEvents1764870000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION "stale_flag_live_event"() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`CREATE TRIGGER "stale_flags_live_event" AFTER INSERT OR UPDATE OF "status" ON "stale_flags"
      FOR EACH ROW EXECUTE FUNCTION "stale_flag_live_event"()`);
    await queryRunner.query(`CREATE FUNCTION "content_gap_live_event"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        change text;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          change := 'gap_created';
        ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
          change := 'gap_' || NEW.status::text;
        ELSE
          RETURN NULL;
        END IF;
        PERFORM pg_notify('evergreen_live_events', json_build_object(
          'topic', 'freshness-queue-changed',
          'payload', json_build_object(
            'kind', 'gap', 'change', change, 'gapId', NEW.id, 'articleId', NEW.article_id, 'locale', NEW.locale,
            'source', NEW.source, 'status', NEW.status, 'title', left(NEW.title, 300), 'occurredAt', now()))::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER "content_gaps_live_event" AFTER INSERT OR UPDATE OF "status" ON "content_gaps"
      FOR EACH ROW EXECUTE FUNCTION "content_gap_live_event"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "content_gaps_live_event" ON "content_gaps"`);
    await queryRunner.query(`DROP FUNCTION "content_gap_live_event"()`);
    await queryRunner.query(`DROP TRIGGER "stale_flags_live_event" ON "stale_flags"`);
    await queryRunner.query(`DROP FUNCTION "stale_flag_live_event"()`);
  }
}
