import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Visible threads per board, kept by a trigger (issue 12, docs/forum.md "Board list"): `boards` and `board(slug)`
 * counted every visible thread of every board on each request (24 ms of PostgreSQL at 200,000 threads, growing with
 * the forum). A thread row that enters or leaves `visible`, moves between boards or is deleted adjusts the counts in
 * its own transaction, whatever code wrote it. A move updates both boards in one statement, whose index scan locks
 * their rows in key order, so two opposite moves cannot deadlock on them.
 */
export class BoardThreadCounts1765100000000 implements MigrationInterface {
    name = 'BoardThreadCounts1765100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "board_thread_counts" (
            "board_id" uuid PRIMARY KEY REFERENCES "boards"("id") ON DELETE CASCADE,
            "visible" integer NOT NULL DEFAULT 0)`);
        await queryRunner.query(`INSERT INTO "board_thread_counts" ("board_id", "visible")
            SELECT b."id", (SELECT count(*) FROM "threads" t WHERE t."board_id" = b."id" AND t."status" = 'visible') FROM "boards" b`);
        await queryRunner.query(`CREATE FUNCTION "board_thread_counts_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO "board_thread_counts" ("board_id") VALUES (NEW."id") ON CONFLICT DO NOTHING;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER "board_thread_counts_insert" AFTER INSERT ON "boards"
            FOR EACH ROW EXECUTE FUNCTION "board_thread_counts_insert"()`);
        await queryRunner.query(`CREATE FUNCTION "board_thread_counts_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
              leaving uuid := CASE WHEN TG_OP <> 'INSERT' AND OLD."status" = 'visible' THEN OLD."board_id" END;
              entering uuid := CASE WHEN TG_OP <> 'DELETE' AND NEW."status" = 'visible' THEN NEW."board_id" END;
            BEGIN
              IF leaving IS NOT DISTINCT FROM entering THEN
                RETURN NULL;
              END IF;
              UPDATE "board_thread_counts"
                 SET "visible" = "visible" + CASE WHEN "board_id" = entering THEN 1 ELSE 0 END - CASE WHEN "board_id" = leaving THEN 1 ELSE 0 END
               WHERE "board_id" = ANY (ARRAY[leaving, entering]);
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER "board_thread_counts_sync" AFTER INSERT OR DELETE OR UPDATE OF "status", "board_id" ON "threads"
            FOR EACH ROW EXECUTE FUNCTION "board_thread_counts_sync"()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "board_thread_counts_sync" ON "threads"`);
        await queryRunner.query(`DROP FUNCTION "board_thread_counts_sync"()`);
        await queryRunner.query(`DROP TRIGGER "board_thread_counts_insert" ON "boards"`);
        await queryRunner.query(`DROP FUNCTION "board_thread_counts_insert"()`);
        await queryRunner.query(`DROP TABLE "board_thread_counts"`);
    }
}
