import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Moderation (docs/moderation.md): audit entries name a rule or a person and carry a reason, and are
 * append-only against TRUNCATE too; the queue's indexes; auto-moderation settings, blocked patterns,
 * posting fingerprints and rate-limit counters; trust-level locks; threads promoted to articles.
 */
export class CreateModeration1764620000000 implements MigrationInterface {
    name = 'CreateModeration1764620000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Audit log: who (a user, or an automatic rule by name), why, and the indexes of the admin filters.
        await queryRunner.query(`ALTER TABLE "audit_entries" ADD "actor_rule" text`);
        await queryRunner.query(`ALTER TABLE "audit_entries" ADD "reason" text`);
        await queryRunner.query(`CREATE INDEX "audit_entries_occurred_idx" ON "audit_entries" ("occurred_at" DESC, "id" DESC)`);
        await queryRunner.query(`CREATE INDEX "audit_entries_actor_idx" ON "audit_entries" ("actor_id", "occurred_at" DESC, "id" DESC)`);
        await queryRunner.query(`CREATE INDEX "audit_entries_rule_idx" ON "audit_entries" ("actor_rule", "occurred_at" DESC, "id" DESC) WHERE "actor_rule" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "audit_entries_action_idx" ON "audit_entries" ("action", "occurred_at" DESC, "id" DESC)`);
        await queryRunner.query(`CREATE INDEX "audit_entries_target_idx" ON "audit_entries" ("subject_id", "occurred_at" DESC, "id" DESC)`);
        await queryRunner.query(`CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON "audit_entries"
            FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()`);

        // Queue: pending threads oldest first (pending posts and open flags use theirs from CreateForum).
        await queryRunner.query(`CREATE INDEX "threads_pending_idx" ON "threads" ("created_at", "id") WHERE "status" = 'pending'`);
        // Flagger accuracy: resolved flags per flagger.
        await queryRunner.query(`CREATE INDEX "flags_flagger_resolved_idx" ON "flags" ("flagger_id", "status") WHERE "status" <> 'open'`);

        // Trust levels: accepted answers per author; staff may lock a member's level against the recomputation job.
        await queryRunner.query(`CREATE INDEX "threads_accepted_post_idx" ON "threads" ("accepted_post_id") WHERE "accepted_post_id" IS NOT NULL`);
        await queryRunner.query(`ALTER TABLE "users" ADD "trust_level_locked" boolean NOT NULL DEFAULT false`);

        // Auto-moderation settings: one row, edited by admins.
        await queryRunner.query(`CREATE TABLE "auto_moderation_settings" (
            "id" smallint NOT NULL DEFAULT 1,
            "hold_trust_level_zero" boolean NOT NULL DEFAULT false,
            "max_links" integer DEFAULT 5,
            "duplicate_text_window_minutes" integer,
            "duplicate_text_min_chars" integer NOT NULL DEFAULT 20,
            "fast_posting_seconds" integer,
            "fast_posting_max_trust_level" smallint NOT NULL DEFAULT 1,
            "post_rate_limit" integer NOT NULL DEFAULT 20,
            "post_rate_window_seconds" integer NOT NULL DEFAULT 60,
            "flag_rate_limit" integer NOT NULL DEFAULT 20,
            "flag_rate_window_seconds" integer NOT NULL DEFAULT 3600,
            "auto_silence_rejections" integer DEFAULT 3,
            "auto_silence_window_days" integer NOT NULL DEFAULT 30,
            "auto_silence_hours" integer NOT NULL DEFAULT 72,
            "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "updated_by" uuid,
            CONSTRAINT "auto_moderation_settings_single_row" CHECK ("id" = 1),
            CONSTRAINT "auto_moderation_settings_positive" CHECK (
                coalesce("max_links", 0) >= 0 AND coalesce("duplicate_text_window_minutes", 1) > 0 AND "duplicate_text_min_chars" >= 1
                AND coalesce("fast_posting_seconds", 1) > 0 AND "fast_posting_max_trust_level" BETWEEN 0 AND 4
                AND "post_rate_limit" >= 1 AND "post_rate_window_seconds" >= 1 AND "flag_rate_limit" >= 1 AND "flag_rate_window_seconds" >= 1
                AND coalesce("auto_silence_rejections", 1) >= 1 AND "auto_silence_window_days" >= 1 AND "auto_silence_hours" >= 1),
            CONSTRAINT "auto_moderation_settings_pkey" PRIMARY KEY ("id"))`);
        await queryRunner.query(`INSERT INTO "auto_moderation_settings" ("id") VALUES (1)`);

