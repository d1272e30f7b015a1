import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { AppConfig } from './app-config';
import { decodeEncryptionKey } from '../common/crypto/secret-box';
import { parseCorsOrigin } from '../common/http/cors';
import { EnvironmentVariables, environmentVariableNames } from './env.schema';

/** Origins allowed when CORS_ORIGINS is unset outside production: any port on this machine. */
export const DEVELOPMENT_CORS_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

/** Reads and validates the environment; throws InvalidConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const provided: Record<string, string> = {};
  for (const name of environmentVariableNames()) {
    const value = env[name];
    if (value !== undefined && value !== '') provided[name] = value;
  }
  const vars = plainToInstance(EnvironmentVariables, provided);
  const problems = validateSync(vars, { forbidUnknownValues: true }).flatMap(describeProblem);
  if (vars.NODE_ENV === 'production' && !vars.JWT_SECRET) {
    problems.push('JWT_SECRET: must be set when NODE_ENV is production');
  }
  if (vars.NODE_ENV === 'production' && vars.SEED_DEMO === true) {
    problems.push(
      'SEED_DEMO: the demo data (accounts with a documented password) is never seeded when NODE_ENV is production; ' +
        'unset SEED_DEMO and create the first admin with `npm run cli -- create-admin --email <email>`',
    );
  }
  if (vars.DATABASE_URL && !/^postgres(ql)?:\/\//.test(vars.DATABASE_URL)) {
    problems.push('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  }
  const locales = parseLocales(vars, problems);
  const corsOrigins = parseCorsOrigins(vars, problems);
  const trustProxy = parseTrustProxy(vars.TRUST_PROXY, problems);
  const secretsEncryptionKeys = parseEncryptionKeys(vars, problems);
  if (vars.NODE_ENV === 'production' && vars.METRICS === 'on' && !vars.METRICS_TOKEN) {
    problems.push('METRICS: /metrics is not served unauthenticated in production; set METRICS_TOKEN');
  }
  if (vars.SEARCH_ENGINE === 'meilisearch' && !vars.MEILI_HOST) problems.push('SEARCH_ENGINE: meilisearch needs MEILI_HOST');
  if (vars.ASSET_STORAGE === 's3' && !vars.S3_BUCKET) problems.push('ASSET_STORAGE: s3 needs S3_BUCKET');
  if (problems.length > 0) throw new InvalidConfigError(problems);

  return {
    nodeEnv: vars.NODE_ENV,
    http: { host: vars.HOST, port: vars.PORT, bodyLimitBytes: vars.BODY_LIMIT_BYTES, trustProxy, requestTimeoutSeconds: vars.HTTP_REQUEST_TIMEOUT_SECONDS },
    database: { url: vars.DATABASE_URL, poolSize: vars.DB_POOL_SIZE, acquireTimeoutMs: vars.DB_POOL_ACQUIRE_TIMEOUT_MS, embeddedPort: vars.EMBEDDED_PG_PORT },
    dataDir: path.resolve(vars.DATA_DIR),
    auth: {
      jwtSecret: vars.JWT_SECRET,
      accessTokenTtlSeconds: vars.ACCESS_TOKEN_TTL_SECONDS,
      loginMaxFailuresPerAccount: vars.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      loginMaxFailuresPerIp: vars.LOGIN_MAX_FAILURES_PER_IP,
      loginFailureWindowSeconds: vars.LOGIN_FAILURE_WINDOW_SECONDS,
      signUpMaxPerIp: vars.SIGNUP_MAX_PER_IP,
      signUpWindowSeconds: vars.SIGNUP_WINDOW_SECONDS,
    },
    demo: {
      seed: vars.SEED_DEMO ?? vars.NODE_ENV !== 'production',
      adminEmail: vars.DEMO_ADMIN_EMAIL.toLowerCase(),
      adminPassword: vars.DEMO_ADMIN_PASSWORD,
    },
    logLevel: vars.LOG_LEVEL,
    logFormat: vars.LOG_FORMAT ?? (vars.NODE_ENV === 'development' ? 'pretty' : 'json'),
    corsOrigins,
    graphql: {
      maxDepth: vars.GRAPHQL_MAX_DEPTH,
      maxCost: vars.GRAPHQL_MAX_COST,
      maxAliases: vars.GRAPHQL_MAX_ALIASES,
      maxTokens: vars.GRAPHQL_MAX_TOKENS,
      websocketMaxPerIp: vars.WEBSOCKET_MAX_PER_IP,
      introspection: vars.GRAPHQL_INTROSPECTION ?? (vars.NODE_ENV === 'production' ? 'staff' : 'on'),
      ide: vars.GRAPHIQL && vars.NODE_ENV !== 'production',
    },
    deliveryAccess: {
      apiKeys: vars.DELIVERY_API_KEYS,
      windowSeconds: vars.RATE_LIMIT_WINDOW_SECONDS,
      perIp: vars.RATE_LIMIT_PER_IP ?? (vars.NODE_ENV === 'production' ? 600 : 0),
      searchPerIp: vars.SEARCH_RATE_LIMIT_PER_IP ?? (vars.NODE_ENV === 'production' ? 120 : 0),
      perKey: vars.RATE_LIMIT_PER_KEY,
      redisUrl: vars.REDIS_URL,
      redisKeyPrefix: vars.REDIS_KEY_PREFIX,
      persistedQueryEntries: vars.PERSISTED_QUERY_ENTRIES,
    },
    locales,
    articles: {
      defaultReviewIntervalDays: vars.DEFAULT_REVIEW_INTERVAL_DAYS,
      requireSeparateApprover: vars.REQUIRE_SEPARATE_APPROVER,
      scheduledPublishPollSeconds: vars.SCHEDULED_PUBLISH_POLL_SECONDS,
      deliveryCacheEntries: vars.DELIVERY_CACHE_ENTRIES,
    },
    recurringQuestions: { minAskers: vars.RECURRING_MIN_ASKERS, windowDays: vars.RECURRING_WINDOW_DAYS, sentenceEncoder: vars.RECURRING_SENTENCE_ENCODER },
    site: { baseUrl: vars.SITE_BASE_URL.replace(/\/+$/, ''), articlePath: vars.SITE_ARTICLE_PATH, threadPath: vars.SITE_THREAD_PATH, categoryPath: vars.SITE_CATEGORY_PATH },
    forum: {
      imageHosts: vars.FORUM_IMAGE_HOSTS.split(',').map((host) => host.trim().toLowerCase()).filter((host) => host !== ''),
      postMaxChars: vars.FORUM_POST_MAX_CHARS,
    },
    jobs: {
      enabled: true,
      pollSeconds: vars.JOB_POLL_SECONDS,
      viewFlushSeconds: vars.JOB_VIEW_FLUSH_SECONDS,
      searchAnalyticsFlushSeconds: vars.JOB_SEARCH_ANALYTICS_FLUSH_SECONDS,
      searchSettingsCheckSeconds: vars.JOB_SEARCH_SETTINGS_CHECK_SECONDS,
      stalenessScanSeconds: vars.STALENESS_SCAN_SECONDS,
    },
    webhooks: { releaseSecret: vars.RELEASE_WEBHOOK_SECRET },
    secretsEncryptionKeys,
    outgoingWebhooks: {
      worker: vars.WEBHOOK_WORKER,
      concurrency: vars.WEBHOOK_CONCURRENCY,
      timeoutMs: vars.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: Math.max(vars.WEBHOOK_RETRY_MAX_MS, vars.WEBHOOK_RETRY_BASE_MS),
      maxAttempts: vars.WEBHOOK_MAX_ATTEMPTS,
      disableAfterFailures: vars.WEBHOOK_DISABLE_AFTER_FAILURES,
      retentionDays: vars.WEBHOOK_RETENTION_DAYS,
      blockPrivateAddresses: vars.WEBHOOK_BLOCK_PRIVATE_ADDRESSES ?? vars.NODE_ENV === 'production',
      allowedPrivateHosts: vars.WEBHOOK_ALLOWED_PRIVATE_HOSTS.split(',').map((host) => host.trim().toLowerCase()).filter((host) => host !== ''),
    },
    search: {
      engine: vars.SEARCH_ENGINE ?? (vars.MEILI_HOST ? 'meilisearch' : 'postgres'),
      meilisearch: vars.MEILI_HOST ? { host: vars.MEILI_HOST, apiKey: vars.MEILI_MASTER_KEY, indexPrefix: vars.MEILI_INDEX_PREFIX } : null,
      worker: vars.SEARCH_WORKER,
      workerBatch: vars.SEARCH_WORKER_BATCH,
      retryMaxSeconds: vars.SEARCH_RETRY_MAX_SECONDS,
      cacheEntries: vars.SEARCH_CACHE_ENTRIES,
      semanticRerank: vars.SEARCH_SEMANTIC_RERANK,
    },
    mail: {
      smtpUrl: vars.SMTP_URL || undefined,
      from: vars.MAIL_FROM,
      digestMinutes: vars.NOTIFICATION_DIGEST_MINUTES,
      unsubscribePerIp: vars.UNSUBSCRIBE_RATE_LIMIT_PER_IP,
    },
    metrics: {
      enabled: (vars.METRICS ?? (vars.NODE_ENV !== 'production' || vars.METRICS_TOKEN ? 'on' : 'off')) === 'on',
      token: vars.METRICS_TOKEN,
    },
    assets: {
      maxBytes: vars.ASSET_MAX_BYTES,
      maxPixels: vars.ASSET_MAX_PIXELS,
      maxConcurrentUploads: vars.ASSET_MAX_CONCURRENT_UPLOADS,
      storageQuotaBytes: vars.ASSET_STORAGE_QUOTA_BYTES,
      publicUrl: vars.ASSET_PUBLIC_URL.replace(/\/+$/, ''),
      storage: vars.ASSET_STORAGE,
      s3:
        vars.ASSET_STORAGE === 's3' && vars.S3_BUCKET
          ? {
              bucket: vars.S3_BUCKET,
              endpoint: vars.S3_ENDPOINT,
              region: vars.S3_REGION,
              accessKeyId: vars.S3_ACCESS_KEY_ID,
              secretAccessKey: vars.S3_SECRET_ACCESS_KEY,
              forcePathStyle: vars.S3_FORCE_PATH_STYLE,
              prefix: vars.S3_PREFIX ?? '',
            }
          : null,
    },
  };
}

/** A BCP 47 tag in its canonical form (`zh-cn` → `zh-CN`), or null when it is not one. */
export function canonicalLocale(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    return canonical ?? null;
  } catch {
    return null;
  }
}

