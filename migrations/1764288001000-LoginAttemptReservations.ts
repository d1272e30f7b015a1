import { MigrationInterface, QueryRunner } from 'typeorm';

/** Login throttling reserves an attempt per account and per address before the password is checked (one counter row per key). */
export class LoginAttemptReservations1764288001000 implements MigrationInterface {
  name = 'LoginAttemptReservations1764288001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."login_failures_key_failed_at_idx"`);
    await queryRunner.query(`DROP TABLE "login_failures"`);
    await queryRunner.query(`CREATE TABLE "login_attempts" ("throttle_key" text NOT NULL, "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "attempts" integer NOT NULL, CONSTRAINT "login_attempts_pkey" PRIMARY KEY ("throttle_key"))`);
    await queryRunner.query(`CREATE INDEX "login_attempts_window_started_at_idx" ON "login_attempts" ("window_started_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."login_attempts_window_started_at_idx"`);
    await queryRunner.query(`DROP TABLE "login_attempts"`);
    await queryRunner.query(`CREATE TABLE "login_failures" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "throttle_key" text NOT NULL, "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8211e8ec810fd7f976b98ce97a0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "login_failures_key_failed_at_idx" ON "login_failures" ("throttle_key", "failed_at") `);
  }
}
