import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's session version: every session token (JWT) carries the version it was issued under, and a token whose
 * version is not the user's current one is refused. A password change (`changePassword`, `set-password`) adds one,
 * which ends every earlier session at once (decision 0032). Tokens issued before this column existed carry no
 * version and count as 0, so they keep working until the first change.
 */
export class UserSessionVersion1765430000000 implements MigrationInterface {
    name = 'UserSessionVersion1765430000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "users" ADD "session_version" integer NOT NULL DEFAULT 0`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "session_version"`);
    }
}
