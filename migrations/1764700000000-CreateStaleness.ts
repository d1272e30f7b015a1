import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staleness engine (docs/staleness.md): stale flags with typed evidence and a lifecycle, the
 * fingerprints a dismissal suppresses, content gaps (from recurring questions or search gaps), and the
 * record of which releases a product-change scan has covered (so a release is scanned once, on event).
 * A fingerprint identifies a flag's evidence: at most one open or acknowledged flag per fingerprint.
 */
export class CreateStaleness1764700000000 implements MigrationInterface {
    name = 'CreateStaleness1764700000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "stale_signal" AS ENUM ('product_change', 'review_overdue', 'recurring_questions', 'negative_feedback', 'outdated_translation')`);
        await queryRunner.query(`CREATE TYPE "stale_severity" AS ENUM ('low', 'medium', 'high', 'critical')`);
        await queryRunner.query(`CREATE TYPE "stale_flag_status" AS ENUM ('open', 'acknowledged', 'resolved', 'dismissed')`);
        await queryRunner.query(`CREATE TABLE "stale_flags" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
            "article_id" uuid NOT NULL REFERENCES "articles"("id") ON DELETE CASCADE,
            "locale" text NOT NULL,
            "signal" "stale_signal" NOT NULL,
            "severity" "stale_severity" NOT NULL,
            "score" double precision NOT NULL DEFAULT 0,
            "evidence" jsonb NOT NULL,
            "fingerprint" text NOT NULL,
            "release_id" uuid REFERENCES "releases"("id") ON DELETE SET NULL,
            "status" "stale_flag_status" NOT NULL DEFAULT 'open',
            "raised_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" uuid,
            "closed_at" TIMESTAMP WITH TIME ZONE, "closed_by" uuid,
            "close_reason" text,
            "resolved_by_revision_id" uuid)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "stale_flags_open_fingerprint_key" ON "stale_flags" ("fingerprint") WHERE status IN ('open', 'acknowledged')`);
        await queryRunner.query(`CREATE INDEX "stale_flags_article_idx" ON "stale_flags" ("article_id", "locale") WHERE status IN ('open', 'acknowledged')`);
        await queryRunner.query(`CREATE INDEX "stale_flags_signal_idx" ON "stale_flags" ("signal", "status")`);
        await queryRunner.query(`CREATE TABLE "stale_flag_suppressions" (
            "fingerprint" text NOT NULL PRIMARY KEY,
            "flag_id" uuid NOT NULL REFERENCES "stale_flags"("id") ON DELETE CASCADE,
            "reason" text NOT NULL,
            "dismissed_by" uuid,
            "dismissed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now())`);
        await queryRunner.query(`CREATE TYPE "content_gap_source" AS ENUM ('recurring_questions', 'search_gap')`);
        await queryRunner.query(`CREATE TYPE "content_gap_status" AS ENUM ('open', 'drafted', 'dismissed')`);
        await queryRunner.query(`CREATE TABLE "content_gaps" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
            "source" "content_gap_source" NOT NULL,
            "locale" text NOT NULL,
            "title" text NOT NULL,
            "fingerprint" text NOT NULL,
            "evidence" jsonb NOT NULL,
            "weight" double precision NOT NULL DEFAULT 0,
            "status" "content_gap_status" NOT NULL DEFAULT 'open',
            "article_id" uuid REFERENCES "articles"("id") ON DELETE SET NULL,
            "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "closed_at" TIMESTAMP WITH TIME ZONE, "closed_by" uuid)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "content_gaps_fingerprint_key" ON "content_gaps" ("source", "fingerprint")`);
        await queryRunner.query(`CREATE TABLE "staleness_release_scans" (
            "release_id" uuid NOT NULL PRIMARY KEY REFERENCES "releases"("id") ON DELETE CASCADE,
            "scanned_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "articles_scanned" integer NOT NULL,
            "flags_raised" integer NOT NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "staleness_release_scans"`);
        await queryRunner.query(`DROP TABLE "content_gaps"`);
        await queryRunner.query(`DROP TYPE "content_gap_status"`);
        await queryRunner.query(`DROP TYPE "content_gap_source"`);
        await queryRunner.query(`DROP TABLE "stale_flag_suppressions"`);
        await queryRunner.query(`DROP TABLE "stale_flags"`);
        await queryRunner.query(`DROP TYPE "stale_flag_status"`);
        await queryRunner.query(`DROP TYPE "stale_severity"`);
        await queryRunner.query(`DROP TYPE "stale_signal"`);
    }
}
