import { DataSourceOptions } from 'typeorm';
import { AccessTokenEntity } from '../auth/entities/access-token.entity';
import { LoginFailureEntity } from '../auth/entities/login-failure.entity';
import { UserEntity } from '../users/entities/user.entity';
import { CreateUsersAndAuth1763856000000 } from '../../migrations/1763856000000-CreateUsersAndAuth';

/** Listed explicitly (no globs) so the app, the CLI and the tests load exactly the same set. */
export const ENTITIES = [UserEntity, AccessTokenEntity, LoginFailureEntity];
export const MIGRATIONS = [CreateUsersAndAuth1763856000000];

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    // Failed queries surface as errors where they happen and are logged there, without their parameters.
    logging: ['migration'],
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'evergreen',
    },
  };
}
