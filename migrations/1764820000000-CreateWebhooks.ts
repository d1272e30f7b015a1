import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outgoing webhooks (docs/webhooks.md): endpoints registered by admins, the events enqueued in the
 * transaction of the change they describe, one delivery per (event, endpoint) and the log of every
 * attempt. Read and written with SQL by `src/webhooks/` (claiming with SKIP LOCKED), so no entities.
 */
export class CreateWebhooks1764820000000 implements MigrationInterface {
    name = 'CreateWebhooks1764820000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "webhook_endpoints" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
            "url" text NOT NULL,
            "description" text NOT NULL DEFAULT '',
            "event_types" text[] NOT NULL DEFAULT '{}',
            "secret" text NOT NULL,
            "is_enabled" boolean NOT NULL DEFAULT true,
            "disabled_at" timestamptz,
            "disabled_reason" text,
            "consecutive_failures" integer NOT NULL DEFAULT 0,
            "created_by" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
            "created_at" timestamptz NOT NULL DEFAULT now(),
            "updated_at" timestamptz NOT NULL DEFAULT now())`);
        await queryRunner.query(`CREATE TABLE "webhook_events" (
            "id" uuid NOT NULL PRIMARY KEY,
            "type" text NOT NULL,
            "occurred_at" timestamptz NOT NULL DEFAULT now(),
            "data" jsonb NOT NULL,
            "surrogate_keys" text[] NOT NULL DEFAULT '{}')`);
        await queryRunner.query(`CREATE INDEX "webhook_events_occurred_at_idx" ON "webhook_events" ("occurred_at")`);
        await queryRunner.query(`CREATE TABLE "webhook_deliveries" (
            "id" uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
            "seq" bigserial NOT NULL UNIQUE,
            "event_id" uuid NOT NULL REFERENCES "webhook_events" ("id") ON DELETE CASCADE,
            "endpoint_id" uuid NOT NULL REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE,
            "status" text NOT NULL DEFAULT 'pending' CHECK ("status" IN ('pending', 'succeeded', 'failed')),
            "attempts" integer NOT NULL DEFAULT 0,
            "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
            "last_attempt_at" timestamptz,
            "manual_requested" boolean NOT NULL DEFAULT false,
            "created_at" timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT "webhook_deliveries_event_endpoint_key" UNIQUE ("event_id", "endpoint_id"))`);
        await queryRunner.query(`CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" ("next_attempt_at") WHERE "status" = 'pending'`);
        await queryRunner.query(`CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries" ("endpoint_id", "seq")`);
        await queryRunner.query(`CREATE TABLE "webhook_delivery_attempts" (
            "id" bigserial NOT NULL PRIMARY KEY,
            "delivery_id" uuid NOT NULL REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE,
            "attempt" integer NOT NULL,
            "attempted_at" timestamptz NOT NULL DEFAULT now(),
            "is_manual" boolean NOT NULL DEFAULT false,
            "is_success" boolean NOT NULL,
            "status_code" integer,
            "duration_ms" integer NOT NULL,
            "response_body" text,
            "error" text)`);
        await queryRunner.query(`CREATE INDEX "webhook_delivery_attempts_delivery_idx" ON "webhook_delivery_attempts" ("delivery_id", "id")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "webhook_delivery_attempts"`);
        await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
        await queryRunner.query(`DROP TABLE "webhook_events"`);
        await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
    }
}
