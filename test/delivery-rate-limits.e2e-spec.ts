import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp } from './support/create-test-app';

const QUERY = '{ __typename }';
const LIMIT = 20;

interface Answer {
  status: number;
  code: string | null;
  retryAfterSeconds: unknown;
  headers: Record<string, string>;
}

async function ask(t: TestApp, options: { ip?: string; key?: string; method?: 'GET' | 'POST' } = {}): Promise<Answer> {
  const req = options.method === 'GET' ? t.http().get('/graphql').query({ query: QUERY }) : t.http().post('/graphql').send({ query: QUERY });
  if (options.ip) req.set('x-forwarded-for', options.ip);
  if (options.key) req.set('x-api-key', options.key);
  const res = await req;
  const error = res.body?.errors?.[0];
  return { status: res.status, code: error?.extensions?.code ?? null, retryAfterSeconds: error?.extensions?.retryAfterSeconds, headers: res.headers };
}

function statuses(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

async function burst(count: number, send: () => Promise<Answer>): Promise<Answer[]> {
  return Promise.all(Array.from({ length: count }, send));
}

let address = 0;
/** A client address no other case uses (TRUST_PROXY: the address comes from X-Forwarded-For). */
function newAddress(): string {
  address += 1;
  return `198.51.100.${address}`;
}

async function createKey(t: TestApp, rateLimit: number | null = null): Promise<string> {
  const token = await t.login(await t.createUser({ role: Role.Admin }));
  const res = await t
    .admin(token)
    .send('mutation ($input: CreateDeliveryApiKeyInput!) { createDeliveryApiKey(input: $input) { key } }', { input: { label: 'Front end', rateLimit } });
  return res.data!.createDeliveryApiKey.key as string;
}

describe('delivery rate limits, counted in memory (no REDIS_URL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_IP: String(LIMIT), RATE_LIMIT_PER_KEY: '5', RATE_LIMIT_WINDOW_SECONDS: '60', TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  it('lets exactly the limit through when 50 requests arrive at once; the rest get 429 RATE_LIMITED with Retry-After', async () => {
    const ip = newAddress();
    const answers = await burst(50, () => ask(t, { ip }));
    expect(statuses(answers)).toEqual({ 200: LIMIT, 429: 50 - LIMIT });
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.code).toBe('RATE_LIMITED');
    expect(refused.retryAfterSeconds).toEqual(expect.any(Number));
    expect(refused.retryAfterSeconds as number).toBeGreaterThanOrEqual(1);
    expect(refused.headers['retry-after']).toBe(String(refused.retryAfterSeconds));
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('sends the RateLimit headers on every counted answer, GET and POST alike', async () => {
    const ip = newAddress();
    const first = await ask(t, { ip, method: 'GET' });
    const second = await ask(t, { ip });
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({ 'ratelimit-limit': String(LIMIT), 'ratelimit-remaining': String(LIMIT - 1), 'ratelimit-policy': `${LIMIT};w=60` });
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(59);
    expect(second.headers['ratelimit-remaining']).toBe(String(LIMIT - 2));
    expect(first.headers['retry-after']).toBeUndefined();
  });

  it('counts each client address on its own', async () => {
    const a = newAddress();
    await burst(LIMIT, () => ask(t, { ip: a }));
    expect((await ask(t, { ip: a })).status).toBe(429);
    expect((await ask(t, { ip: newAddress() })).status).toBe(200);
  });

  it('counts a key on its own, with the default limit for keys or its own', async () => {
    const ip = newAddress();
    const defaultKey = await createKey(t);
    const ownLimitKey = await createKey(t, 8);
    // One request each first: a key's first lookup also counts against the address (see the next case).
    expect((await ask(t, { ip, key: defaultKey })).headers['ratelimit-limit']).toBe('5');
    expect((await ask(t, { ip, key: ownLimitKey })).headers['ratelimit-limit']).toBe('8');
    expect(statuses(await burst(12, () => ask(t, { ip, key: defaultKey })))).toEqual({ 200: 4, 429: 8 });
    expect(statuses(await burst(12, () => ask(t, { ip, key: ownLimitKey })))).toEqual({ 200: 7, 429: 5 });
    // Keyed requests count against their key only; the address paid just for the first lookup of each key.
    expect((await ask(t, { ip })).headers['ratelimit-remaining']).toBe(String(LIMIT - 3));
  });

  it('counts lookups of unknown keys against the address, so random keys cannot reach the database without limit', async () => {
    const ip = newAddress();
    const answers = [];
    for (let i = 0; i < LIMIT + 3; i += 1) answers.push(await ask(t, { ip, key: `egk_random-${i}` }));
    expect(answers.map((a) => a.status)).toEqual([...Array<number>(LIMIT).fill(401), 429, 429, 429]);
    const { queries } = await t.countQueries(() => ask(t, { ip, key: 'egk_yet-another' }));
    expect(queries).toEqual([]);
  });

  it('does not limit the admin API', async () => {
    const ip = newAddress();
    const answers = await Promise.all(Array.from({ length: LIMIT + 5 }, () => t.http().post('/admin/graphql').set('x-forwarded-for', ip).send({ query: QUERY })));
    expect(answers.every((res) => res.status === 200 && res.headers['ratelimit-limit'] === undefined)).toBe(true);
  });
});

