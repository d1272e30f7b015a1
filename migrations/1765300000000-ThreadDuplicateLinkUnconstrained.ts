import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `threads.duplicate_of_id` loses its foreign key. PostgreSQL re-checks a row's foreign keys when a transaction updates
 * a row it already updated (status, then `updated_at`), and that check takes a KEY SHARE lock on the *original* thread:
 * a second thread locked out of the forum's lock order (docs/forum.md "Lock order"), which deadlocked moderation actions
 * against merges and status changes in other threads. The link is kept by the code instead: the only deletion of a
 * thread, a merge, repoints or clears every link to the merged thread (moderation-actions.service.ts).
 */
export class ThreadDuplicateLinkUnconstrained1765300000000 implements MigrationInterface {
    name = 'ThreadDuplicateLinkUnconstrained1765300000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "threads" DROP CONSTRAINT "FK_966e3b92510cc169fb2b9d945a3"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`UPDATE "threads" t SET "duplicate_of_id" = NULL WHERE "duplicate_of_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "threads" o WHERE o."id" = t."duplicate_of_id")`);
        await queryRunner.query(`ALTER TABLE "threads" ADD CONSTRAINT "FK_966e3b92510cc169fb2b9d945a3" FOREIGN KEY ("duplicate_of_id") REFERENCES "threads"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    }
}
