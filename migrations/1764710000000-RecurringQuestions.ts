import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recurring-questions store (docs/recurring-questions.md): the question documents the detector
 * clusters (one per forum thread, keyed by scope + source id) and their clusters. Read and written
 * with SQL by `RecurringQuestionsService` (bulk recluster of 200,000 rows), so no entities.
 */
export class RecurringQuestions1764710000000 implements MigrationInterface {
    name = 'RecurringQuestions1764710000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "recurring_question_clusters" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
            "scope" text NOT NULL,
            "size" integer NOT NULL CHECK ("size" >= 0),
            "first_asked_at" timestamptz NOT NULL,
            "last_asked_at" timestamptz NOT NULL,
            "created_at" timestamptz NOT NULL DEFAULT now(),
            "updated_at" timestamptz NOT NULL DEFAULT now())`);
        await queryRunner.query(`CREATE INDEX "recurring_question_clusters_scope_idx" ON "recurring_question_clusters" ("scope", "last_asked_at")`);
        await queryRunner.query(`CREATE TABLE "recurring_questions" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
            "seq" bigserial NOT NULL UNIQUE,
            "scope" text NOT NULL,
            "source_id" text NOT NULL,
            "title" text NOT NULL,
            "question" text NOT NULL,
            "accepted_answer" text,
            "author_id" text,
            "created_at" timestamptz NOT NULL,
            "linked_article_ids" uuid[] NOT NULL DEFAULT '{}',
            "cited_article_ids" uuid[] NOT NULL DEFAULT '{}',
            "cluster_id" uuid REFERENCES "recurring_question_clusters" ("id") ON DELETE SET NULL,
            "cluster_similarity" real,
            CONSTRAINT "recurring_questions_source_key" UNIQUE ("scope", "source_id"))`);
        await queryRunner.query(`CREATE INDEX "recurring_questions_scope_created_idx" ON "recurring_questions" ("scope", "created_at", "seq")`);
        await queryRunner.query(`CREATE INDEX "recurring_questions_cluster_idx" ON "recurring_questions" ("cluster_id")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "recurring_questions"`);
        await queryRunner.query(`DROP TABLE "recurring_question_clusters"`);
    }
}
