import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The community forum: boards, threads, posts with their revisions, votes, follows, flags and old thread
 * slugs. Threads and posts share one status type (docs/decisions/0006-forum-content-status.md).
 */
export class CreateForum1764600000000 implements MigrationInterface {
    name = 'CreateForum1764600000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."board_moderation_policy" AS ENUM('open', 'hold_new_members', 'hold_all')`);
        await queryRunner.query(`CREATE TABLE "boards" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "locale" text NOT NULL, "position" integer NOT NULL DEFAULT '0', "moderation_policy" "public"."board_moderation_policy" NOT NULL DEFAULT 'open', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_606923b0b068ef262dfdcd18f44" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "boards_locale_position_idx" ON "boards" ("locale", "position") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "boards_slug_key" ON "boards" ("slug") `);
        await queryRunner.query(`CREATE TYPE "public"."forum_content_status" AS ENUM('pending', 'visible', 'hidden', 'removed', 'deleted')`);
        await queryRunner.query(`CREATE TABLE "threads" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "board_id" uuid NOT NULL, "slug" text NOT NULL, "title" text NOT NULL, "status" "public"."forum_content_status" NOT NULL, "held_reason" text, "is_locked" boolean NOT NULL DEFAULT false, "is_pinned" boolean NOT NULL DEFAULT false, "is_solved" boolean NOT NULL DEFAULT false, "accepted_post_id" uuid, "solved_at" TIMESTAMP WITH TIME ZONE, "tags" text array NOT NULL DEFAULT '{}', "author_id" uuid, "reply_count" integer NOT NULL DEFAULT '0', "score" integer NOT NULL DEFAULT '0', "last_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "duplicate_of_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "threads_counts_check" CHECK ("reply_count" >= 0), CONSTRAINT "PK_d8a74804c34fc3900502cd27275" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "threads_author_idx" ON "threads" ("author_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "threads_slug_key" ON "threads" ("slug") `);
        await queryRunner.query(`CREATE TABLE "posts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "thread_id" uuid NOT NULL, "author_id" uuid, "is_question" boolean NOT NULL DEFAULT false, "status" "public"."forum_content_status" NOT NULL, "held_reason" text, "revision_number" integer NOT NULL DEFAULT '1', "body_markdown" text NOT NULL, "body_html" text NOT NULL, "body_text" text NOT NULL, "score" integer NOT NULL DEFAULT '0', "upvote_count" integer NOT NULL DEFAULT '0', "downvote_count" integer NOT NULL DEFAULT '0', "edited_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "posts_revision_number_check" CHECK ("revision_number" >= 1), CONSTRAINT "PK_2829ac61eff60fcec60d7274b9e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "posts_pending_idx" ON "posts" ("created_at") WHERE "status" = 'pending'`);
        await queryRunner.query(`CREATE INDEX "posts_author_idx" ON "posts" ("author_id", "created_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "posts_thread_question_key" ON "posts" ("thread_id") WHERE "is_question"`);
        await queryRunner.query(`CREATE INDEX "posts_thread_created_idx" ON "posts" ("thread_id", "created_at", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."flag_target_kind" AS ENUM('thread', 'post')`);
        await queryRunner.query(`CREATE TYPE "public"."flag_kind" AS ENUM('spam', 'offensive', 'off_topic', 'duplicate', 'other')`);
        await queryRunner.query(`CREATE TYPE "public"."flag_status" AS ENUM('open', 'upheld', 'rejected')`);
        await queryRunner.query(`CREATE TABLE "flags" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "target_kind" "public"."flag_target_kind" NOT NULL, "thread_id" uuid NOT NULL, "post_id" uuid, "flagger_id" uuid, "kind" "public"."flag_kind" NOT NULL, "note" text, "duplicate_of_thread_id" uuid, "status" "public"."flag_status" NOT NULL DEFAULT 'open', "resolved_by" uuid, "resolved_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "flags_duplicate_check" CHECK (("kind" = 'duplicate') = ("duplicate_of_thread_id" IS NOT NULL)), CONSTRAINT "flags_target_check" CHECK (("target_kind" = 'post') = ("post_id" IS NOT NULL)), CONSTRAINT "PK_ea7e333c92a55de9e9b8d0b9afd" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "flags_post_idx" ON "flags" ("post_id") `);
        await queryRunner.query(`CREATE INDEX "flags_thread_idx" ON "flags" ("thread_id") `);
        await queryRunner.query(`CREATE INDEX "flags_open_idx" ON "flags" ("created_at") WHERE "status" = 'open'`);
        await queryRunner.query(`CREATE TABLE "post_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "number" integer NOT NULL, "title" text, "body_markdown" text NOT NULL, "body_html" text NOT NULL, "editor_id" uuid, "reason" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_871219c3d5044d70ff7d59480b8" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "post_revisions_post_number_key" ON "post_revisions" ("post_id", "number") `);
        await queryRunner.query(`CREATE TABLE "post_votes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "voter_id" uuid NOT NULL, "value" smallint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "post_votes_value_check" CHECK ("value" IN (-1, 1)), CONSTRAINT "PK_9582da033a0549ccd393cabe385" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "post_votes_voter_idx" ON "post_votes" ("voter_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "post_votes_post_voter_key" ON "post_votes" ("post_id", "voter_id") `);
        await queryRunner.query(`CREATE TABLE "thread_follows" ("thread_id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_700e1ce728aa4575f64eef803ff" PRIMARY KEY ("thread_id", "user_id"))`);
        await queryRunner.query(`CREATE INDEX "thread_follows_user_idx" ON "thread_follows" ("user_id") `);
        await queryRunner.query(`CREATE TABLE "thread_slug_redirects" ("slug" text NOT NULL, "thread_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ed17f4668f7dc7ab2ea59a12a81" PRIMARY KEY ("slug"))`);
        await queryRunner.query(`CREATE INDEX "thread_slug_redirects_thread_idx" ON "thread_slug_redirects" ("thread_id") `);
        await queryRunner.query(`CREATE TABLE "thread_products" ("thread_id" uuid NOT NULL, "product_id" uuid NOT NULL, CONSTRAINT "PK_a55735d5989cf98f50e15564be4" PRIMARY KEY ("thread_id", "product_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_5eef5b16d0eafdf2d094bd6349" ON "thread_products" ("thread_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_ff1d18b4043e5213067469a5b2" ON "thread_products" ("product_id") `);
        await queryRunner.query(`ALTER TABLE "threads" ADD CONSTRAINT "FK_dcf9807cc496f6a4d43e0376558" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "threads" ADD CONSTRAINT "FK_71b6a8e2ea822297f14b96c3183" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "threads" ADD CONSTRAINT "FK_966e3b92510cc169fb2b9d945a3" FOREIGN KEY ("duplicate_of_id") REFERENCES "threads"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "posts" ADD CONSTRAINT "FK_89efae744488da3393177c9ccbf" FOREIGN KEY ("thread_id") REFERENCES "threads"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "posts" ADD CONSTRAINT "FK_312c63be865c81b922e39c2475e" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "flags" ADD CONSTRAINT "FK_33c6126dd37d15614ea6ab61a78" FOREIGN KEY ("thread_id") REFERENCES "threads"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "flags" ADD CONSTRAINT "FK_bf4bf0e8f2e15a2793a541fa573" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "flags" ADD CONSTRAINT "FK_de975295f26e5588844615b0ca7" FOREIGN KEY ("flagger_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "flags" ADD CONSTRAINT "FK_ec3e4fa289b6ff38c272abb843a" FOREIGN KEY ("duplicate_of_thread_id") REFERENCES "threads"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "post_revisions" ADD CONSTRAINT "FK_21715fae1f647ae1e4b0741346a" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "post_votes" ADD CONSTRAINT "FK_be565a04e47c8b846f6cc7fcac6" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "post_votes" ADD CONSTRAINT "FK_32de0b7b72677cda6016e0e14e3" FOREIGN KEY ("voter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "thread_follows" ADD CONSTRAINT "FK_166998ac9f5b40b48cddfce2775" FOREIGN KEY ("thread_id") REFERENCES "threads"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "thread_follows" ADD CONSTRAINT "FK_a0a634310e10231a1d05a0aa21c" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "thread_slug_redirects" ADD CONSTRAINT "FK_aea99033d8a76e290b31a2bbc36" FOREIGN KEY ("thread_id") REFERENCES "threads"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "threads" ADD CONSTRAINT "threads_accepted_post_fk" FOREIGN KEY ("accepted_post_id") REFERENCES "posts"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        // Thread lists: visible threads by latest activity, per board and across boards; tag filters.
        await queryRunner.query(`CREATE INDEX "threads_board_activity_idx" ON "threads" ("board_id", ("is_pinned"::int) DESC, "last_activity_at" DESC, "id" DESC) WHERE "status" = 'visible'`);
        await queryRunner.query(`CREATE INDEX "threads_activity_idx" ON "threads" (("is_pinned"::int) DESC, "last_activity_at" DESC, "id" DESC) WHERE "status" = 'visible'`);
        await queryRunner.query(`CREATE INDEX "threads_board_top_idx" ON "threads" ("board_id", "score" DESC, "last_activity_at" DESC, "id" DESC) WHERE "status" = 'visible'`);
        await queryRunner.query(`CREATE INDEX "threads_top_idx" ON "threads" ("score" DESC, "last_activity_at" DESC, "id" DESC) WHERE "status" = 'visible'`);
        await queryRunner.query(`CREATE INDEX "threads_solved_idx" ON "threads" ("solved_at" DESC, "id" DESC) WHERE "status" = 'visible' AND "is_solved"`);
        await queryRunner.query(`CREATE INDEX "threads_unanswered_idx" ON "threads" ("created_at" DESC, "id" DESC) WHERE "status" = 'visible' AND "reply_count" = 0 AND NOT "is_solved"`);
        await queryRunner.query(`CREATE INDEX "threads_tags_idx" ON "threads" USING GIN ("tags")`);
        // One open flag per member and target, however many arrive at once.
        await queryRunner.query(`CREATE UNIQUE INDEX "flags_one_open_per_flagger_key" ON "flags" ("flagger_id", "target_kind", COALESCE("post_id", "thread_id")) WHERE "status" = 'open'`);
        await queryRunner.query(`ALTER TABLE "thread_products" ADD CONSTRAINT "thread_products_thread_fk" FOREIGN KEY ("thread_id") REFERENCES "threads"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE "thread_products" ADD CONSTRAINT "thread_products_product_fk" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."flags_one_open_per_flagger_key"`);
        await queryRunner.query(`DROP INDEX "public"."threads_tags_idx"`);
        await queryRunner.query(`DROP INDEX "public"."threads_unanswered_idx"`);
        await queryRunner.query(`DROP INDEX "public"."threads_solved_idx"`);
        await queryRunner.query(`DROP INDEX "public"."threads_top_idx"`);
        await queryRunner.query(`DROP INDEX "public"."threads_board_top_idx"`);
        await queryRunner.query(`DROP INDEX "public"."threads_activity_idx"`);
        await queryRunner.query(`DROP INDEX "public"."threads_board_activity_idx"`);
        await queryRunner.query(`ALTER TABLE "threads" DROP CONSTRAINT "threads_accepted_post_fk"`);
        await queryRunner.query(`ALTER TABLE "thread_products" DROP CONSTRAINT "thread_products_product_fk"`);
        await queryRunner.query(`ALTER TABLE "thread_products" DROP CONSTRAINT "thread_products_thread_fk"`);
        await queryRunner.query(`ALTER TABLE "thread_slug_redirects" DROP CONSTRAINT "FK_aea99033d8a76e290b31a2bbc36"`);
        await queryRunner.query(`ALTER TABLE "thread_follows" DROP CONSTRAINT "FK_a0a634310e10231a1d05a0aa21c"`);
        await queryRunner.query(`ALTER TABLE "thread_follows" DROP CONSTRAINT "FK_166998ac9f5b40b48cddfce2775"`);
        await queryRunner.query(`ALTER TABLE "post_votes" DROP CONSTRAINT "FK_32de0b7b72677cda6016e0e14e3"`);
        await queryRunner.query(`ALTER TABLE "post_votes" DROP CONSTRAINT "FK_be565a04e47c8b846f6cc7fcac6"`);
        await queryRunner.query(`ALTER TABLE "post_revisions" DROP CONSTRAINT "FK_21715fae1f647ae1e4b0741346a"`);
        await queryRunner.query(`ALTER TABLE "flags" DROP CONSTRAINT "FK_ec3e4fa289b6ff38c272abb843a"`);
        await queryRunner.query(`ALTER TABLE "flags" DROP CONSTRAINT "FK_de975295f26e5588844615b0ca7"`);
        await queryRunner.query(`ALTER TABLE "flags" DROP CONSTRAINT "FK_bf4bf0e8f2e15a2793a541fa573"`);
        await queryRunner.query(`ALTER TABLE "flags" DROP CONSTRAINT "FK_33c6126dd37d15614ea6ab61a78"`);
        await queryRunner.query(`ALTER TABLE "posts" DROP CONSTRAINT "FK_312c63be865c81b922e39c2475e"`);
        await queryRunner.query(`ALTER TABLE "posts" DROP CONSTRAINT "FK_89efae744488da3393177c9ccbf"`);
        await queryRunner.query(`ALTER TABLE "threads" DROP CONSTRAINT "FK_966e3b92510cc169fb2b9d945a3"`);
        await queryRunner.query(`ALTER TABLE "threads" DROP CONSTRAINT "FK_71b6a8e2ea822297f14b96c3183"`);
        await queryRunner.query(`ALTER TABLE "threads" DROP CONSTRAINT "FK_dcf9807cc496f6a4d43e0376558"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_ff1d18b4043e5213067469a5b2"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_5eef5b16d0eafdf2d094bd6349"`);
        await queryRunner.query(`DROP TABLE "thread_products"`);
        await queryRunner.query(`DROP INDEX "public"."thread_slug_redirects_thread_idx"`);
        await queryRunner.query(`DROP TABLE "thread_slug_redirects"`);
        await queryRunner.query(`DROP INDEX "public"."thread_follows_user_idx"`);
        await queryRunner.query(`DROP TABLE "thread_follows"`);
        await queryRunner.query(`DROP INDEX "public"."post_votes_post_voter_key"`);
        await queryRunner.query(`DROP INDEX "public"."post_votes_voter_idx"`);
        await queryRunner.query(`DROP TABLE "post_votes"`);
        await queryRunner.query(`DROP INDEX "public"."post_revisions_post_number_key"`);
        await queryRunner.query(`DROP TABLE "post_revisions"`);
        await queryRunner.query(`DROP INDEX "public"."flags_open_idx"`);
        await queryRunner.query(`DROP INDEX "public"."flags_thread_idx"`);
        await queryRunner.query(`DROP INDEX "public"."flags_post_idx"`);
        await queryRunner.query(`DROP TABLE "flags"`);
        await queryRunner.query(`DROP TYPE "public"."flag_status"`);
        await queryRunner.query(`DROP TYPE "public"."flag_kind"`);
        await queryRunner.query(`DROP TYPE "public"."flag_target_kind"`);
        await queryRunner.query(`DROP INDEX "public"."posts_thread_created_idx"`);
        await queryRunner.query(`DROP INDEX "public"."posts_thread_question_key"`);
        await queryRunner.query(`DROP INDEX "public"."posts_author_idx"`);
        await queryRunner.query(`DROP INDEX "public"."posts_pending_idx"`);
        await queryRunner.query(`DROP TABLE "posts"`);
        await queryRunner.query(`DROP INDEX "public"."threads_slug_key"`);
        await queryRunner.query(`DROP INDEX "public"."threads_author_idx"`);
        await queryRunner.query(`DROP TABLE "threads"`);
        await queryRunner.query(`DROP TYPE "public"."forum_content_status"`);
        await queryRunner.query(`DROP INDEX "public"."boards_slug_key"`);
        await queryRunner.query(`DROP INDEX "public"."boards_locale_position_idx"`);
        await queryRunner.query(`DROP TABLE "boards"`);
        await queryRunner.query(`DROP TYPE "public"."board_moderation_policy"`);
    }

}
