import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateKnowledgeBase1763942400000 implements MigrationInterface {
    name = 'CreateKnowledgeBase1763942400000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "products" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" text NOT NULL, "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0806c755e0aca124e67c0cf6d7d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "products_key_key" ON "products" ("key") `);
        await queryRunner.query(`CREATE TABLE "category_translations" ("category_id" uuid NOT NULL, "locale" text NOT NULL, "slug" text NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', CONSTRAINT "PK_0e9b8be8a7526b1726dfb8f83ef" PRIMARY KEY ("category_id", "locale"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "category_translations_locale_slug_key" ON "category_translations" ("locale", "slug") `);
        await queryRunner.query(`CREATE TABLE "categories" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "parent_id" uuid, "position" integer NOT NULL, "review_interval_days" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "categories_review_interval_check" CHECK ("review_interval_days" IS NULL OR "review_interval_days" BETWEEN 1 AND 3650), CONSTRAINT "PK_24dbc6126a28ff948da33e97d3b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "categories_parent_position_idx" ON "categories" ("parent_id", "position") `);
        await queryRunner.query(`CREATE TABLE "articles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "category_id" uuid NOT NULL, "source_locale" text NOT NULL, "is_internal" boolean NOT NULL DEFAULT false, "review_interval_days" integer, "tags" text array NOT NULL DEFAULT '{}', "feature_keys" text array NOT NULL DEFAULT '{}', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "articles_review_interval_check" CHECK ("review_interval_days" IS NULL OR "review_interval_days" BETWEEN 1 AND 3650), CONSTRAINT "PK_0a6e2c450d83e0b6052c2793334" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "articles_category_idx" ON "articles" ("category_id") `);
        await queryRunner.query(`CREATE TABLE "article_daily_views" ("article_id" uuid NOT NULL, "locale" text NOT NULL, "day" date NOT NULL, "views" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_620335abf07ae2cc78642d24f58" PRIMARY KEY ("article_id", "locale", "day"))`);
        await queryRunner.query(`CREATE TABLE "article_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" uuid NOT NULL, "locale" text NOT NULL, "number" integer NOT NULL, "title" text NOT NULL, "body_markdown" text NOT NULL, "body_html" text NOT NULL, "body_text" text NOT NULL, "headings" text array NOT NULL DEFAULT '{}', "excerpt" text NOT NULL, "seo_title" text, "seo_description" text, "author_id" uuid, "change_note" text NOT NULL DEFAULT '', "translated_from_revision_id" uuid, "restored_from_number" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e5a3375569c46d93baa9fe4bfe4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "article_revisions_article_locale_number_key" ON "article_revisions" ("article_id", "locale", "number") `);
        await queryRunner.query(`CREATE TABLE "article_feedback" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" uuid NOT NULL, "locale" text NOT NULL, "revision_id" uuid NOT NULL, "is_helpful" boolean NOT NULL, "comment" text, "member_id" uuid, "client_key" text NOT NULL, "day" date NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c64239e8a10cfa33c557385c3a8" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "article_feedback_client_day_key" ON "article_feedback" ("article_id", "client_key", "day") `);
        await queryRunner.query(`CREATE INDEX "article_feedback_article_idx" ON "article_feedback" ("article_id", "locale", "created_at") `);
        await queryRunner.query(`CREATE TYPE "public"."article_status" AS ENUM('draft', 'in_review', 'scheduled', 'published', 'unpublished', 'archived')`);
        await queryRunner.query(`CREATE TYPE "public"."article_review_state" AS ENUM('none', 'in_review', 'changes_requested', 'approved')`);
        await queryRunner.query(`CREATE TABLE "article_locales" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" uuid NOT NULL, "locale" text NOT NULL, "status" "public"."article_status" NOT NULL DEFAULT 'draft', "slug" text NOT NULL, "head_revision_number" integer NOT NULL, "published_revision_id" uuid, "published_at" TIMESTAMP WITH TIME ZONE, "first_published_at" TIMESTAMP WITH TIME ZONE, "scheduled_revision_id" uuid, "scheduled_publish_at" TIMESTAMP WITH TIME ZONE, "scheduled_by" uuid, "review_state" "public"."article_review_state" NOT NULL DEFAULT 'none', "reviewer_id" uuid, "review_revision_number" integer, "review_comment" text, "last_reviewed_at" TIMESTAMP WITH TIME ZONE, "last_reviewed_by" uuid, "archived_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0ca6eb1116e2399401a9dc0ac95" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "article_locales_scheduled_idx" ON "article_locales" ("scheduled_publish_at") WHERE "scheduled_publish_at" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "article_locales_status_idx" ON "article_locales" ("locale", "status") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "article_locales_article_locale_key" ON "article_locales" ("article_id", "locale") `);
        await queryRunner.query(`CREATE TABLE "article_slugs" ("locale" text NOT NULL, "slug" text NOT NULL, "article_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_195bc9d86fbcc28780625b43e59" PRIMARY KEY ("locale", "slug"))`);
        await queryRunner.query(`CREATE INDEX "article_slugs_article_idx" ON "article_slugs" ("article_id", "locale") `);
        await queryRunner.query(`CREATE TYPE "public"."release_source" AS ENUM('admin', 'webhook')`);
        await queryRunner.query(`CREATE TABLE "releases" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "product_id" uuid NOT NULL, "version" text NOT NULL, "released_at" TIMESTAMP WITH TIME ZONE NOT NULL, "notes_markdown" text NOT NULL DEFAULT '', "source" "public"."release_source" NOT NULL, "recorded_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b6fc2599a5a281dd44a7d64016" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "releases_released_at_idx" ON "releases" ("released_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "releases_product_version_key" ON "releases" ("product_id", "version") `);
        await queryRunner.query(`CREATE TYPE "public"."release_change_kind" AS ENUM('added', 'changed', 'deprecated', 'removed', 'fixed', 'security')`);
        await queryRunner.query(`CREATE TABLE "release_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "release_id" uuid NOT NULL, "position" smallint NOT NULL, "kind" "public"."release_change_kind" NOT NULL, "summary" text NOT NULL, "feature_keys" text array NOT NULL DEFAULT '{}', CONSTRAINT "PK_f745051b5c93bef8b00e10d6fe9" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "release_changes_release_position_key" ON "release_changes" ("release_id", "position") `);
        await queryRunner.query(`CREATE TABLE "article_products" ("article_id" uuid NOT NULL, "product_id" uuid NOT NULL, CONSTRAINT "PK_eb8548cc46d08bc4645cdbb74fb" PRIMARY KEY ("article_id", "product_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_d34cc188ef19dddf06b2153e67" ON "article_products" ("article_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_64477f7437963a8412fbf7f86d" ON "article_products" ("product_id") `);
        await queryRunner.query(`ALTER TABLE "category_translations" ADD CONSTRAINT "FK_87902f79e775e1c1b0082201d7e" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "categories" ADD CONSTRAINT "FK_88cea2dc9c31951d06437879b40" FOREIGN KEY ("parent_id") REFERENCES "categories"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "articles" ADD CONSTRAINT "FK_e025eeefcdb2a269c42484ee43f" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_daily_views" ADD CONSTRAINT "FK_9857cbc01f242d31fd4c1067d29" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_revisions" ADD CONSTRAINT "FK_d710c0a22d74814285c06f8994d" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_feedback" ADD CONSTRAINT "FK_62c1952cf109546926a278d9eeb" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_feedback" ADD CONSTRAINT "FK_d6237c89299912da13c917ce7d7" FOREIGN KEY ("revision_id") REFERENCES "article_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_locales" ADD CONSTRAINT "FK_79b63f1b854614cdbebfb9f5d81" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_locales" ADD CONSTRAINT "FK_3e1b7e03d41cf4cb4a41c7e24ef" FOREIGN KEY ("published_revision_id") REFERENCES "article_revisions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_slugs" ADD CONSTRAINT "FK_cb21ca36b3c23a89b89a46bec7b" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "releases" ADD CONSTRAINT "FK_327573dbb0755ec6c4ebf953ce4" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "release_changes" ADD CONSTRAINT "FK_784178ed90da95929da8f7424ac" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_products" ADD CONSTRAINT "article_products_article_fk" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE "article_products" ADD CONSTRAINT "article_products_product_fk" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        // GIN indexes the entities declare with synchronize: false (TypeORM cannot express the method).
        await queryRunner.query(`CREATE INDEX "release_changes_feature_keys_idx" ON "release_changes" USING gin ("feature_keys")`);
        await queryRunner.query(`CREATE INDEX "articles_tags_idx" ON "articles" USING gin ("tags")`);
        await queryRunner.query(`CREATE INDEX "articles_feature_keys_idx" ON "articles" USING gin ("feature_keys")`);
        await queryRunner.query(`CREATE INDEX "article_locales_published_idx" ON "article_locales" ("locale", "published_at" DESC, "article_id" DESC) WHERE "status" = 'published'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."article_locales_published_idx"`);
        await queryRunner.query(`DROP INDEX "public"."articles_feature_keys_idx"`);
        await queryRunner.query(`DROP INDEX "public"."articles_tags_idx"`);
        await queryRunner.query(`DROP INDEX "public"."release_changes_feature_keys_idx"`);
        await queryRunner.query(`ALTER TABLE "article_products" DROP CONSTRAINT "article_products_product_fk"`);
        await queryRunner.query(`ALTER TABLE "article_products" DROP CONSTRAINT "article_products_article_fk"`);
        await queryRunner.query(`ALTER TABLE "release_changes" DROP CONSTRAINT "FK_784178ed90da95929da8f7424ac"`);
        await queryRunner.query(`ALTER TABLE "releases" DROP CONSTRAINT "FK_327573dbb0755ec6c4ebf953ce4"`);
        await queryRunner.query(`ALTER TABLE "article_slugs" DROP CONSTRAINT "FK_cb21ca36b3c23a89b89a46bec7b"`);
        await queryRunner.query(`ALTER TABLE "article_locales" DROP CONSTRAINT "FK_3e1b7e03d41cf4cb4a41c7e24ef"`);
        await queryRunner.query(`ALTER TABLE "article_locales" DROP CONSTRAINT "FK_79b63f1b854614cdbebfb9f5d81"`);
        await queryRunner.query(`ALTER TABLE "article_feedback" DROP CONSTRAINT "FK_d6237c89299912da13c917ce7d7"`);
        await queryRunner.query(`ALTER TABLE "article_feedback" DROP CONSTRAINT "FK_62c1952cf109546926a278d9eeb"`);
        await queryRunner.query(`ALTER TABLE "article_revisions" DROP CONSTRAINT "FK_d710c0a22d74814285c06f8994d"`);
        await queryRunner.query(`ALTER TABLE "article_daily_views" DROP CONSTRAINT "FK_9857cbc01f242d31fd4c1067d29"`);
        await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "FK_e025eeefcdb2a269c42484ee43f"`);
        await queryRunner.query(`ALTER TABLE "categories" DROP CONSTRAINT "FK_88cea2dc9c31951d06437879b40"`);
        await queryRunner.query(`ALTER TABLE "category_translations" DROP CONSTRAINT "FK_87902f79e775e1c1b0082201d7e"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_64477f7437963a8412fbf7f86d"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_d34cc188ef19dddf06b2153e67"`);
        await queryRunner.query(`DROP TABLE "article_products"`);
        await queryRunner.query(`DROP INDEX "public"."release_changes_release_position_key"`);
        await queryRunner.query(`DROP TABLE "release_changes"`);
        await queryRunner.query(`DROP TYPE "public"."release_change_kind"`);
        await queryRunner.query(`DROP INDEX "public"."releases_product_version_key"`);
        await queryRunner.query(`DROP INDEX "public"."releases_released_at_idx"`);
        await queryRunner.query(`DROP TABLE "releases"`);
        await queryRunner.query(`DROP TYPE "public"."release_source"`);
        await queryRunner.query(`DROP INDEX "public"."article_slugs_article_idx"`);
        await queryRunner.query(`DROP TABLE "article_slugs"`);
        await queryRunner.query(`DROP INDEX "public"."article_locales_article_locale_key"`);
        await queryRunner.query(`DROP INDEX "public"."article_locales_status_idx"`);
        await queryRunner.query(`DROP INDEX "public"."article_locales_scheduled_idx"`);
        await queryRunner.query(`DROP TABLE "article_locales"`);
        await queryRunner.query(`DROP TYPE "public"."article_review_state"`);
        await queryRunner.query(`DROP TYPE "public"."article_status"`);
        await queryRunner.query(`DROP INDEX "public"."article_feedback_article_idx"`);
        await queryRunner.query(`DROP INDEX "public"."article_feedback_client_day_key"`);
        await queryRunner.query(`DROP TABLE "article_feedback"`);
        await queryRunner.query(`DROP INDEX "public"."article_revisions_article_locale_number_key"`);
        await queryRunner.query(`DROP TABLE "article_revisions"`);
        await queryRunner.query(`DROP TABLE "article_daily_views"`);
        await queryRunner.query(`DROP INDEX "public"."articles_category_idx"`);
        await queryRunner.query(`DROP TABLE "articles"`);
        await queryRunner.query(`DROP INDEX "public"."categories_parent_position_idx"`);
        await queryRunner.query(`DROP TABLE "categories"`);
        await queryRunner.query(`DROP INDEX "public"."category_translations_locale_slug_key"`);
        await queryRunner.query(`DROP TABLE "category_translations"`);
        await queryRunner.query(`DROP INDEX "public"."products_key_key"`);
        await queryRunner.query(`DROP TABLE "products"`);
    }

}
