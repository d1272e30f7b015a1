import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mentions look members up by their normalized display name (src/forum/notifications/forum-notifications.service.ts:
 * lower case, trimmed, inner whitespace collapsed). Without an index that is a scan of every user with a regular
 * expression per row: 37 ms with 20,000 members, on every visible post that contains an `@` (bench/results/forum.md).
 * The index holds the very expression, so the lookup is an index scan.
 */
export class MemberNameLookupIndex1764860002000 implements MigrationInterface {
    name = 'MemberNameLookupIndex1764860002000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "users_display_name_key_idx" ON "users" (lower(regexp_replace(btrim("display_name"), '\\s+', ' ', 'g')))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."users_display_name_key_idx"`);
    }
}
