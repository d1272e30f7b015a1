import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Images and attachments (docs/assets.md): one row per distinct upload (unique SHA-256), its stored files
 * listed in `files`; `article_assets` records which articles use which asset, and keeps an asset in use
 * from being deleted (ON DELETE RESTRICT).
 */
export class CreateAssets1764840000000 implements MigrationInterface {
    name = 'CreateAssets1764840000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "assets" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid(),
            "sha256" character(64) NOT NULL,
            "kind" text NOT NULL,
            "content_type" text NOT NULL,
            "filename" text NOT NULL,
            "byte_size" integer NOT NULL,
            "width" integer,
            "height" integer,
            "alt" text NOT NULL DEFAULT '',
            "files" jsonb NOT NULL,
            "uploaded_by_id" uuid,
            "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT "assets_pkey" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "assets_sha256_key" ON "assets" ("sha256")`);
        await queryRunner.query(`CREATE INDEX "assets_created_idx" ON "assets" ("created_at")`);
        await queryRunner.query(`CREATE TABLE "article_assets" (
            "article_id" uuid NOT NULL,
            "asset_id" uuid NOT NULL,
            "is_attached" boolean NOT NULL DEFAULT false,
            "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT "article_assets_pkey" PRIMARY KEY ("article_id", "asset_id"))`);
        await queryRunner.query(`CREATE INDEX "article_assets_asset_idx" ON "article_assets" ("asset_id")`);
        await queryRunner.query(`ALTER TABLE "assets" ADD CONSTRAINT "assets_uploaded_by_id_fkey" FOREIGN KEY ("uploaded_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_assets" ADD CONSTRAINT "article_assets_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "article_assets" ADD CONSTRAINT "article_assets_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "article_assets"`);
        await queryRunner.query(`DROP TABLE "assets"`);
    }
}
