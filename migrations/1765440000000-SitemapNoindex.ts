import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sitemaps leave out articles whose robots directive says noindex; their number is subtracted from the maintained
 * per-category counts for the sitemap's totalCount. Few articles are noindex, so a partial index finds them without
 * reading every article.
 */
export class SitemapNoindex1765440000000 implements MigrationInterface {
    name = 'SitemapNoindex1765440000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "articles_noindex_idx" ON "articles" ("id") WHERE "robots" LIKE 'noindex%'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "articles_noindex_idx"`);
    }
}
