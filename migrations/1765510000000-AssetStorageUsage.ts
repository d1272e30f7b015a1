import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One counter of the bytes every stored asset file takes (decision 0039): an upload locks it in its transaction,
 * checks ASSET_STORAGE_QUOTA_BYTES and adds its files' bytes; a deletion subtracts them. Backfilled from the
 * files of the existing assets.
 */
export class AssetStorageUsage1765510000000 implements MigrationInterface {
  name = 'AssetStorageUsage1765510000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "asset_storage_usage" (
        "id" boolean NOT NULL DEFAULT true,
        "used_bytes" bigint NOT NULL DEFAULT 0,
        CONSTRAINT "asset_storage_usage_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "asset_storage_usage_one_row" CHECK ("id"),
        CONSTRAINT "asset_storage_usage_used_bytes_check" CHECK ("used_bytes" >= 0)
      )`);
    await queryRunner.query(`
      INSERT INTO "asset_storage_usage" ("id", "used_bytes")
      SELECT true, COALESCE(SUM((f->>'byteSize')::bigint), 0)
      FROM "assets" a CROSS JOIN LATERAL jsonb_array_elements(a."files") f`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "asset_storage_usage"`);
  }
}
