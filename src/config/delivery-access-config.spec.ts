import { InvalidConfigError, loadConfig } from './load-config';

const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };

describe('delivery access configuration', () => {
  it('has safe defaults: keys optional, per-address limit in production only, counters in memory', () => {
    expect(loadConfig({}).deliveryAccess).toEqual({
      apiKeys: 'optional',
      windowSeconds: 60,
      perIp: 0,
      searchPerIp: 0,
      perKey: 6000,
      redisUrl: undefined,
      redisKeyPrefix: 'evergreen:',
      persistedQueryEntries: 2000,
    });
    expect(loadConfig(production).deliveryAccess.perIp).toBe(600);
    expect(loadConfig(production).deliveryAccess.searchPerIp).toBe(120);
    expect(loadConfig({ ...production, RATE_LIMIT_PER_IP: '0' }).deliveryAccess.perIp).toBe(0);
    expect(loadConfig({ ...production, SEARCH_RATE_LIMIT_PER_IP: '0' }).deliveryAccess.searchPerIp).toBe(0);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DELIVERY_API_KEYS: 'required',
      RATE_LIMIT_WINDOW_SECONDS: '10',
      RATE_LIMIT_PER_IP: '50',
      RATE_LIMIT_PER_KEY: '500',
      SEARCH_RATE_LIMIT_PER_IP: '30',
      REDIS_URL: 'redis://:secret@redis.internal:6379/2',
      REDIS_KEY_PREFIX: 'help:',
      PERSISTED_QUERY_ENTRIES: '0',
    });
    expect(config.deliveryAccess).toEqual({
      apiKeys: 'required',
      windowSeconds: 10,
      perIp: 50,
      searchPerIp: 30,
      perKey: 500,
      redisUrl: 'redis://:secret@redis.internal:6379/2',
      redisKeyPrefix: 'help:',
      persistedQueryEntries: 0,
    });
  });

  it.each([
    ['DELIVERY_API_KEYS', 'always'],
    ['RATE_LIMIT_WINDOW_SECONDS', '0'],
    ['RATE_LIMIT_PER_IP', '-1'],
    ['SEARCH_RATE_LIMIT_PER_IP', '-1'],
    ['RATE_LIMIT_PER_KEY', 'lots'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['REDIS_KEY_PREFIX', 'has space'],
    ['PERSISTED_QUERY_ENTRIES', '-5'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(InvalidConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('does not print a Redis URL (it may hold a password)', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@127.0.0.1' })).toThrow(/REDIS_URL: .*a hidden value/);
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@127.0.0.1' })).not.toThrow(/hunter2/);
  });
});
