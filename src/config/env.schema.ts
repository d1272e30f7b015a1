import { Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

/** The demo accounts' documented defaults (README, demo seed): public, so production refuses the password at sign-in. */
export const DEFAULT_DEMO_ADMIN_EMAIL = 'admin@evergreen.test';
export const DEFAULT_DEMO_ADMIN_PASSWORD = 'evergreen-demo-admin';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const SEARCH_ENGINES = ['postgres', 'meilisearch'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const INTROSPECTION_MODES = ['on', 'off', 'staff'] as const;
export const LOG_FORMATS = ['pretty', 'json'] as const;
export const METRICS_MODES = ['on', 'off'] as const;
export const ASSET_STORAGES = ['local', 's3'] as const;
export const DELIVERY_API_KEY_MODES = ['optional', 'required', 'off'] as const;

/** Every environment variable Evergreen reads. `.env.example` lists the same names. */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsString()
  HOST = '127.0.0.1';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  /** Which proxies' X-Forwarded-For to believe: false, true (all), a hop count, or proxy addresses/CIDRs (load-config's parseTrustProxy). */
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  TRUST_PROXY?: string;

  /** Requests and background work share the pool; the search worker writes through a second connection while its batch's transaction holds one. */
  @Transform(toInt)
  @IsInt()
  @Min(2, { message: 'DB_POOL_SIZE must be at least 2: background indexing holds one connection while it writes through another' })
  @Max(200)
  DB_POOL_SIZE = 10;

  /** How long a request waits for a pooled connection before it is answered SERVICE_UNAVAILABLE. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  DB_POOL_ACQUIRE_TIMEOUT_MS = 5000;

  @IsString()
  @MinLength(1)
  DATA_DIR = '.data';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  EMBEDDED_PG_PORT = 0;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(60 * 60 * 24 * 30)
  ACCESS_TOKEN_TTL_SECONDS = 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  LOGIN_MAX_FAILURES_PER_IP = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60 * 60 * 24)
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  /** Member accounts one client address may create (`signUp`) per SIGNUP_WINDOW_SECONDS, successful or not. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  SIGNUP_MAX_PER_IP = 10;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(60 * 60 * 24 * 7)
  SIGNUP_WINDOW_SECONDS = 3600;

  /** Unset: true outside production. Production refuses `true` (the demo accounts have a documented password). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  SEED_DEMO?: boolean;

  @IsEmail()
  DEMO_ADMIN_EMAIL = DEFAULT_DEMO_ADMIN_EMAIL;

  @IsString()
  @MinLength(12, { message: 'DEMO_ADMIN_PASSWORD must be at least 12 characters long' })
  @MaxLength(200)
  DEMO_ADMIN_PASSWORD = DEFAULT_DEMO_ADMIN_PASSWORD;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Unset: readable lines in development, JSON otherwise. */
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: (typeof LOG_FORMATS)[number];

  /** Comma-separated origins or patterns (`https://*.example.com`, `http://localhost:*`, `*`). Unset: localhost outside production, none in production. */
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  CORS_ORIGINS?: string;

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(100)
  GRAPHQL_MAX_DEPTH = 12;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  GRAPHQL_MAX_COST = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  GRAPHQL_MAX_ALIASES = 30;

  /** Lexical tokens a GraphQL document may have; parsing stops at the limit (the introspection query has about 200). */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(1_000_000)
  GRAPHQL_MAX_TOKENS = 5000;

  /** Open WebSocket connections (GraphQL subscriptions, both endpoints) one client address may hold per API process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  WEBSOCKET_MAX_PER_IP = 100;

  /** Who may read the schema (`__schema`, `__type`): everyone, nobody, or signed-in staff (every role but member). Default: staff in production, on otherwise. */
  @IsOptional()
  @IsIn(INTROSPECTION_MODES)
  GRAPHQL_INTROSPECTION?: (typeof INTROSPECTION_MODES)[number];

  /** Delivery API keys (`X-Api-Key`): checked when sent (`optional`), needed on every request (`required`), or ignored (`off`). */
  @IsIn(DELIVERY_API_KEY_MODES)
  DELIVERY_API_KEYS: (typeof DELIVERY_API_KEY_MODES)[number] = 'optional';

  /** Length of the delivery API's rate-limit window. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Searches (`search`, `suggestArticles`) per window per client address without an API key (0: no limit). Default: 120 in production, 0 otherwise. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  SEARCH_RATE_LIMIT_PER_IP?: number;

  /** Delivery requests per window per client address without an API key (0: no limit). Default: 600 in production, 0 otherwise. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  RATE_LIMIT_PER_IP?: number;

  /** Delivery requests per window per API key, unless the key has its own limit (0: no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  RATE_LIMIT_PER_KEY = 6000;

  /** Redis shared by the API instances for rate-limit counters, e.g. redis://127.0.0.1:6379/0; unset: each instance counts alone. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['redis', 'rediss'], require_protocol: true }, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix of every Redis key Evergreen writes (several deployments may share one Redis). */
  @IsString()
  @Matches(/^[A-Za-z0-9:_.-]{1,64}$/, { message: 'REDIS_KEY_PREFIX must be 1-64 letters, digits or : _ . -' })
  REDIS_KEY_PREFIX = 'evergreen:';

  /** Automatic persisted queries remembered per instance (0: persisted queries off). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  PERSISTED_QUERY_ENTRIES = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 2 * 1024 * 1024;

  /** Time a client has to send a whole request (headers and body); then 408 and the connection closes. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_REQUEST_TIMEOUT_SECONDS = 120;

  @Transform(toBoolean)
  @IsBoolean()
  GRAPHIQL = true;

  @IsString()
  SUPPORTED_LOCALES = 'en,zh-CN,zh-TW,ja,de,fr,es';

  @IsString()
  DEFAULT_LOCALE = 'en';

  @IsString()
  FALLBACK_LOCALE = 'en';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  DEFAULT_REVIEW_INTERVAL_DAYS = 180;

  /** Detector 3 (recurring questions): distinct askers a cluster needs before it is flagged or becomes a content gap. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  RECURRING_MIN_ASKERS = 3;

  /** Detector 3: rolling window of forum questions that cluster together, in days. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  RECURRING_WINDOW_DAYS = 90;

  /**
   * Detector 3: rerank similar questions with the bundled Universal Sentence Encoder (vectors computed in the
   * background after a question is stored). false = lexical similarity only, and the model is never loaded.
   */
  @Transform(toBoolean)
  @IsBoolean()
  RECURRING_SENTENCE_ENCODER = true;

  /** Separation of duties: the author of a revision may not approve, publish or schedule it (admins may). */
  @Transform(toBoolean)
  @IsBoolean()
  REQUIRE_SEPARATE_APPROVER = false;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'RELEASE_WEBHOOK_SECRET must be at least 32 characters long' })
  RELEASE_WEBHOOK_SECRET?: string;

  /**
   * Keys that seal secrets stored in the database (webhook signing secrets): comma-separated, each 32 bytes as 64 hex
   * digits or base64; the first seals, all open (rotation). Unset outside production: a key kept in DATA_DIR.
   */
  @IsOptional()
  @IsString()
  SECRETS_ENCRYPTION_KEY?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  SITE_BASE_URL = 'http://localhost:3000';

  @IsString()
  @Matches(/^\/.*\{slug\}/, { message: 'SITE_ARTICLE_PATH must start with / and contain {slug}' })
  SITE_ARTICLE_PATH = '/{locale}/articles/{slug}';

  @IsString()
  @Matches(/^\/.*\{slug\}/, { message: 'SITE_THREAD_PATH must start with / and contain {slug}' })
  SITE_THREAD_PATH = '/{locale}/community/{slug}';

  @IsString()
  @Matches(/^\/.*\{slug\}/, { message: 'SITE_CATEGORY_PATH must start with / and contain {slug}' })
  SITE_CATEGORY_PATH = '/{locale}/categories/{slug}';

  /** Hosts forum posts may show images from, comma-separated (`*.example.com` for subdomains); empty: no images. */
  @IsString()
  @Matches(/^(\s*(\*\.)?[a-z0-9.-]+(:\d+)?\s*(,\s*(\*\.)?[a-z0-9.-]+(:\d+)?\s*)*)?$/i, {
    message: 'FORUM_IMAGE_HOSTS must be a comma-separated list of host names (optionally *.domain)',
  })
  FORUM_IMAGE_HOSTS = '';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(1_000_000)
  FORUM_POST_MAX_CHARS = 50_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  SCHEDULED_PUBLISH_POLL_SECONDS = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60)
  JOB_POLL_SECONDS = 2;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  JOB_VIEW_FLUSH_SECONDS = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  JOB_SEARCH_ANALYTICS_FLUSH_SECONDS = 1;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  JOB_SEARCH_SETTINGS_CHECK_SECONDS = 10;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86400)
  STALENESS_SCAN_SECONDS = 60;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  DELIVERY_CACHE_ENTRIES = 20_000;

  @IsOptional()
  @IsIn(SEARCH_ENGINES)
  SEARCH_ENGINE?: (typeof SEARCH_ENGINES)[number];

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  MEILI_HOST?: string;

  @IsOptional()
  @IsString()
  MEILI_MASTER_KEY?: string;

  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'MEILI_INDEX_PREFIX must be 1 to 64 letters, digits, _ or -' })
  MEILI_INDEX_PREFIX = 'evergreen';

  @Transform(toBoolean)
  @IsBoolean()
  SEARCH_WORKER = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(5000)
  SEARCH_WORKER_BATCH = 200;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  SEARCH_RETRY_MAX_SECONDS = 60;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  SEARCH_CACHE_ENTRIES = 5000;

  /**
   * Rerank the first results of an English search by the bundled sentence encoder's similarity of the query to
   * each title (vectors computed in the background; docs/search.md, "Semantic rerank"). false = lexical ranking
   * only, and search never loads the model.
   */
  @Transform(toBoolean)
  @IsBoolean()
  SEARCH_SEMANTIC_RERANK = true;

  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_WORKER = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_CONCURRENCY = 4;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 30_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  WEBHOOK_RETRY_MAX_MS = 21_600_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_MAX_ATTEMPTS = 12;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  WEBHOOK_DISABLE_AFTER_FAILURES = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  WEBHOOK_RETENTION_DAYS = 30;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_BLOCK_PRIVATE_ADDRESSES?: boolean;

  @IsString()
  WEBHOOK_ALLOWED_PRIVATE_HOSTS = '';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['smtp', 'smtps'], require_protocol: true }, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Evergreen <no-reply@localhost>';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_080)
  NOTIFICATION_DIGEST_MINUTES = 60;

  /** Requests to the digest's unsubscribe link (`/unsubscribe`, GET and POST) per RATE_LIMIT_WINDOW_SECONDS per client address (0: no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  UNSUBSCRIBE_RATE_LIMIT_PER_IP = 60;

  /** Prometheus metrics at /metrics. Default: on outside production; in production on only when METRICS_TOKEN is set. */
  @IsOptional()
  @IsIn(METRICS_MODES)
  METRICS?: (typeof METRICS_MODES)[number];

  /** Bearer token /metrics requires (at least 16 characters); unset outside production: no token. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  METRICS_TOKEN?: string;
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  ASSET_MAX_BYTES = 10 * 1024 * 1024;

  /** Largest image accepted, in pixels (width × height): bounds decompression (sharp limitInputPixels). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  ASSET_MAX_PIXELS = 50_000_000;

  /** Uploads one instance reads and processes at once (each holds its file and a decoded image); twice as many wait, beyond: RATE_LIMITED. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  ASSET_MAX_CONCURRENT_UPLOADS = 2;

  /** Bytes all stored asset files (originals and variants) may take together; past it an upload is QUOTA_EXCEEDED. 0: no limit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  ASSET_STORAGE_QUOTA_BYTES = 10 * 1024 * 1024 * 1024;

  @IsIn(ASSET_STORAGES)
  ASSET_STORAGE: (typeof ASSET_STORAGES)[number] = 'local';

  /** Where asset URLs point: `/assets` (this server) or e.g. a CDN in front of the S3 bucket. */
  @Matches(/^(\/|https?:\/\/)[^\s?#]*$/, { message: 'ASSET_PUBLIC_URL must be a path starting with / or an http(s):// URL' })
  ASSET_PUBLIC_URL = '/assets';

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be an S3 bucket name' })
  S3_BUCKET?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  S3_ENDPOINT?: string;

  @IsString()
  @MinLength(1)
  S3_REGION = 'us-east-1';

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** Path-style bucket URLs (MinIO and most S3-compatible servers need them). */
  @Transform(toBoolean)
  @IsBoolean()
  S3_FORCE_PATH_STYLE = true;

  @IsOptional()
  @Matches(/^[A-Za-z0-9!_.*'()\/-]{0,200}$/, { message: 'S3_PREFIX must be a key prefix (letters, digits, / and !_.*\'()-)' })
  S3_PREFIX?: string;
}

/** The names of every variable above, read from their validation rules. */
export function environmentVariableNames(): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false);
  return [...new Set(rules.map((rule) => rule.propertyName))];
}
