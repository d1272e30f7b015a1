import { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal access tokens carry a role (at most their owner's) and may be read-only; existing tokens keep their owner's role. */
export class AccessTokenScopes1764288002000 implements MigrationInterface {
  name = 'AccessTokenScopes1764288002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "access_tokens" ADD "role" "public"."user_role"`);
    await queryRunner.query(`UPDATE "access_tokens" t SET "role" = u."role" FROM "users" u WHERE u."id" = t."user_id"`);
    await queryRunner.query(`ALTER TABLE "access_tokens" ALTER COLUMN "role" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "access_tokens" ADD "read_only" boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "access_tokens" DROP COLUMN "read_only"`);
    await queryRunner.query(`ALTER TABLE "access_tokens" DROP COLUMN "role"`);
  }
}
