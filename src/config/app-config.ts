import { ASSET_STORAGES, DELIVERY_API_KEY_MODES, INTROSPECTION_MODES, LOG_FORMATS, LOG_LEVELS, NODE_ENVS, SEARCH_ENGINES } from './env.schema';

/**
 * Typed configuration: the only way code outside `src/config/` reads settings.
 * Abstract so it can serve as the injection token for a plain object.
 */
export abstract class AppConfig {
  abstract readonly nodeEnv: (typeof NODE_ENVS)[number];
  abstract readonly http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    /** Fastify's `trustProxy`: none, every hop, or the proxies' addresses and CIDRs. */
    trustProxy: boolean | string[];
    requestTimeoutSeconds: number;
  };
  abstract readonly database: {
    /** Set when an external server is configured; bootstrap fills it in for embedded PostgreSQL. */
    url: string | undefined;
    poolSize: number;
    /** Wait for a pooled connection before giving up (DatabaseUnavailable → SERVICE_UNAVAILABLE). */
    acquireTimeoutMs: number;
    embeddedPort: number;
  };
  abstract readonly dataDir: string;
  abstract readonly auth: {
    /** Generated and kept in the data folder by bootstrap when not configured. */
    jwtSecret: string | undefined;
    accessTokenTtlSeconds: number;
    loginMaxFailuresPerAccount: number;
    loginMaxFailuresPerIp: number;
    loginFailureWindowSeconds: number;
    signUpMaxPerIp: number;
    signUpWindowSeconds: number;
  };
  abstract readonly demo: { seed: boolean; adminEmail: string; adminPassword: string };
  abstract readonly logLevel: (typeof LOG_LEVELS)[number];
  abstract readonly logFormat: (typeof LOG_FORMATS)[number];
  /** Browser origins allowed to call the APIs (exact origins or patterns, see `parseCorsOrigin`); empty: none. */
  abstract readonly corsOrigins: readonly string[];
  abstract readonly graphql: {
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxTokens: number;
    /** Open websockets per client address and process. */
    websocketMaxPerIp: number;
    /** Who may introspect both schemas: everyone, nobody, or signed-in staff (every role but member). */
    introspection: (typeof INTROSPECTION_MODES)[number];
    ide: boolean;
  };
  /** Delivery API keys, rate limits and persisted queries (docs/front-end.md). */
  abstract readonly deliveryAccess: {
    apiKeys: (typeof DELIVERY_API_KEY_MODES)[number];
    windowSeconds: number;
    /** Requests per window per client address (keyless requests); 0: no limit. */
    perIp: number;
    /** Searches (`search`, `suggestArticles`) per window per client address (keyless requests), within perIp; 0: no limit. */
    searchPerIp: number;
    /** Requests per window per API key without its own limit; 0: no limit. */
    perKey: number;
    /** Unset: counters are held per instance. */
    redisUrl: string | undefined;
    redisKeyPrefix: string;
    /** Automatic persisted queries kept per instance; 0: off. */
    persistedQueryEntries: number;
  };
  abstract readonly locales: {
    /** Canonical BCP 47 tags, e.g. `zh-CN`. */
    supported: readonly string[];
    default: string;
    /** Delivery falls back to it when an article has no published version in the asked locale; null: no fallback. */
    fallback: string | null;
  };
  abstract readonly articles: {
    defaultReviewIntervalDays: number;
    /** The author of a revision may not approve, publish or schedule it; admins are exempt. */
    requireSeparateApprover: boolean;
    scheduledPublishPollSeconds: number;
    deliveryCacheEntries: number;
  };
  /** Detector 3, recurring forum questions (docs/recurring-questions.md). */
  abstract readonly recurringQuestions: { minAskers: number; windowDays: number; sentenceEncoder: boolean };
  abstract readonly site: { baseUrl: string; articlePath: string; threadPath: string; categoryPath: string };
  abstract readonly forum: {
    /** Hosts (lower case; `*.example.com` matches subdomains) forum images may come from. */
    imageHosts: readonly string[];
    /** Longest post body accepted, in characters of Markdown. */
    postMaxChars: number;
  };
  /** Background jobs (src/jobs/, docs/decisions/0004-job-runner.md). */
  abstract readonly jobs: {
    /** Start the registered jobs (off for CLI commands). */
    enabled: boolean;
    /** How often each instance's queue workers look for queued jobs. */
    pollSeconds: number;
    viewFlushSeconds: number;
    searchAnalyticsFlushSeconds: number;
    searchSettingsCheckSeconds: number;
    /**
     * How often the staleness scan runs across all instances (it picks up new releases, feedback and forum
     * threads, so this is also the detectors' latency); 0 = never on a schedule (the `scan` command and the
     * API's scan mutations still run it).
     */
    stalenessScanSeconds: number;
  };
  abstract readonly webhooks: { releaseSecret: string | undefined };
  /**
   * Keys sealing the secrets the database stores (src/common/crypto/secret-box.ts): the first seals, all open.
   * Empty: secrets are stored in clear outside production, and refused in production.
   */
  abstract readonly secretsEncryptionKeys: readonly Buffer[];
  /** Outgoing webhooks (src/webhooks/, docs/webhooks.md). */
  abstract readonly outgoingWebhooks: {
    /** Deliver in this process. */
    worker: boolean;
    /** Deliveries in flight at once per instance. */
    concurrency: number;
    /** Per attempt, connecting to the last byte of the answer. */
    timeoutMs: number;
    /** First retry wait; doubled per attempt (with jitter) up to retryMaxMs. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** Attempts per delivery before it is marked failed. */
    maxAttempts: number;
    /** Consecutive failed attempts after which an endpoint is disabled. */
    disableAfterFailures: number;
    /** Events (with their deliveries and log) older than this are deleted, unless still being delivered. */
    retentionDays: number;
    /** Refuse loopback, private, link-local and other internal addresses (SSRF defence); on in production. */
    blockPrivateAddresses: boolean;
    /** Internal hosts, IP addresses or CIDR ranges allowed anyway. */
    allowedPrivateHosts: readonly string[];
  };
  abstract readonly search: {
    engine: (typeof SEARCH_ENGINES)[number];
    meilisearch: { host: string; apiKey: string | undefined; indexPrefix: string } | null;
    /** Drain the outbox in this process (turn off to run the worker as its own process). */
    worker: boolean;
    workerBatch: number;
    /** Longest wait between retries of a failing outbox row. */
    retryMaxSeconds: number;
    /** Public search results kept in this process until the index changes (0: off). */
    cacheEntries: number;
    /** Rerank the first results of English searches with the sentence encoder (docs/search.md, "Semantic rerank"). */
    semanticRerank: boolean;
  };
  /** Member notification email (docs/notifications.md). */
  abstract readonly mail: {
    /** Unset: email is off (notifications stay in the API). */
    smtpUrl: string | undefined;
    from: string;
    /** How often the digest job mails each opted-in member their unread notifications. */
    digestMinutes: number;
    /** Requests to `/unsubscribe` per rate-limit window (`deliveryAccess.windowSeconds`) per client address; 0: no limit. */
    unsubscribePerIp: number;
  };
  /** Prometheus metrics (src/metrics/, docs/operations.md). */
  abstract readonly metrics: { enabled: boolean; token: string | undefined };
  /** Images and attachments (docs/assets.md). */
  abstract readonly assets: {
    maxBytes: number;
    maxPixels: number;
    maxConcurrentUploads: number;
    /** Bytes every stored asset file may take together; 0: no limit. */
    storageQuotaBytes: number;
    /** Base of public asset URLs, without a trailing slash. */
    publicUrl: string;
    storage: (typeof ASSET_STORAGES)[number];
    /** Set when `storage` is `s3`. */
    s3: { bucket: string; endpoint: string | undefined; region: string; accessKeyId: string | undefined; secretAccessKey: string | undefined; forcePathStyle: boolean; prefix: string } | null;
  };
}
