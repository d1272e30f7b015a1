import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Re-feeding edited forum threads to the recurring-question store (docs/recurring-questions.md, "Edits and
 * removals"): a question whose thread was hidden, removed, merged away or moved keeps its row, marked
 * `removed_at` and out of every cluster (its thread may come back). An edited or removed row is given a new
 * `seq`, so every API instance's in-memory index catches the change up like a new row.
 */
export class RecurringQuestionRemovals1764870001000 implements MigrationInterface {
  name = 'RecurringQuestionRemovals1764870001000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "recurring_questions" ADD "removed_at" timestamptz`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "recurring_questions" DROP COLUMN "removed_at"`);
  }
}
