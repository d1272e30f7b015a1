import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndAuth1763856000000 implements MigrationInterface {
  name = 'CreateUsersAndAuth1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."user_role" AS ENUM('admin', 'editor', 'moderator', 'member')`);
    await queryRunner.query(`CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL, "password_hash" text NOT NULL, "role" "public"."user_role" NOT NULL, "trust_level" smallint NOT NULL DEFAULT '0', "deactivated_at" TIMESTAMP WITH TIME ZONE, "silenced_until" TIMESTAMP WITH TIME ZONE, "suspended_until" TIMESTAMP WITH TIME ZONE, "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "users_trust_level_check" CHECK ("trust_level" BETWEEN 0 AND 4), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "access_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "name" text NOT NULL, "token_hash" text NOT NULL, "token_prefix" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_65140f59763ff994a0252488166" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "access_tokens_user_id_idx" ON "access_tokens" ("user_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "access_tokens_token_hash_key" ON "access_tokens" ("token_hash") `);
    await queryRunner.query(`CREATE TABLE "login_failures" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "throttle_key" text NOT NULL, "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8211e8ec810fd7f976b98ce97a0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "login_failures_key_failed_at_idx" ON "login_failures" ("throttle_key", "failed_at") `);
    await queryRunner.query(`ALTER TABLE "access_tokens" ADD CONSTRAINT "FK_09ee750a035b06e0c7f0704687e" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE UNIQUE INDEX "users_email_key" ON "users" (lower("email"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."users_email_key"`);
    await queryRunner.query(`ALTER TABLE "access_tokens" DROP CONSTRAINT "FK_09ee750a035b06e0c7f0704687e"`);
    await queryRunner.query(`DROP INDEX "public"."login_failures_key_failed_at_idx"`);
    await queryRunner.query(`DROP TABLE "login_failures"`);
    await queryRunner.query(`DROP INDEX "public"."access_tokens_token_hash_key"`);
    await queryRunner.query(`DROP INDEX "public"."access_tokens_user_id_idx"`);
    await queryRunner.query(`DROP TABLE "access_tokens"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TYPE "public"."user_role"`);
  }
}
