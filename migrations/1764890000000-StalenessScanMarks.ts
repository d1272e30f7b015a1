import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Incremental scheduled scans (docs/staleness.md, "Scan cost"): a detector over the whole catalogue keeps
 * the time from which it must look again, and reads only articles changed since (articles.updated_at is
 * bumped by every recorded change).
 */
export class StalenessScanMarks1764890000000 implements MigrationInterface {
    name = 'StalenessScanMarks1764890000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "staleness_scan_marks" (
            "detector" text NOT NULL PRIMARY KEY,
            "changed_since" timestamptz NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "articles_updated_at_idx" ON "articles" ("updated_at")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "articles_updated_at_idx"`);
        await queryRunner.query(`DROP TABLE "staleness_scan_marks"`);
    }
}
