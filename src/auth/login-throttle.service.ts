import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RateLimitedError } from '../common/errors/app-error';
import { clientNetwork } from '../common/http/client-network';
import { AppConfig } from '../config/app-config';

interface ThrottleKey {
  key: string;
  limit: number;
}

/** One attempt taken from a key's window; the window is identified by its start as PostgreSQL prints it (microseconds kept). */
interface ReservedSlot {
  key: string;
  window: string;
}

/** Attempts reserved for one login; handed back to `release` when the password was right. */
export interface LoginReservation {
  slots: ReservedSlot[];
}

/**
 * Throttles sign-in guessing per client address and per account, and sign-ups per client address, in
 * PostgreSQL so the limits hold across every API instance. Each key has one counter row per fixed window.
 *
 * An attempt is reserved **before** its password is verified: one `INSERT … ON CONFLICT DO
 * UPDATE … WHERE attempts < limit` per key takes a slot under the row's lock, or takes nothing
 * when the window is full. However many logins arrive at once, at most the limit of each key is
 * evaluated per window. A refused login takes nothing (a slot already taken from the address is
 * handed back), and a successful login hands its slots back, so only failures use up the limits.
 * Every sign-up takes a slot of its address, successful or not, before the password is hashed.
 * An address is an IPv4 address or an IPv6 /64 (`clientNetwork`). Emails and addresses are stored hashed.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Reserves one attempt for the address and the account, or throws RATE_LIMITED with the seconds until the window ends. */
  async reserve(email: string, ip: string): Promise<LoginReservation> {
    const slots: ReservedSlot[] = [];
    for (const { key, limit } of this.keys(email, ip)) {
      const window = await this.take(key, limit, this.windowSeconds);
      if (window === null) {
        await this.release({ slots });
        throw RateLimitedError.untilWindowEnds('Too many failed sign-in attempts; try again later', await this.retryAfterSeconds(key, this.windowSeconds), this.windowSeconds);
      }
      slots.push({ key, window });
    }
    return { slots };
  }

  /** Takes one sign-up of the address's window (kept, whatever the sign-up's outcome), or throws RATE_LIMITED. */
  async reserveSignUp(ip: string): Promise<void> {
    const key = `signup-ip:${sha256(clientNetwork(ip))}`;
    const { signUpMaxPerIp: limit, signUpWindowSeconds: windowSeconds } = this.config.auth;
    if ((await this.take(key, limit, windowSeconds)) !== null) return;
    throw RateLimitedError.untilWindowEnds('Too many accounts created from this address; try again later', await this.retryAfterSeconds(key, windowSeconds), windowSeconds);
  }

  /** Gives the slots back (only to the windows they were taken from) and drops a few ended windows. */
  async release(reservation: LoginReservation): Promise<void> {
    for (const { key, window } of reservation.slots) {
      await this.dataSource.query(
        `UPDATE login_attempts SET attempts = greatest(attempts - 1, 0) WHERE throttle_key = $1 AND window_started_at = $2::timestamptz`,
        [key, window],
      );
    }
    // Rows another login holds are left for later.
    await this.dataSource.query(
      `DELETE FROM login_attempts WHERE throttle_key IN (
         SELECT throttle_key FROM login_attempts WHERE window_started_at <= now() - make_interval(secs => $1)
         LIMIT 100 FOR UPDATE SKIP LOCKED)`,
      [Math.max(this.windowSeconds, this.config.auth.signUpWindowSeconds)],
    );
  }

  /** Takes one slot of `key`'s window (starting a new window when the last one ended); null when the window is full. */
  private async take(key: string, limit: number, windowSeconds: number): Promise<string | null> {
    const rows: { window: string }[] = await this.dataSource.query(
      `INSERT INTO login_attempts AS a (throttle_key, window_started_at, attempts) VALUES ($1, now(), 1)
       ON CONFLICT (throttle_key) DO UPDATE SET
         window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $2) THEN now() ELSE a.window_started_at END,
         attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $2) THEN 1 ELSE a.attempts + 1 END
       WHERE a.window_started_at <= now() - make_interval(secs => $2) OR a.attempts < $3
       RETURNING window_started_at::text AS window`,
      [key, windowSeconds, limit],
    );
    return rows[0]?.window ?? null;
  }

  private async retryAfterSeconds(key: string, windowSeconds: number): Promise<number | null> {
    const rows: { seconds: number | null }[] = await this.dataSource.query(
      `SELECT ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - clock_timestamp()))::int AS seconds
         FROM login_attempts WHERE throttle_key = $1`,
      [key, windowSeconds],
    );
    return rows[0]?.seconds ?? null;
  }

  private get windowSeconds(): number {
    return this.config.auth.loginFailureWindowSeconds;
  }

  private keys(email: string, ip: string): ThrottleKey[] {
    return [
      { key: `ip:${sha256(clientNetwork(ip))}`, limit: this.config.auth.loginMaxFailuresPerIp },
      { key: `account:${sha256(email.trim().toLowerCase())}`, limit: this.config.auth.loginMaxFailuresPerAccount },
    ];
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
