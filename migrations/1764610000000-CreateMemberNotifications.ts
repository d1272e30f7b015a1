import { MigrationInterface, QueryRunner } from 'typeorm';

/** Member notifications (docs/notifications.md) and each member's notification settings (email digest opt-in). */

export class CreateMemberNotifications1764610000000 implements MigrationInterface {
    name = 'CreateMemberNotifications1764610000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."member_notification_kind" AS ENUM('reply_on_followed_thread', 'answer_accepted', 'mention', 'moderation_decision')`);
        await queryRunner.query(`CREATE TABLE "member_notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "recipient_id" uuid NOT NULL, "kind" "public"."member_notification_kind" NOT NULL, "actor_id" uuid, "subject_kind" text NOT NULL, "subject_id" uuid NOT NULL, "summary" text NOT NULL, "data" jsonb NOT NULL DEFAULT '{}', "dedupe_key" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, "emailed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_abaff135b618e88bae069e6f6bb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "member_notifications_dedupe_key" ON "member_notifications" ("recipient_id", "dedupe_key") WHERE dedupe_key IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "member_notifications_undigested_idx" ON "member_notifications" ("recipient_id", "created_at") WHERE emailed_at IS NULL AND read_at IS NULL`);
        await queryRunner.query(`CREATE INDEX "member_notifications_unread_idx" ON "member_notifications" ("recipient_id") WHERE read_at IS NULL`);
        await queryRunner.query(`CREATE INDEX "member_notifications_recipient_idx" ON "member_notifications" ("recipient_id", "created_at", "id") `);
        await queryRunner.query(`CREATE TABLE "notification_settings" ("user_id" uuid NOT NULL, "email_digest" boolean NOT NULL DEFAULT false, "email_digest_since" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_91a7ffebe8b406c4470845d4781" PRIMARY KEY ("user_id"))`);
        await queryRunner.query(`ALTER TABLE "member_notifications" ADD CONSTRAINT "FK_e9ec2b423dd3bdef518207ce22e" FOREIGN KEY ("recipient_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "member_notifications" ADD CONSTRAINT "FK_3acbd23d278ec14f2b48893cb7b" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "notification_settings" ADD CONSTRAINT "FK_91a7ffebe8b406c4470845d4781" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "notification_settings" DROP CONSTRAINT "FK_91a7ffebe8b406c4470845d4781"`);
        await queryRunner.query(`ALTER TABLE "member_notifications" DROP CONSTRAINT "FK_3acbd23d278ec14f2b48893cb7b"`);
        await queryRunner.query(`ALTER TABLE "member_notifications" DROP CONSTRAINT "FK_e9ec2b423dd3bdef518207ce22e"`);
        await queryRunner.query(`DROP TABLE "notification_settings"`);
        await queryRunner.query(`DROP INDEX "public"."member_notifications_recipient_idx"`);
        await queryRunner.query(`DROP INDEX "public"."member_notifications_unread_idx"`);
        await queryRunner.query(`DROP INDEX "public"."member_notifications_undigested_idx"`);
        await queryRunner.query(`DROP INDEX "public"."member_notifications_dedupe_key"`);
        await queryRunner.query(`DROP TABLE "member_notifications"`);
        await queryRunner.query(`DROP TYPE "public"."member_notification_kind"`);
    }

}