function parseLocales(vars: EnvironmentVariables, problems: string[]): AppConfig['locales'] {
  const supported: string[] = [];
  for (const tag of vars.SUPPORTED_LOCALES.split(',').filter((t) => t.trim() !== '')) {
    const canonical = canonicalLocale(tag);
    if (canonical) supported.push(canonical);
    else problems.push(`SUPPORTED_LOCALES: ${JSON.stringify(tag.trim())} is not a BCP 47 language tag`);
  }
  if (supported.length === 0) problems.push('SUPPORTED_LOCALES: must list at least one locale');
  const pick = (name: 'DEFAULT_LOCALE' | 'FALLBACK_LOCALE'): string | null => {
    const canonical = canonicalLocale(vars[name]);
    if (!canonical || !supported.includes(canonical)) {
      problems.push(`${name}: must be one of SUPPORTED_LOCALES (got ${JSON.stringify(vars[name])})`);
      return null;
    }
    return canonical;
  };
  const defaultLocale = pick('DEFAULT_LOCALE') ?? 'en';
  const fallback = vars.FALLBACK_LOCALE.trim().toLowerCase() === 'none' ? null : pick('FALLBACK_LOCALE');
  return { supported: [...new Set(supported)], default: defaultLocale, fallback };
}

/** Keywords proxy-addr (Fastify's trustProxy) understands for address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: `false` (default; the peer address), `true` (every hop: the leftmost X-Forwarded-For entry, which the
 * client wrote itself unless the proxy overwrites the header), or the proxies' addresses, CIDRs or
 * `loopback`/`linklocal`/`uniquelocal` (the client is the rightmost entry not from one of them: what the nearest
 * proxy saw, which a client cannot forge). No hop count: Fastify 5 treats one as "trust nothing", since a count
 * cannot tell a proxy from a client that sends the header itself.
 */
