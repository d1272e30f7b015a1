import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildClientSchema, getIntrospectionQuery, IntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { createTestApp, TestApp } from './support/create-test-app';

const SCHEMA_DIR = path.join(__dirname, '..', 'docs', 'schema');
const UPDATE = process.env.UPDATE_SCHEMA === '1';

/** Personal data and unpublished-content types that must never be reachable from the delivery API. */
const NEVER_IN_DELIVERY = /^Admin|^Role$|AccessToken/;

describe('committed SDL of both schemas', () => {
  let t: TestApp;
  const sdl: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    for (const [name, client] of [
      ['delivery', t.delivery()],
      ['admin', t.admin()],
    ] as const) {
      const res = await client.send<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true }));
      sdl[name] = `${printSchema(lexicographicSortSchema(buildClientSchema(res.data!)))}\n`;
    }
  });
  afterAll(() => t.close());

  it.each(['delivery', 'admin'])('docs/schema/%s.graphql matches the running schema (UPDATE_SCHEMA=1 npm run schema:update rewrites it)', (name) => {
    const file = path.join(SCHEMA_DIR, `${name}.graphql`);
    if (UPDATE) writeFileSync(file, sdl[name]);
    expect(existsSync(file)).toBe(true);
    expect(sdl[name]).toBe(readFileSync(file, 'utf8'));
  });

  it('keeps admin types and personal data of other users out of the delivery schema', () => {
    const typeNames = [...sdl.delivery.matchAll(/^(?:type|input|enum|interface|union|scalar) (\w+)/gm)].map((m) => m[1]);
    expect(typeNames.filter((name) => NEVER_IN_DELIVERY.test(name))).toEqual([]);
    expect(sdl.delivery).not.toMatch(/createUser|accessTokens|passwordHash|deactivat/);
  });

  it('keeps delivery-only operations out of the admin schema', () => {
    expect(sdl.admin).not.toMatch(/signUp|type Viewer/);
  });
});
