import { MigrationInterface, QueryRunner } from 'typeorm';
import PgBoss from 'pg-boss';

/**
 * The job queue's schema (`pgboss`), as the pinned pg-boss creates it. Later pg-boss versions upgrade it
 * themselves at start (JobRunner: `migrate: true`, under pg-boss's advisory lock). pg-boss's script runs its
 * own transaction, so this migration runs outside TypeORM's.
 */
export class CreateJobQueue1764288000000 implements MigrationInterface {
    name = 'CreateJobQueue1764288000000'
    transaction = false

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(PgBoss.getConstructionPlans('pgboss'));
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP SCHEMA IF EXISTS "pgboss" CASCADE`);
    }
}
