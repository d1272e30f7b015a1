import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeliveryRateLimiter } from '../../api-keys/rate-limit/delivery-rate-limiter';
import { BadUserInputError, RateLimitedError } from '../../common/errors/app-error';
import { clientNetwork } from '../../common/http/client-network';
import { AppConfig } from '../../config/app-config';
import { NotificationSettingsService } from '../notification-settings.service';
import { digestUnsubscribeMember } from './digest-unsubscribe-link';

/** Refusal reasons of the unsubscribe link (`details.reason` of a BAD_USER_INPUT); ACCOUNT_CLOSED is answered 410. */
export type UnsubscribeRefusal = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'ACCOUNT_CLOSED';

function refusal(reason: UnsubscribeRefusal, message: string): BadUserInputError {
  return new BadUserInputError(message, [], { reason });
}

/**
 * The digest's one-click unsubscribe link (RFC 8058, docs/notifications.md#unsubscribing): the token in the link is
 * the credential (HMAC-signed, `digestUnsubscribeMember`), so no sign-in and no CSRF token. Every request first
 * counts against its client address (`UNSUBSCRIBE_RATE_LIMIT_PER_IP`, an IPv6 /64 as one); a token is checked
 * without the database, and only a valid one reads or writes the member's rows.
 */
@Injectable()
export class DigestUnsubscribeService {
  private readonly logger = new Logger(DigestUnsubscribeService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly limiter: DeliveryRateLimiter,
    private readonly settings: NotificationSettingsService,
  ) {}

  /** Counts one request of the address; RATE_LIMITED past the limit. */
  async admit(ip: string): Promise<void> {
    const decision = await this.limiter.hit({ key: `unsubscribe-ip:${clientNetwork(ip)}`, limit: this.config.mail.unsubscribePerIp });
    if (decision && !decision.allowed) {
      throw new RateLimitedError(`Too many requests from this address; try again in ${decision.resetSeconds} s`, decision.resetSeconds);
    }
  }

  /** For the confirmation page (changes nothing): whether the token's member gets digests now. */
  async digestIsOn(token: unknown): Promise<boolean> {
    const userId = this.memberOf(token);
    const rows = (await this.dataSource.query(
      `SELECT u.deactivated_at IS NULL AS active, coalesce(s.email_digest, false) AS email_digest
       FROM users u LEFT JOIN notification_settings s ON s.user_id = u.id WHERE u.id = $1`,
      [userId],
    )) as { active: boolean; email_digest: boolean }[];
    if (!rows[0]?.active) throw closed();
    return rows[0].email_digest;
  }

  /** Turns the digest off (idempotent: a second call, or one for a member whose digest is off, changes nothing visible). */
  async unsubscribe(token: unknown): Promise<void> {
    const userId = this.memberOf(token);
    if (!(await this.settings.turnOffDigest(userId))) throw closed();
    this.logger.log({ userId }, 'Email digest turned off through its unsubscribe link');
  }

  private memberOf(token: unknown): string {
    if (token === undefined || token === '') throw refusal('TOKEN_MISSING', 'The link has no token; open the whole link from the mail');
    const userId = digestUnsubscribeMember(this.config, token);
    if (userId === null) {
      throw refusal('TOKEN_INVALID', 'This unsubscribe link is not valid; open the whole link from the mail, or turn the digest off in your notification settings');
    }
    return userId;
  }
}

function closed(): BadUserInputError {
  return refusal('ACCOUNT_CLOSED', 'This account was deleted or deactivated; it gets no mail');
}
