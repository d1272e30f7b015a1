import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deflection counts thread suggestions too (docs/search.md): a suggestion is an article or a solved thread,
 * so `article_suggestions.article_id` becomes `subject_id` with its `kind`. Rows written before are articles.
 */
export class SuggestionKinds1764860000000 implements MigrationInterface {
    name = 'SuggestionKinds1764860000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "article_suggestions" RENAME COLUMN "article_id" TO "subject_id"`);
        await queryRunner.query(`ALTER TABLE "article_suggestions" ADD "kind" text NOT NULL DEFAULT 'article'`);
        await queryRunner.query(`ALTER TABLE "article_suggestions" ADD CONSTRAINT "article_suggestions_kind_check" CHECK ("kind" IN ('article', 'thread'))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DELETE FROM "article_suggestions" WHERE "kind" <> 'article'`);
        await queryRunner.query(`ALTER TABLE "article_suggestions" DROP CONSTRAINT "article_suggestions_kind_check"`);
        await queryRunner.query(`ALTER TABLE "article_suggestions" DROP COLUMN "kind"`);
        await queryRunner.query(`ALTER TABLE "article_suggestions" RENAME COLUMN "subject_id" TO "article_id"`);
    }
}
