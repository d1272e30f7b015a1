import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sentence-encoder vectors of recurring questions (docs/recurring-questions.md "Sentence encoder", decision 0022):
 * 512 little-endian float32 (2 KB) per question, written in the background after the question is stored (NULL
 * until then, and again after an edit). A partial index finds the questions still to embed.
 */
export class RecurringQuestionEmbeddings1765000000000 implements MigrationInterface {
    name = 'RecurringQuestionEmbeddings1765000000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "recurring_questions" ADD "embedding" bytea`);
        await queryRunner.query(`CREATE INDEX "recurring_questions_unembedded" ON "recurring_questions" ("seq") WHERE "embedding" IS NULL AND "removed_at" IS NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "recurring_questions_unembedded"`);
        await queryRunner.query(`ALTER TABLE "recurring_questions" DROP COLUMN "embedding"`);
    }
}
