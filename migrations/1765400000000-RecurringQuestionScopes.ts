import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per recurring-question scope: when it was last reclustered (the staleness scan reclusters a scope once a
 * day, which moves its window) and a generation every recluster increments, so other API instances know their
 * in-memory index of the scope holds clusters that no longer exist and rebuild it. And per stored question, when
 * the article links of its thread's posts were last read: a thread with activity since (a new reply) is read again,
 * so a reply that links an article can make its cluster point at that article.
 */
export class RecurringQuestionScopes1765400000000 implements MigrationInterface {
    name = 'RecurringQuestionScopes1765400000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "recurring_question_scopes" (
            "scope" text PRIMARY KEY,
            "generation" integer NOT NULL DEFAULT 0,
            "reclustered_at" timestamptz NOT NULL DEFAULT now()
        )`);
        await queryRunner.query(`ALTER TABLE "recurring_questions" ADD "links_read_at" timestamptz NOT NULL DEFAULT now()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "recurring_questions" DROP COLUMN "links_read_at"`);
        await queryRunner.query(`DROP TABLE "recurring_question_scopes"`);
    }
}
