import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rotated webhook signing secret may stay valid for a while (docs/webhooks.md "Rotating a secret"): deliveries
 * are then signed with the new and the previous secret until `previous_secret_expires_at`, so a receiver can switch
 * secrets without rejecting a delivery. Both columns are set or cleared together.
 */
export class WebhookSecretOverlap1765200000000 implements MigrationInterface {
    name = 'WebhookSecretOverlap1765200000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" ADD "previous_secret" text, ADD "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
            ADD CONSTRAINT "webhook_endpoints_previous_secret_check" CHECK (("previous_secret" IS NULL) = ("previous_secret_expires_at" IS NULL))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "webhook_endpoints_previous_secret_check", DROP COLUMN "previous_secret_expires_at", DROP COLUMN "previous_secret"`);
    }
}
