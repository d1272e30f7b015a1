import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { recordAudit } from '../common/audit/record-audit';
import { NotFoundError } from '../common/errors/app-error';
import { LruMap } from '../common/lru-map';
import { ChangeNotifications } from '../common/notifications/change-notifications.service';
import { DeliveryApiKeyEntity } from './entities/delivery-api-key.entity';

export const DELIVERY_API_KEY_PREFIX = 'egk_';
/** NOTIFY channel of key changes; the payload is the key's hash. */
export const DELIVERY_API_KEYS_CHANNEL = 'delivery_api_keys_changed';

/** How long a looked-up key is trusted while revocations arrive by NOTIFY (a safety net, not the mechanism). */
const CACHE_TTL_LISTENING_MS = 60_000;
/** How long while the LISTEN connection is down: a revocation then takes effect within this time. */
const CACHE_TTL_NOT_LISTENING_MS = 5_000;
const CACHE_ENTRIES = 10_000;

/** A valid key as the delivery API sees it. */
export interface ApiKeyIdentity {
  id: string;
  /** Requests per window; null: the default for keys. */
  rateLimit: number | null;
}

export interface NewDeliveryApiKey {
  label: string;
  rateLimit: number | null;
}

/** `undefined`: leave as is; `rateLimit: null`: back to the default. */
export interface DeliveryApiKeyChanges {
  label?: string;
  rateLimit?: number | null;
}

export interface CreatedDeliveryApiKey {
  key: string;
  apiKey: DeliveryApiKeyEntity;
}

export function hashDeliveryApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

type CachedLookup = { identity: ApiKeyIdentity | string; expiresAt: number };

/**
 * Delivery API keys: admins create (the secret is shown once, only its SHA-256 is stored), label, limit and revoke
 * them. Lookups are cached per instance by hash, valid and unknown keys alike, so the hot path does not touch the
 * database; every change NOTIFYs the key's hash at commit and each instance drops it (ChangeNotifications).
 */
