import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Board pages without a join to the question post (issue 12, docs/forum.md "Benchmarks"): `threads.excerpt` holds
 * the first 201 characters of the question's plain text (ForumReadingService shortens it to 200 with an ellipsis).
 * A trigger keeps it in the writing transaction whatever writes the question — asking, editing, staff edits,
 * merges (a question that becomes a reply, or moves, leaves its old thread without an excerpt) and deletions.
 */
export class ThreadExcerpts1764920000000 implements MigrationInterface {
    name = 'ThreadExcerpts1764920000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "threads" ADD "excerpt" text`);
        await queryRunner.query(`UPDATE "threads" t SET "excerpt" = left(q."body_text", 201) FROM "posts" q WHERE q."thread_id" = t."id" AND q."is_question"`);
        await queryRunner.query(`CREATE FUNCTION "threads_excerpt_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP <> 'INSERT' THEN
                IF OLD."is_question" THEN
                  IF TG_OP = 'DELETE' THEN
                    UPDATE "threads" SET "excerpt" = NULL WHERE "id" = OLD."thread_id";
                  ELSIF NOT NEW."is_question" OR NEW."thread_id" <> OLD."thread_id" THEN
                    UPDATE "threads" SET "excerpt" = NULL WHERE "id" = OLD."thread_id";
                  END IF;
                END IF;
              END IF;
              IF TG_OP <> 'DELETE' THEN
                IF NEW."is_question" THEN
                  UPDATE "threads" SET "excerpt" = left(NEW."body_text", 201)
                   WHERE "id" = NEW."thread_id" AND "excerpt" IS DISTINCT FROM left(NEW."body_text", 201);
                END IF;
              END IF;
              RETURN NULL;
            END $$`);
        await queryRunner.query(`CREATE TRIGGER "threads_excerpt_sync" AFTER INSERT OR DELETE OR UPDATE OF "body_text", "is_question", "thread_id" ON "posts"
            FOR EACH ROW EXECUTE FUNCTION "threads_excerpt_sync"()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "threads_excerpt_sync" ON "posts"`);
        await queryRunner.query(`DROP FUNCTION "threads_excerpt_sync"()`);
        await queryRunner.query(`ALTER TABLE "threads" DROP COLUMN "excerpt"`);
    }
}
