import { MigrationInterface, QueryRunner } from 'typeorm';
import { outlineOfHtml, readingTimeMinutes } from '../src/articles/content/article-outline';

const BACKFILL_BATCH = 500;

/**
 * Delivery schema ergonomics (docs/decisions/0013-delivery-schema-ergonomics.md):
 * - per revision, the table of contents (`outline`: level, text, anchor) and `reading_time_minutes`, computed
 *   when a revision is written; existing revisions are backfilled from their stored HTML and text;
 * - SEO: an Open Graph image per revision, a robots directive per article and per category, and SEO title,
 *   description and Open Graph image per category translation.
 */
export class DeliverySeoAndOutline1764810000000 implements MigrationInterface {
    name = 'DeliverySeoAndOutline1764810000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "article_revisions" ADD "outline" jsonb NOT NULL DEFAULT '[]'`);
        await queryRunner.query(`ALTER TABLE "article_revisions" ADD "reading_time_minutes" integer NOT NULL DEFAULT 1`);
        await queryRunner.query(`ALTER TABLE "article_revisions" ADD "og_image_url" text`);
        await queryRunner.query(`ALTER TABLE "articles" ADD "robots" text`);
        await queryRunner.query(`ALTER TABLE "categories" ADD "robots" text`);
        await queryRunner.query(`ALTER TABLE "category_translations" ADD "seo_title" text`);
        await queryRunner.query(`ALTER TABLE "category_translations" ADD "seo_description" text`);
        await queryRunner.query(`ALTER TABLE "category_translations" ADD "og_image_url" text`);
        let after = '00000000-0000-0000-0000-000000000000';
        for (;;) {
            const rows: { id: string; body_html: string; body_text: string }[] = await queryRunner.query(
                `SELECT id, body_html, body_text FROM article_revisions WHERE id > $1 ORDER BY id LIMIT ${BACKFILL_BATCH}`,
                [after],
            );
            if (rows.length === 0) break;
            await queryRunner.query(
                `UPDATE article_revisions r SET outline = v.outline, reading_time_minutes = v.minutes
                 FROM unnest($1::uuid[], $2::jsonb[], $3::int[]) AS v(id, outline, minutes) WHERE r.id = v.id`,
                [
                    rows.map((row) => row.id),
                    rows.map((row) => JSON.stringify(outlineOfHtml(row.body_html))),
                    rows.map((row) => readingTimeMinutes(row.body_text)),
                ],
            );
            after = rows[rows.length - 1].id;
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "category_translations" DROP COLUMN "og_image_url"`);
        await queryRunner.query(`ALTER TABLE "category_translations" DROP COLUMN "seo_description"`);
        await queryRunner.query(`ALTER TABLE "category_translations" DROP COLUMN "seo_title"`);
        await queryRunner.query(`ALTER TABLE "categories" DROP COLUMN "robots"`);
        await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "robots"`);
        await queryRunner.query(`ALTER TABLE "article_revisions" DROP COLUMN "og_image_url"`);
        await queryRunner.query(`ALTER TABLE "article_revisions" DROP COLUMN "reading_time_minutes"`);
        await queryRunner.query(`ALTER TABLE "article_revisions" DROP COLUMN "outline"`);
    }
}