export function parseTrustProxy(value: string | undefined, problems: string[]): boolean | string[] {
  const text = value?.trim().toLowerCase() ?? '';
  if (text === '' || text === 'false' || text === 'no' || text === '0') return false;
  if (text === 'true' || text === 'yes' || text === '1') return true;
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const bad = entries.filter((entry) => !PROXY_RANGE_NAMES.has(entry) && !isAddressOrCidr(entry));
  if (bad.length > 0) {
    problems.push(
      `TRUST_PROXY: ${bad.map((entry) => JSON.stringify(entry)).join(', ')} is not true, false, ` +
        "or the proxies' addresses or CIDRs (e.g. 10.0.0.0/8,127.0.0.1, or loopback)",
    );
    return false;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

function parseCorsOrigins(vars: EnvironmentVariables, problems: string[]): string[] {
  if (vars.CORS_ORIGINS === undefined) return vars.NODE_ENV === 'production' ? [] : DEVELOPMENT_CORS_ORIGINS;
  if (vars.CORS_ORIGINS.trim().toLowerCase() === 'none') return [];
  const origins = vars.CORS_ORIGINS.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const origin of origins) {
    if (!parseCorsOrigin(origin)) {
      problems.push(
        `CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], e.g. https://help.example.com), a pattern (https://*.example.com, http://localhost:*) or *`,
      );
    }
  }
  return origins;
}

function parseEncryptionKeys(vars: EnvironmentVariables, problems: string[]): Buffer[] {
  const entries = (vars.SECRETS_ENCRYPTION_KEY ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const keys = entries.map(decodeEncryptionKey);
  if (keys.some((key) => key === null)) {
    problems.push('SECRETS_ENCRYPTION_KEY: each comma-separated key must be 32 bytes, written as 64 hex digits or in base64 (e.g. `openssl rand -base64 32`) (got a hidden value)');
    return [];
  }
  return keys as Buffer[];
}

function describeProblem(error: ValidationError): string[] {
  const messages = Object.values(error.constraints ?? {}).map((message) => message.replace(new RegExp(`^${error.property} `), ''));
  if (messages.length === 0) return [];
  const secret = error.property === 'JWT_SECRET' || error.property === 'REDIS_URL' || error.property.endsWith('PASSWORD') || error.property.endsWith('KEY');
  return [`${error.property}: ${messages.join('; ')} (got ${secret ? 'a hidden value' : JSON.stringify(error.value)})`];
}