describe('the search limit (keyless searches per address, within the request limit)', () => {
  const SEARCH_LIMIT = 3;
  const SEARCH = 'query ($text: String!) { search(input: { text: $text }) { total } }';
  const SUGGEST = 'query ($text: String!) { suggestArticles(input: { text: $text }) { suggestionId } }';
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_IP: '100', RATE_LIMIT_PER_KEY: '100', SEARCH_RATE_LIMIT_PER_IP: String(SEARCH_LIMIT), TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  async function searchAs(ip: string, query: string, i: number, key?: string): Promise<{ code: string | null; retryAfterSeconds: unknown }> {
    const req = t.http().post('/graphql').set('x-forwarded-for', ip).send({ query, variables: { text: `how do I export invoices ${i}` } });
    if (key) req.set('x-api-key', key);
    const res = await req;
    const error = res.body.errors?.[0];
    return { code: error?.extensions?.code ?? null, retryAfterSeconds: error?.extensions?.retryAfterSeconds };
  }

  it('lets exactly the search limit through when searches and suggestions arrive at once, and leaves other reads alone', async () => {
    const ip = newAddress();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => searchAs(ip, i % 2 ? SUGGEST : SEARCH, i)));
    expect(answers.filter((a) => a.code === null)).toHaveLength(SEARCH_LIMIT);
    const refused = answers.filter((a) => a.code === 'RATE_LIMITED');
    expect(refused).toHaveLength(12 - SEARCH_LIMIT);
    for (const answer of refused) expect(answer.retryAfterSeconds).toEqual(expect.any(Number));
    expect((await ask(t, { ip })).status).toBe(200);
    expect((await searchAs(newAddress(), SEARCH, 99)).code).toBeNull();
  });

  it('does not hold back requests with an API key (their key has its own limit)', async () => {
    const ip = newAddress();
    const key = await createKey(t);
    const answers = await Promise.all(Array.from({ length: 2 * SEARCH_LIMIT }, (_, i) => searchAs(ip, SEARCH, i, key)));
    expect(answers.map((a) => a.code)).toEqual(Array(2 * SEARCH_LIMIT).fill(null));
  });
});

describe('delivery rate limits without TRUST_PROXY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_IP: '3' });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For: every request counts against the connecting address', async () => {
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await ask(t, { ip: newAddress() }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
  });
});

describe('delivery rate limits shared through Redis', () => {
  const prefix = `evergreen-test-${randomBytes(4).toString('hex')}:`;
  const env = { RATE_LIMIT_PER_IP: String(LIMIT), TRUST_PROXY: 'true', REDIS_URL: 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: prefix };
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp(env);
    second = await createTestApp(env, { database: { name: first.databaseName, url: first.databaseUrl } });
  });
  afterAll(async () => {
    await second.stop();
    await first.close();
  });

  it('lets exactly the limit through when 50 requests arrive at once', async () => {
    const ip = newAddress();
    const answers = await burst(50, () => ask(first, { ip }));
    expect(statuses(answers)).toEqual({ 200: LIMIT, 429: 50 - LIMIT });
    expect(answers.find((a) => a.status === 429)!.code).toBe('RATE_LIMITED');
    // Counted in Redis, not in the instance's memory.
    const redis = new Redis('redis://127.0.0.1:6379/0');
    try {
      expect(await redis.get(`${prefix}rl:ip:${ip}`)).toBe('50');
    } finally {
      redis.disconnect();
    }
  });

  it('counts the requests of two instances together', async () => {
    const ip = newAddress();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => ask(i % 2 === 0 ? first : second, { ip })));
    expect(statuses(answers)).toEqual({ 200: LIMIT, 429: 40 - LIMIT });
    expect((await ask(second, { ip })).headers['ratelimit-remaining']).toBe('0');
  });
});

describe('delivery rate limits when Redis is unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1.
    t = await createTestApp({ RATE_LIMIT_PER_IP: '5', TRUST_PROXY: 'true', REDIS_URL: 'redis://127.0.0.1:1/0' });
  });
  afterAll(() => t.close());

  it('keeps answering and limits per instance (in memory) instead', async () => {
    const ip = newAddress();
    const answers = await burst(8, () => ask(t, { ip }));
    expect(statuses(answers)).toEqual({ 200: 5, 429: 3 });
    expect(answers.find((a) => a.status === 200)!.headers['ratelimit-limit']).toBe('5');
  });
});