        await queryRunner.query(`CREATE TYPE "public"."blocked_pattern_kind" AS ENUM('word', 'regex')`);
        await queryRunner.query(`CREATE TABLE "blocked_patterns" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid(),
            "locale" text,
            "kind" "public"."blocked_pattern_kind" NOT NULL,
            "pattern" text NOT NULL,
            "created_by" uuid,
            "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT "blocked_patterns_pkey" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "blocked_patterns_key" ON "blocked_patterns" (coalesce("locale", ''), "kind", "pattern")`);

        // What each member posted recently (normalized text hash, time): the duplicate-text and fast-posting rules.
        await queryRunner.query(`CREATE TABLE "post_fingerprints" (
            "id" bigserial NOT NULL,
            "author_id" uuid NOT NULL,
            "thread_id" uuid,
            "text_hash" text,
            "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT "post_fingerprints_pkey" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "post_fingerprints_hash_idx" ON "post_fingerprints" ("text_hash", "created_at") WHERE "text_hash" IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "post_fingerprints_author_idx" ON "post_fingerprints" ("author_id", "created_at" DESC)`);

        // Per-member rate limits (posts, flags): one counter row per key and fixed window.
        await queryRunner.query(`CREATE TABLE "moderation_rate_counters" (
            "counter_key" text NOT NULL,
            "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
            "used" integer NOT NULL,
            CONSTRAINT "moderation_rate_counters_pkey" PRIMARY KEY ("counter_key"))`);

        // Knowledge capture: a thread promoted into a (draft, later published) article.
        await queryRunner.query(`CREATE TABLE "thread_promotions" (
            "thread_id" uuid NOT NULL,
            "article_id" uuid NOT NULL,
            "promoted_by" uuid,
            "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT "thread_promotions_pkey" PRIMARY KEY ("thread_id"),
            CONSTRAINT "thread_promotions_thread_fk" FOREIGN KEY ("thread_id") REFERENCES "threads"("id") ON DELETE CASCADE,
            CONSTRAINT "thread_promotions_article_fk" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE)`);
        await queryRunner.query(`CREATE INDEX "thread_promotions_article_idx" ON "thread_promotions" ("article_id")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "thread_promotions"`);
        await queryRunner.query(`DROP TABLE "moderation_rate_counters"`);
        await queryRunner.query(`DROP TABLE "post_fingerprints"`);
        await queryRunner.query(`DROP TABLE "blocked_patterns"`);
        await queryRunner.query(`DROP TYPE "public"."blocked_pattern_kind"`);
        await queryRunner.query(`DROP TABLE "auto_moderation_settings"`);
        await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "trust_level_locked"`);
        await queryRunner.query(`DROP INDEX "public"."threads_accepted_post_idx"`);
        await queryRunner.query(`DROP INDEX "public"."flags_flagger_resolved_idx"`);
        await queryRunner.query(`DROP INDEX "public"."threads_pending_idx"`);
        await queryRunner.query(`DROP TRIGGER audit_entries_no_truncate ON "audit_entries"`);
        await queryRunner.query(`DROP INDEX "public"."audit_entries_target_idx"`);
        await queryRunner.query(`DROP INDEX "public"."audit_entries_action_idx"`);
        await queryRunner.query(`DROP INDEX "public"."audit_entries_rule_idx"`);
        await queryRunner.query(`DROP INDEX "public"."audit_entries_actor_idx"`);
        await queryRunner.query(`DROP INDEX "public"."audit_entries_occurred_idx"`);
        await queryRunner.query(`ALTER TABLE "audit_entries" DROP COLUMN "reason"`);
        await queryRunner.query(`ALTER TABLE "audit_entries" DROP COLUMN "actor_rule"`);
    }
}
