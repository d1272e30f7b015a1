import { InvalidConfigError, loadConfig, parseTrustProxy } from './load-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('has safe defaults for a first run', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, bodyLimitBytes: 2 * 1024 * 1024, trustProxy: false, requestTimeoutSeconds: 120 });
    expect(config.database.url).toBeUndefined();
    expect(config.auth.jwtSecret).toBeUndefined();
    expect(config.graphql.ide).toBe(true);
  });

  it('allows browsers on localhost outside production, no origin in production, and exactly the listed ones when set', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(32) };
    expect(loadConfig({}).corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']);
    expect(loadConfig(production).corsOrigins).toEqual([]);
    expect(loadConfig({ ...production, CORS_ORIGINS: ' https://help.example.com ,https://*.example.com,' }).corsOrigins).toEqual([
      'https://help.example.com',
      'https://*.example.com',
    ]);
    expect(loadConfig({ CORS_ORIGINS: 'none' }).corsOrigins).toEqual([]);
  });

  it('logs readable lines in development and JSON elsewhere unless LOG_FORMAT says otherwise', () => {
    expect(loadConfig({}).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(32) }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it('keeps at least two pooled connections: background indexing holds one while it writes through another', () => {
    expect(loadConfig({ DB_POOL_SIZE: '2', DB_POOL_ACQUIRE_TIMEOUT_MS: '250' }).database).toMatchObject({ poolSize: 2, acquireTimeoutMs: 250 });
    expect(() => loadConfig({ DB_POOL_SIZE: '1' })).toThrow(/DB_POOL_SIZE: must be at least 2: background indexing/);
    expect(() => loadConfig({ DB_POOL_ACQUIRE_TIMEOUT_MS: '0' })).toThrow(/DB_POOL_ACQUIRE_TIMEOUT_MS/);
  });

  it('reads and converts values', () => {
    const config = loadConfig({ PORT: '8080', SEED_DEMO: 'false', DEMO_ADMIN_EMAIL: 'Boss@Example.test', NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(32) });
    expect(config.http.port).toBe(8080);
    expect(config.demo.seed).toBe(false);
    expect(config.demo.adminEmail).toBe('boss@example.test');
    expect(config.nodeEnv).toBe('production');
    expect(config.graphql.ide).toBe(false);
  });

  it('runs the staleness scan every minute by default, on another schedule or never', () => {
    expect(loadConfig({}).jobs.stalenessScanSeconds).toBe(60);
    expect(loadConfig({ STALENESS_SCAN_SECONDS: '300' }).jobs.stalenessScanSeconds).toBe(300);
    expect(loadConfig({ STALENESS_SCAN_SECONDS: '0' }).jobs.stalenessScanSeconds).toBe(0);
  });

  it.each([
    [{ PORT: '70000' }, /^PORT: /],
    [{ PORT: '3.5' }, /^PORT: /],
    [{ NODE_ENV: 'prod' }, /^NODE_ENV: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ LOG_FORMAT: 'xml' }, /^LOG_FORMAT: /],
    [{ CORS_ORIGINS: 'https://ok.example.com, help.example.com' }, /^CORS_ORIGINS: "help.example.com" is not an origin/],
    [{ CORS_ORIGINS: 'https://example.com/path' }, /^CORS_ORIGINS: /],
    [{ DATABASE_URL: 'mysql://localhost/x' }, /^DATABASE_URL: /],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET: .*32 characters/],
    [{ NODE_ENV: 'production' }, /^JWT_SECRET: must be set/],
    [{ DEMO_ADMIN_EMAIL: 'nope' }, /^DEMO_ADMIN_EMAIL: /],
    [{ SEED_DEMO: 'maybe' }, /^SEED_DEMO: /],
    [{ STALENESS_SCAN_SECONDS: '-1' }, /^STALENESS_SCAN_SECONDS: /],
    [{ STALENESS_SCAN_SECONDS: 'hourly' }, /^STALENESS_SCAN_SECONDS: /],
    [{ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(32), SEED_DEMO: 'true' }, /^SEED_DEMO: .*never seeded .*create-admin/],
    [{ SECRETS_ENCRYPTION_KEY: 'not-a-key' }, /^SECRETS_ENCRYPTION_KEY: .*32 bytes/],
    [{ SECRETS_ENCRYPTION_KEY: `${'ab'.repeat(32)},${'cd'.repeat(16)}` }, /^SECRETS_ENCRYPTION_KEY: /],
  ])('refuses %j naming the variable', (env, pattern) => {
    expect(problemsOf(env)).toEqual([expect.stringMatching(pattern)]);
  });

  it('seeds the demo outside production only, unless told otherwise', () => {
    expect(loadConfig({}).demo.seed).toBe(true);
    expect(loadConfig({ SEED_DEMO: 'false' }).demo.seed).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(32) }).demo.seed).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(32), SEED_DEMO: 'false' }).demo.seed).toBe(false);
  });

  it('never echoes a secret in its messages', () => {
    expect(problemsOf({ JWT_SECRET: 'tiny-secret' }).join()).not.toContain('tiny-secret');
    expect(problemsOf({ SECRETS_ENCRYPTION_KEY: 'tiny-key-material' }).join()).not.toContain('tiny-key-material');
  });

  it('reads the keys that seal stored secrets, the first one sealing', () => {
    const first = 'ab'.repeat(32);
    const second = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ SECRETS_ENCRYPTION_KEY: ` ${first} , ${second},` }).secretsEncryptionKeys).toEqual([Buffer.from(first, 'hex'), Buffer.alloc(32, 7)]);
    expect(loadConfig({}).secretsEncryptionKeys).toEqual([]);
  });

  it('reads TRUST_PROXY as off, every hop, or the proxies to believe; refuses anything else, hop counts included', () => {
    const parsed = (value: string | undefined): { value: unknown; problems: string[] } => {
      const problems: string[] = [];
      return { value: parseTrustProxy(value, problems), problems };
    };
    expect(parsed(undefined)).toEqual({ value: false, problems: [] });
    expect(parsed('false')).toEqual({ value: false, problems: [] });
    expect(parsed('0')).toEqual({ value: false, problems: [] });
    expect(parsed('TRUE')).toEqual({ value: true, problems: [] });
    expect(parsed('1')).toEqual({ value: true, problems: [] });
    expect(parsed(' 10.0.0.0/8, 127.0.0.1 ,::1,fd00::/8,loopback ')).toEqual({ value: ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback'], problems: [] });
    for (const bad of ['2', '10.0.0.0/33', '::1/129', 'proxy.internal', '10.0.0.0/8/1', '999.1.1.1']) {
      expect(parsed(bad).value).toBe(false);
      expect(parsed(bad).problems).toEqual([expect.stringMatching(/^TRUST_PROXY: .* is not true, false, or the proxies' addresses/)]);
    }
    expect(() => loadConfig({ TRUST_PROXY: 'some-host' })).toThrow(InvalidConfigError);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1' }).http.trustProxy).toEqual(['127.0.0.1']);
  });
});
