import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDeliveryApiKeys1764830000000 implements MigrationInterface {
  name = 'CreateDeliveryApiKeys1764830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "delivery_api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "label" text NOT NULL, "key_hash" text NOT NULL, "key_prefix" text NOT NULL, "rate_limit" integer, "created_by_id" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_delivery_api_keys" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "delivery_api_keys_key_hash_key" ON "delivery_api_keys" ("key_hash") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."delivery_api_keys_key_hash_key"`);
    await queryRunner.query(`DROP TABLE "delivery_api_keys"`);
  }
}
