import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spelling correction reads `search_vocabulary` through its trigram GIN index (docs/search.md, "Did you mean").
 * With GIN's fast update, newly added words wait in a pending list that every lookup scans in full and that the
 * planner prices as such, so after a bulk load it preferred scanning the whole table. Words are added in small
 * sorted batches of new words only, so they now go straight into the index; the pending list is merged once.
 */
export class SearchVocabularyTrigramIndex1764510000000 implements MigrationInterface {
    name = 'SearchVocabularyTrigramIndex1764510000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER INDEX "search_vocabulary_trgm_idx" SET (fastupdate = off)`);
        await queryRunner.query(`SELECT gin_clean_pending_list('search_vocabulary_trgm_idx'::regclass)`);
        await queryRunner.query(`ALTER TABLE "search_vocabulary" ADD COLUMN "seen_at" timestamptz NOT NULL DEFAULT now()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "search_vocabulary" DROP COLUMN "seen_at"`);
        await queryRunner.query(`ALTER INDEX "search_vocabulary_trgm_idx" RESET (fastupdate)`);
    }
}
