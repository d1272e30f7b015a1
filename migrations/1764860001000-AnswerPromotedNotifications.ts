import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credit for knowledge capture (docs/moderation.md): the accepted answer's author is told when a help article
 * is drafted from their answer (`answer_promoted`) and when it is first published (`promoted_article_published`).
 * The promotion keeps the answer it was drafted from (`answer_post_id`): the credited author, even if the
 * thread accepts another answer later.
 */
export class AnswerPromotedNotifications1764860001000 implements MigrationInterface {
    name = 'AnswerPromotedNotifications1764860001000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TYPE "public"."member_notification_kind" ADD VALUE IF NOT EXISTS 'answer_promoted'`);
        await queryRunner.query(`ALTER TYPE "public"."member_notification_kind" ADD VALUE IF NOT EXISTS 'promoted_article_published'`);
        await queryRunner.query(`ALTER TABLE "thread_promotions" ADD "answer_post_id" uuid`);
        await queryRunner.query(`ALTER TABLE "thread_promotions" ADD CONSTRAINT "thread_promotions_answer_post_fk" FOREIGN KEY ("answer_post_id") REFERENCES "posts"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "thread_promotions" DROP CONSTRAINT "thread_promotions_answer_post_fk"`);
        await queryRunner.query(`ALTER TABLE "thread_promotions" DROP COLUMN "answer_post_id"`);
        // PostgreSQL cannot drop an enum value: the type is rebuilt without the two (their notifications go).
        await queryRunner.query(`DELETE FROM "member_notifications" WHERE "kind"::text IN ('answer_promoted', 'promoted_article_published')`);
        await queryRunner.query(`ALTER TYPE "public"."member_notification_kind" RENAME TO "member_notification_kind_old"`);
        await queryRunner.query(`CREATE TYPE "public"."member_notification_kind" AS ENUM('reply_on_followed_thread', 'answer_accepted', 'mention', 'moderation_decision')`);
        await queryRunner.query(`ALTER TABLE "member_notifications" ALTER COLUMN "kind" TYPE "public"."member_notification_kind" USING "kind"::text::"public"."member_notification_kind"`);
        await queryRunner.query(`DROP TYPE "public"."member_notification_kind_old"`);
    }
}
