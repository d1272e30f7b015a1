import { MigrationInterface, QueryRunner } from 'typeorm';

/** What the public last saw of each indexed document, so index writes that change nothing public keep search caches. */
export class SearchPublicFingerprints1764201600000 implements MigrationInterface {
    name = 'SearchPublicFingerprints1764201600000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "search_public_fingerprints" ("key" text PRIMARY KEY, "fingerprint" text NOT NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "search_public_fingerprints"`);
    }
}
