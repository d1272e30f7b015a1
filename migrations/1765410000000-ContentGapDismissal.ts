import { MigrationInterface, QueryRunner } from 'typeorm';

/** Why a content gap was dismissed (`dismissContentGap`, or the recurring-questions rule when its cluster found an article). */
export class ContentGapDismissal1765410000000 implements MigrationInterface {
    name = 'ContentGapDismissal1765410000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "content_gaps" ADD "close_reason" text`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "content_gaps" DROP COLUMN "close_reason"`);
    }
}
