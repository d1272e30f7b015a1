import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/load-config';
import { AppConfig } from '../../src/config/app-config';
import { UserEntity } from '../../src/users/entities/user.entity';
import { Role } from '../../src/users/role.enum';
import { UsersService } from '../../src/users/users.service';
import { cloneTemplateDatabase, dropDatabase } from './test-database';
import { currentBackgroundTask, trackBackgroundWork } from '../../src/common/background-work';

// countQueries() leaves out what background jobs run meanwhile: they are tagged only when asked.
trackBackgroundWork();

export interface GraphqlError {
  message: string;
  path?: string[];
  extensions: { code: string; [key: string]: unknown };
}

export interface GraphqlResponse<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: GraphqlError[];
  headers: Record<string, string>;
}

export class GraphqlClient {
  constructor(
    private readonly app: NestFastifyApplication,
    private readonly path: string,
    private readonly token?: string,
  ) {}

  async send<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>> {
    const req = request(this.app.getHttpServer()).post(this.path).set('content-type', 'application/json');
    if (this.token) req.set('authorization', `Bearer ${this.token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body?.data ?? null, errors: res.body?.errors, headers: res.headers };
  }
}

export interface TestUser {
  user: UserEntity;
  password: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataSource: DataSource;
  databaseName: string;
  databaseUrl: string;
  delivery(token?: string): GraphqlClient;
  admin(token?: string): GraphqlClient;
  http(): request.Agent;
  createUser(options?: { role?: Role; email?: string; password?: string; displayName?: string }): Promise<TestUser>;
  /** A session token through the real login mutation of the matching API. */
  login(user: TestUser): Promise<string>;
  /** How many SQL statements the app ran during `fn` (every query through TypeORM's query runners). */
  countQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: string[] }>;
  close(): Promise<void>;
  /** Stops the app but keeps its database, for a later createTestApp({ database }) (a restart). */
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /** Reuse the database of an earlier, stopped test app instead of cloning a new one. */
  database?: { name: string; url: string };
}

let userCounter = 0;

/** The real AppModule on Fastify, with its own database cloned from the migrated template. */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await cloneTemplateDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DB_POOL_SIZE: '5',
    ...env,
  });
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const users = app.get(UsersService);

  const t: TestApp = {
    app,
    config,
    dataSource: app.get(DataSource),
    databaseName: database.name,
    databaseUrl: database.url,
    delivery: (token) => new GraphqlClient(app, '/graphql', token),
    admin: (token) => new GraphqlClient(app, '/admin/graphql', token),
    http: () => request.agent(app.getHttpServer()),
    async createUser(options = {}) {
      userCounter += 1;
      const password = options.password ?? `password-${randomBytes(6).toString('hex')}`;
      const user = await users.create({
        email: options.email ?? `user${userCounter}-${randomBytes(3).toString('hex')}@example.test`,
        displayName: options.displayName ?? `User ${userCounter}`,
        password,
        role: options.role ?? Role.Member,
      });
      return { user, password };
    },
    async login({ user, password }) {
      const isMember = user.role === Role.Member;
      const client = isMember ? t.delivery() : t.admin();
      const res = await client.send(
        `mutation ($input: ${isMember ? 'LoginInput' : 'AdminLoginInput'}!) { login(input: $input) { accessToken } }`,
        { input: { email: user.email, password } },
      );
      const token = res.data?.login?.accessToken;
      if (!token) throw new Error(`login failed: ${JSON.stringify(res.errors)}`);
      return token;
    },
    async countQueries(fn) {
      const dataSource = app.get(DataSource);
      const logger = dataSource.logger;
      const queries: string[] = [];
      const counting = Object.create(logger) as typeof logger;
      counting.logQuery = (query: string) => {
        if (currentBackgroundTask() === undefined && !/^(START TRANSACTION|COMMIT|ROLLBACK)/.test(query)) queries.push(query);
      };
      Object.assign(dataSource, { logger: counting });
      try {
        return { result: await fn(), queries };
      } finally {
        Object.assign(dataSource, { logger });
      }
    },
    async close() {
      await app.close();
      await dropDatabase(database.name);
    },
    async stop() {
      await app.close();
    },
  };
  return t;
}
