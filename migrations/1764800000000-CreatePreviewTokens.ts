import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Draft-preview tokens for the delivery API (docs/front-end.md, decision 0012): the SHA-256 of the secret,
 * a scope (article and/or locale), an expiry and a revocation.
 */
export class CreatePreviewTokens1764800000000 implements MigrationInterface {
    name = 'CreatePreviewTokens1764800000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "preview_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" text NOT NULL, "token_prefix" text NOT NULL, "label" text NOT NULL DEFAULT '', "article_id" uuid, "locale" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by" uuid, CONSTRAINT "preview_tokens_scope_check" CHECK ("article_id" IS NOT NULL OR "locale" IS NOT NULL), CONSTRAINT "PK_c539643c28dd84e398f11a5d87f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "preview_tokens_token_hash_key" ON "preview_tokens" ("token_hash") `);
        await queryRunner.query(`CREATE INDEX "preview_tokens_created_idx" ON "preview_tokens" ("created_at", "id") `);
        await queryRunner.query(`ALTER TABLE "preview_tokens" ADD CONSTRAINT "preview_tokens_article_fk" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "preview_tokens" ADD CONSTRAINT "preview_tokens_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "preview_tokens" ADD CONSTRAINT "preview_tokens_revoked_by_fk" FOREIGN KEY ("revoked_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "preview_tokens" DROP CONSTRAINT "preview_tokens_revoked_by_fk"`);
        await queryRunner.query(`ALTER TABLE "preview_tokens" DROP CONSTRAINT "preview_tokens_created_by_fk"`);
        await queryRunner.query(`ALTER TABLE "preview_tokens" DROP CONSTRAINT "preview_tokens_article_fk"`);
        await queryRunner.query(`DROP INDEX "public"."preview_tokens_created_idx"`);
        await queryRunner.query(`DROP INDEX "public"."preview_tokens_token_hash_key"`);
        await queryRunner.query(`DROP TABLE "preview_tokens"`);
    }

}
