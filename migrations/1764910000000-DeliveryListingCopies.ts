import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cold category pages without revision reads (issue 10, docs/knowledge-base.md "Cold paths"):
 * - `article_locales.published_title`, `published_excerpt`, `published_author_id`: copies of the published
 *   revision's title, excerpt and author, kept by a trigger on `article_locales` (set whenever the published
 *   revision is set or cleared, whatever code path writes; writing the copies directly recomputes them), so a
 *   list page reads the locale rows of its category index and nothing else. Revisions are immutable, so the
 *   copies cannot go stale.
 * - `repair_delivery_listing()`: recomputes every copy this listing relies on (the published revision's
 *   fields, the article's category and internal flag) and the per-category published counts, and returns how
 *   many rows it corrected (0 when all was right). For operators after manual SQL with triggers disabled
 *   (`npm run cli -- delivery:repair`).
 */
export class DeliveryListingCopies1764910000000 implements MigrationInterface {
    name = 'DeliveryListingCopies1764910000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "article_locales" ADD "published_title" text`);
        await queryRunner.query(`ALTER TABLE "article_locales" ADD "published_excerpt" text`);
        await queryRunner.query(`ALTER TABLE "article_locales" ADD "published_author_id" uuid`);
        await queryRunner.query(`UPDATE "article_locales" l SET "published_title" = r."title", "published_excerpt" = r."excerpt", "published_author_id" = r."author_id"
            FROM "article_revisions" r WHERE r."id" = l."published_revision_id"`);

        await queryRunner.query(`CREATE FUNCTION "article_locales_copy_published"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW."published_revision_id" IS NULL THEN
                NEW."published_title" := NULL; NEW."published_excerpt" := NULL; NEW."published_author_id" := NULL;
              ELSE
                SELECT r."title", r."excerpt", r."author_id" INTO NEW."published_title", NEW."published_excerpt", NEW."published_author_id"
                  FROM "article_revisions" r WHERE r."id" = NEW."published_revision_id";
              END IF;
              RETURN NEW;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER "article_locales_copy_published" BEFORE INSERT OR UPDATE OF "published_revision_id", "published_title", "published_excerpt", "published_author_id" ON "article_locales"
            FOR EACH ROW EXECUTE FUNCTION "article_locales_copy_published"()`);

        await queryRunner.query(`CREATE FUNCTION "repair_delivery_listing"() RETURNS integer LANGUAGE plpgsql AS $$
            DECLARE
              fixed integer := 0;
              n integer;
            BEGIN
              -- No count changes while this recounts: publishes that change a count wait until this commits (and then
              -- apply their change to the corrected count); the few that hold a locale row this must fix deadlock
              -- with it, and PostgreSQL aborts one of the two (run it again).
              LOCK TABLE "category_published_counts" IN SHARE ROW EXCLUSIVE MODE;
              UPDATE "article_locales" l SET "category_id" = a."category_id", "is_internal" = a."is_internal"
                FROM "articles" a WHERE a."id" = l."article_id"
                  AND (l."category_id", l."is_internal") IS DISTINCT FROM (a."category_id", a."is_internal");
              GET DIAGNOSTICS n = ROW_COUNT; fixed := fixed + n;
              UPDATE "article_locales" l SET "published_title" = r."title", "published_excerpt" = r."excerpt", "published_author_id" = r."author_id"
                FROM "article_revisions" r WHERE r."id" = l."published_revision_id"
                  AND (l."published_title", l."published_excerpt", l."published_author_id") IS DISTINCT FROM (r."title", r."excerpt", r."author_id");
              GET DIAGNOSTICS n = ROW_COUNT; fixed := fixed + n;
              UPDATE "article_locales" SET "published_title" = NULL, "published_excerpt" = NULL, "published_author_id" = NULL
                WHERE "published_revision_id" IS NULL AND ("published_title" IS NOT NULL OR "published_excerpt" IS NOT NULL OR "published_author_id" IS NOT NULL);
              GET DIAGNOSTICS n = ROW_COUNT; fixed := fixed + n;
              WITH actual AS (
                SELECT "category_id", "locale", count(*)::int AS "count" FROM "article_locales"
                WHERE "status" = 'published' AND "published_revision_id" IS NOT NULL AND NOT "is_internal" GROUP BY 1, 2
              ), wrong AS (
                SELECT coalesce(a."category_id", c."category_id") AS "category_id", coalesce(a."locale", c."locale") AS "locale", coalesce(a."count", 0) AS "count"
                FROM actual a FULL JOIN "category_published_counts" c ON c."category_id" = a."category_id" AND c."locale" = a."locale"
                WHERE c."count" IS DISTINCT FROM coalesce(a."count", 0)
              )
              INSERT INTO "category_published_counts" AS c ("category_id", "locale", "count") SELECT "category_id", "locale", "count" FROM wrong
                ON CONFLICT ("category_id", "locale") DO UPDATE SET "count" = EXCLUDED."count";
              GET DIAGNOSTICS n = ROW_COUNT; fixed := fixed + n;
              RETURN fixed;
            END $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP FUNCTION "repair_delivery_listing"()`);
        await queryRunner.query(`DROP TRIGGER "article_locales_copy_published" ON "article_locales"`);
        await queryRunner.query(`DROP FUNCTION "article_locales_copy_published"()`);
        await queryRunner.query(`ALTER TABLE "article_locales" DROP COLUMN "published_author_id"`);
        await queryRunner.query(`ALTER TABLE "article_locales" DROP COLUMN "published_excerpt"`);
        await queryRunner.query(`ALTER TABLE "article_locales" DROP COLUMN "published_title"`);
    }
}
