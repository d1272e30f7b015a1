import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { In, LessThan, Repository } from 'typeorm';
import { RateLimitedError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { LoginFailureEntity } from './entities/login-failure.entity';

interface ThrottleKey {
  key: string;
  limit: number;
}

/**
 * Counts failed logins per account and per client address in PostgreSQL, so the limit holds
 * across every API instance. Addresses are stored hashed.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectRepository(LoginFailureEntity) private readonly failures: Repository<LoginFailureEntity>,
    private readonly config: AppConfig,
  ) {}

  async assertAllowed(email: string, ip: string, now = new Date()): Promise<void> {
    const windowStart = new Date(now.getTime() - this.config.auth.loginFailureWindowSeconds * 1000);
    for (const { key, limit } of this.keys(email, ip)) {
      const rows: { count: string; oldest: Date | null }[] = await this.failures.query(
        `SELECT count(*) AS count, min(failed_at) AS oldest
           FROM login_failures WHERE throttle_key = $1 AND failed_at > $2`,
        [key, windowStart],
      );
      const count = Number(rows[0]?.count ?? 0);
      if (count >= limit && rows[0]?.oldest) {
        const retryAt = new Date(rows[0].oldest).getTime() + this.config.auth.loginFailureWindowSeconds * 1000;
        const retryAfterSeconds = Math.max(1, Math.ceil((retryAt - now.getTime()) / 1000));
        throw new RateLimitedError('Too many failed sign-in attempts; try again later', retryAfterSeconds);
      }
    }
  }

  async recordFailure(email: string, ip: string, now = new Date()): Promise<void> {
    const keys = this.keys(email, ip).map(({ key }) => key);
    await this.failures.insert(keys.map((throttleKey) => ({ throttleKey, failedAt: now })));
    const windowStart = new Date(now.getTime() - this.config.auth.loginFailureWindowSeconds * 1000);
    await this.failures.delete({ throttleKey: In(keys), failedAt: LessThan(windowStart) });
  }

  /** A successful login clears the account's failures; the address keeps its count. */
  async recordSuccess(email: string): Promise<void> {
    await this.failures.delete({ throttleKey: accountKey(email) });
  }

  private keys(email: string, ip: string): ThrottleKey[] {
    return [
      { key: accountKey(email), limit: this.config.auth.loginMaxFailuresPerAccount },
      { key: `ip:${sha256(ip)}`, limit: this.config.auth.loginMaxFailuresPerIp },
    ];
  }
}

function accountKey(email: string): string {
  return `account:${sha256(email.trim().toLowerCase())}`;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
