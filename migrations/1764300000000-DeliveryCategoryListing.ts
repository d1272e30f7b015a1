import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cold category pages (docs/knowledge-base.md, "Caching and performance"):
 * - `article_locales.category_id` and `article_locales.is_internal`, copies of the article's columns kept by
 *   triggers (on insert of a locale row, and on every change of the article's columns), so a category page
 *   walks one partial index, newest first, and stops after a page;
 * - `category_published_counts`: published, public locale rows per (category, locale), kept by a trigger
 *   on `article_locales`, so `totalCount` and the category tree's counts are a read of a few rows.
 * The triggers keep both right whatever code path writes (publish, unpublish, move, archive, delete, bulk loads).
 */
export class DeliveryCategoryListing1764300000000 implements MigrationInterface {
    name = 'DeliveryCategoryListing1764300000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "article_locales" ADD "category_id" uuid`);
        await queryRunner.query(`ALTER TABLE "article_locales" ADD "is_internal" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`UPDATE "article_locales" l SET "category_id" = a."category_id", "is_internal" = a."is_internal" FROM "articles" a WHERE a."id" = l."article_id"`);
        await queryRunner.query(`ALTER TABLE "article_locales" ALTER COLUMN "category_id" SET NOT NULL`);
        await queryRunner.query(`CREATE INDEX "article_locales_category_published_idx" ON "article_locales" ("category_id", "locale", "published_at" DESC, "article_id" DESC)
            WHERE "status" = 'published' AND "published_revision_id" IS NOT NULL AND NOT "is_internal"`);

        // A locale row always carries its article's category and visibility.
        await queryRunner.query(`CREATE FUNCTION "article_locales_copy_article"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              SELECT a."category_id", a."is_internal" INTO NEW."category_id", NEW."is_internal" FROM "articles" a WHERE a."id" = NEW."article_id";
              RETURN NEW;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER "article_locales_copy_article" BEFORE INSERT OR UPDATE OF "article_id", "category_id", "is_internal" ON "article_locales"
            FOR EACH ROW EXECUTE FUNCTION "article_locales_copy_article"()`);
        await queryRunner.query(`CREATE FUNCTION "articles_copy_to_locales"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              UPDATE "article_locales" SET "category_id" = NEW."category_id", "is_internal" = NEW."is_internal" WHERE "article_id" = NEW."id";
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER "articles_copy_to_locales" AFTER UPDATE OF "category_id", "is_internal" ON "articles"
            FOR EACH ROW WHEN (OLD."category_id" IS DISTINCT FROM NEW."category_id" OR OLD."is_internal" IS DISTINCT FROM NEW."is_internal")
            EXECUTE FUNCTION "articles_copy_to_locales"()`);

        // Published, public locale rows per (category, locale): the delivery API's notion of visible.
        await queryRunner.query(`CREATE TABLE "category_published_counts" ("category_id" uuid NOT NULL, "locale" text NOT NULL, "count" integer NOT NULL,
            CONSTRAINT "category_published_counts_pkey" PRIMARY KEY ("category_id", "locale"))`);
        await queryRunner.query(`INSERT INTO "category_published_counts" ("category_id", "locale", "count")
            SELECT "category_id", "locale", count(*) FROM "article_locales"
            WHERE "status" = 'published' AND "published_revision_id" IS NOT NULL AND NOT "is_internal" GROUP BY 1, 2`);
        // Decrement before increment in (category, locale) order, so concurrent moves lock count rows in one order.
        await queryRunner.query(`CREATE FUNCTION "category_published_counts_track"() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
              was boolean := TG_OP <> 'INSERT' AND OLD."status" = 'published' AND OLD."published_revision_id" IS NOT NULL AND NOT OLD."is_internal";
              now_is boolean := TG_OP <> 'DELETE' AND NEW."status" = 'published' AND NEW."published_revision_id" IS NOT NULL AND NOT NEW."is_internal";
              moved boolean := was AND now_is AND (OLD."category_id", OLD."locale") IS DISTINCT FROM (NEW."category_id", NEW."locale");
            BEGIN
              IF moved AND (NEW."category_id", NEW."locale") < (OLD."category_id", OLD."locale") THEN
                INSERT INTO "category_published_counts" AS c VALUES (NEW."category_id", NEW."locale", 1)
                  ON CONFLICT ("category_id", "locale") DO UPDATE SET "count" = c."count" + 1;
                UPDATE "category_published_counts" SET "count" = "count" - 1 WHERE "category_id" = OLD."category_id" AND "locale" = OLD."locale";
                RETURN NULL;
              END IF;
              IF was AND (NOT now_is OR moved) THEN
                UPDATE "category_published_counts" SET "count" = "count" - 1 WHERE "category_id" = OLD."category_id" AND "locale" = OLD."locale";
              END IF;
              IF now_is AND (NOT was OR moved) THEN
                INSERT INTO "category_published_counts" AS c VALUES (NEW."category_id", NEW."locale", 1)
                  ON CONFLICT ("category_id", "locale") DO UPDATE SET "count" = c."count" + 1;
              END IF;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER "category_published_counts_track" AFTER INSERT OR UPDATE OR DELETE ON "article_locales"
            FOR EACH ROW EXECUTE FUNCTION "category_published_counts_track"()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "category_published_counts_track" ON "article_locales"`);
        await queryRunner.query(`DROP FUNCTION "category_published_counts_track"()`);
        await queryRunner.query(`DROP TABLE "category_published_counts"`);
        await queryRunner.query(`DROP TRIGGER "articles_copy_to_locales" ON "articles"`);
        await queryRunner.query(`DROP FUNCTION "articles_copy_to_locales"()`);
        await queryRunner.query(`DROP TRIGGER "article_locales_copy_article" ON "article_locales"`);
        await queryRunner.query(`DROP FUNCTION "article_locales_copy_article"()`);
        await queryRunner.query(`DROP INDEX "public"."article_locales_category_published_idx"`);
        await queryRunner.query(`ALTER TABLE "article_locales" DROP COLUMN "is_internal"`);
        await queryRunner.query(`ALTER TABLE "article_locales" DROP COLUMN "category_id"`);
    }
}
