import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per recurring-question scope: when it was last reclustered (the staleness scan reclusters a scope once a
 * day, which moves its window) and a generation every recluster increments, so other API instances know their
 * in-memory index of the scope holds clusters that no longer exist and rebuild it.
 */
export class RecurringQuestionScopes1765400000000 implements MigrationInterface {
    name = 'RecurringQuestionScopes1765400000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "recurring_question_scopes" (
            "scope" text PRIMARY KEY,
            "generation" integer NOT NULL DEFAULT 0,
            "reclustered_at" timestamptz NOT NULL DEFAULT now()
        )`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "recurring_question_scopes"`);
    }
}
