import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateSearch1764028800000 implements MigrationInterface {
    name = 'CreateSearch1764028800000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "article_suggestions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "batch_id" uuid NOT NULL, "article_id" uuid NOT NULL, "locale" text NOT NULL, "position" integer NOT NULL, "shown_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "opened_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_940f4261ca839409d369d936c96" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "article_suggestions_batch_idx" ON "article_suggestions" ("batch_id") `);
        await queryRunner.query(`CREATE INDEX "article_suggestions_shown_at_idx" ON "article_suggestions" ("shown_at") `);
        await queryRunner.query(`CREATE TABLE "search_outbox" ("id" BIGSERIAL NOT NULL, "kind" text NOT NULL, "source_id" uuid NOT NULL, "enqueued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_error" text, CONSTRAINT "PK_f0e10017d6287176243c2926453" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "search_outbox_source_idx" ON "search_outbox" ("kind", "source_id") `);
        await queryRunner.query(`CREATE INDEX "search_outbox_due_idx" ON "search_outbox" ("next_attempt_at", "id") `);
        await queryRunner.query(`CREATE TABLE "search_query_log" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "query" text NOT NULL, "normalized_query" text NOT NULL, "locale" text, "result_count" integer NOT NULL, "clicked_at" TIMESTAMP WITH TIME ZONE, "clicked_document" text, "clicked_position" integer, "searched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f10a6a4822c14d55fbcb999c37a" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "search_query_log_normalized_idx" ON "search_query_log" ("normalized_query", "searched_at") `);
        await queryRunner.query(`CREATE INDEX "search_query_log_searched_at_idx" ON "search_query_log" ("searched_at") `);
        await queryRunner.query(`CREATE TABLE "search_stop_words" ("locale" text NOT NULL, "word" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e08cbcbb8fb73eee86f99ac9aa" PRIMARY KEY ("locale", "word"))`);
        await queryRunner.query(`CREATE TABLE "search_synonyms" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "locale" text NOT NULL, "words" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ce183cb7609a798751043c85c5f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "search_synonyms_locale_idx" ON "search_synonyms" ("locale") `);

        // The PostgreSQL search engine's index (search/postgres/), kept by the indexing worker, not by triggers.
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
        await queryRunner.query(`CREATE TABLE "search_documents" (
            "key" text PRIMARY KEY,
            "kind" text NOT NULL,
            "source_id" uuid NOT NULL,
            "locale" text NOT NULL,
            "version" bigint NOT NULL,
            "visibility" text NOT NULL CHECK ("visibility" IN ('public', 'staff')),
            "status" text NOT NULL,
            "title" text NOT NULL,
            "headings" text NOT NULL,
            "body" text NOT NULL,
            "slug" text NOT NULL,
            "category_ids" uuid[] NOT NULL,
            "product_keys" text[] NOT NULL,
            "tags" text[] NOT NULL,
            "solved" boolean,
            "updated_at" timestamptz NOT NULL,
            "published_at" timestamptz,
            "tsv" tsvector NOT NULL,
            "title_tsv" tsvector NOT NULL,
            "indexed_at" timestamptz NOT NULL DEFAULT now())`);
        await queryRunner.query(`CREATE INDEX "search_documents_tsv_idx" ON "search_documents" USING gin ("tsv")`);
        await queryRunner.query(`CREATE INDEX "search_documents_title_tsv_idx" ON "search_documents" USING gin ("title_tsv")`);
        await queryRunner.query(`CREATE INDEX "search_documents_categories_idx" ON "search_documents" USING gin ("category_ids")`);
        await queryRunner.query(`CREATE INDEX "search_documents_products_idx" ON "search_documents" USING gin ("product_keys")`);
        await queryRunner.query(`CREATE INDEX "search_documents_tags_idx" ON "search_documents" USING gin ("tags")`);
        await queryRunner.query(`CREATE INDEX "search_documents_published_idx" ON "search_documents" ("published_at" DESC)`);
        await queryRunner.query(`CREATE INDEX "search_documents_source_idx" ON "search_documents" ("kind", "source_id")`);
        await queryRunner.query(`CREATE TABLE "search_vocabulary" ("locale" text NOT NULL, "word" text NOT NULL, PRIMARY KEY ("locale", "word"))`);
        await queryRunner.query(`CREATE INDEX "search_vocabulary_trgm_idx" ON "search_vocabulary" USING gin ("word" gin_trgm_ops)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "search_vocabulary"`);
        await queryRunner.query(`DROP TABLE "search_documents"`);
        await queryRunner.query(`DROP INDEX "public"."search_synonyms_locale_idx"`);
        await queryRunner.query(`DROP TABLE "search_synonyms"`);
        await queryRunner.query(`DROP TABLE "search_stop_words"`);
        await queryRunner.query(`DROP INDEX "public"."search_query_log_searched_at_idx"`);
        await queryRunner.query(`DROP INDEX "public"."search_query_log_normalized_idx"`);
        await queryRunner.query(`DROP TABLE "search_query_log"`);
        await queryRunner.query(`DROP INDEX "public"."search_outbox_due_idx"`);
        await queryRunner.query(`DROP INDEX "public"."search_outbox_source_idx"`);
        await queryRunner.query(`DROP TABLE "search_outbox"`);
        await queryRunner.query(`DROP INDEX "public"."article_suggestions_shown_at_idx"`);
        await queryRunner.query(`DROP INDEX "public"."article_suggestions_batch_idx"`);
        await queryRunner.query(`DROP TABLE "article_suggestions"`);
    }

}