@Injectable()
export class DeliveryApiKeysService {
  private readonly cache = new LruMap<string, CachedLookup>(CACHE_ENTRIES);
  private listening = false;
  /** Lookups under way, by hash: a burst with a key not yet cached queries the database once. */
  private readonly inFlight = new Map<string, Promise<ApiKeyIdentity | string>>();
  /** Bumped by every notification: a lookup that overlapped one may have read the old row and is not cached. */
  private generation = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    notifications: ChangeNotifications,
  ) {
    notifications.subscribe(DELIVERY_API_KEYS_CHANNEL, {
      onNotification: (keyHash) => {
        this.generation += 1;
        this.cache.deleteWhere((hash) => hash === keyHash);
        // A lookup under way may have read the old row: later requests start a new one.
        this.inFlight.delete(keyHash);
      },
      onListeningChanged: (listening) => {
        this.generation += 1;
        this.listening = listening;
        this.cache.clear();
        this.inFlight.clear();
      },
    });
  }

  async create(actor: AuthUser, input: NewDeliveryApiKey): Promise<CreatedDeliveryApiKey> {
    const key = `${DELIVERY_API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const apiKey = await this.dataSource.transaction(async (tx) => {
      const saved = await tx.save(
        tx.create(DeliveryApiKeyEntity, {
          label: input.label.trim(),
          keyHash: hashDeliveryApiKey(key),
          keyPrefix: key.slice(0, DELIVERY_API_KEY_PREFIX.length + 6),
          rateLimit: input.rateLimit,
          createdById: actor.id,
          revokedAt: null,
        }),
      );
      await recordAudit(tx, { actorId: actor.id, action: 'delivery_api_key.create', subjectKind: 'delivery_api_key', subjectId: saved.id, after: describe(saved) });
      // No NOTIFY: no instance can have cached a hash of 256 fresh random bits as unknown.
      return saved;
    });
    return { key, apiKey };
  }

  /** Newest first. */
  list(includeRevoked: boolean): Promise<DeliveryApiKeyEntity[]> {
    return this.dataSource.getRepository(DeliveryApiKeyEntity).find({
      where: includeRevoked ? {} : { revokedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  async update(actor: AuthUser, id: string, changes: DeliveryApiKeyChanges): Promise<DeliveryApiKeyEntity> {
    return this.dataSource.transaction(async (tx) => {
      const apiKey = await this.lockedKey(tx, id);
      const before = describe(apiKey);
      if (changes.label !== undefined) apiKey.label = changes.label.trim();
      if (changes.rateLimit !== undefined) apiKey.rateLimit = changes.rateLimit;
      await tx.update(DeliveryApiKeyEntity, { id }, { label: apiKey.label, rateLimit: apiKey.rateLimit });
      await recordAudit(tx, { actorId: actor.id, action: 'delivery_api_key.update', subjectKind: 'delivery_api_key', subjectId: id, before, after: describe(apiKey) });
      await notifyChanged(tx, apiKey.keyHash);
      return apiKey;
    });
  }

  /** Stops the key on every instance as soon as the NOTIFY arrives. Revoking twice is harmless. */
  async revoke(actor: AuthUser, id: string, now = new Date()): Promise<DeliveryApiKeyEntity> {
    return this.dataSource.transaction(async (tx) => {
      const apiKey = await this.lockedKey(tx, id);
      if (apiKey.revokedAt) return apiKey;
      apiKey.revokedAt = now;
      await tx.update(DeliveryApiKeyEntity, { id }, { revokedAt: now });
      await recordAudit(tx, { actorId: actor.id, action: 'delivery_api_key.revoke', subjectKind: 'delivery_api_key', subjectId: id, after: describe(apiKey) });
      await notifyChanged(tx, apiKey.keyHash);
      return apiKey;
    });
  }

  /** The cached answer for a key, if any, without a lookup (undefined: `authenticate` would query the database). */
  peek(key: string, now = Date.now()): ApiKeyIdentity | string | undefined {
    if (!key.startsWith(DELIVERY_API_KEY_PREFIX)) return 'The API key is not valid';
    const cached = this.cache.get(hashDeliveryApiKey(key));
    return cached && cached.expiresAt > now ? cached.identity : undefined;
  }

  /** The key's identity, or why it cannot be used. Cached: see the class comment. */
  async authenticate(key: string, now = Date.now()): Promise<ApiKeyIdentity | string> {
    if (!key.startsWith(DELIVERY_API_KEY_PREFIX)) return 'The API key is not valid';
    const hash = hashDeliveryApiKey(key);
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.identity;
    let lookup = this.inFlight.get(hash);
    if (!lookup) {
      const started: Promise<ApiKeyIdentity | string> = this.lookUp(hash, now).finally(() => {
        if (this.inFlight.get(hash) === started) this.inFlight.delete(hash);
      });
      this.inFlight.set(hash, started);
      lookup = started;
    }
    return lookup;
  }

  private async lookUp(hash: string, now: number): Promise<ApiKeyIdentity | string> {
    const generation = this.generation;
    const row = await this.dataSource.getRepository(DeliveryApiKeyEntity).findOneBy({ keyHash: hash });
    const identity = !row ? 'The API key is not valid' : row.revokedAt ? 'The API key has been revoked' : { id: row.id, rateLimit: row.rateLimit };
    if (generation === this.generation) {
      this.cache.set(hash, { identity, expiresAt: now + (this.listening ? CACHE_TTL_LISTENING_MS : CACHE_TTL_NOT_LISTENING_MS) });
    }
    return identity;
  }

  private async lockedKey(tx: EntityManager, id: string): Promise<DeliveryApiKeyEntity> {
    const apiKey = await tx.findOne(DeliveryApiKeyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!apiKey) throw new NotFoundError('DeliveryApiKey', id);
    return apiKey;
  }
}

function describe(apiKey: DeliveryApiKeyEntity): Record<string, unknown> {
  return { label: apiKey.label, keyPrefix: apiKey.keyPrefix, rateLimit: apiKey.rateLimit, revokedAt: apiKey.revokedAt?.toISOString() ?? null };
}

async function notifyChanged(tx: EntityManager, keyHash: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [DELIVERY_API_KEYS_CHANNEL, keyHash]);
}
