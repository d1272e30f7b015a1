import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

export interface NotificationSettingsView {
  emailDigest: boolean;
  emailAvailable: boolean;
}

/** A member's notification preferences (email digest opt-in). */
@Injectable()
export class NotificationSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async get(userId: string): Promise<NotificationSettingsView> {
    const rows = (await this.dataSource.query('SELECT email_digest FROM notification_settings WHERE user_id = $1', [userId])) as {
      email_digest: boolean;
    }[];
    return { emailDigest: rows[0]?.email_digest ?? false, emailAvailable: this.config.mail.smtpUrl !== undefined };
  }

  /** Turning the digest on starts it from now: earlier notifications are not mailed. */
  async update(userId: string, input: { emailDigest: boolean }): Promise<NotificationSettingsView> {
    await this.write(userId, input.emailDigest);
    return this.get(userId);
  }

  /**
   * The digest's one-click unsubscribe (`/unsubscribe`, docs/notifications.md): turns the digest off, idempotently.
   * False when the account is deleted or deactivated (nothing is written).
   */
  turnOffDigest(userId: string): Promise<boolean> {
    return this.write(userId, false);
  }

  /**
   * One statement for every change: only an active member's settings are written. The member's row is taken
   * `FOR KEY SHARE`, so an account deletion running at the same time either comes first (nothing is written) or
   * waits for this write and then erases the row with the rest.
   */
  private async write(userId: string, emailDigest: boolean): Promise<boolean> {
    const written = (await this.dataSource.query(
      `INSERT INTO notification_settings (user_id, email_digest, email_digest_since)
       SELECT u.id, $2::boolean, CASE WHEN $2::boolean THEN now() END FROM users u
       WHERE u.id = $1 AND u.deactivated_at IS NULL
       FOR KEY SHARE
       ON CONFLICT (user_id) DO UPDATE SET
         email_digest = EXCLUDED.email_digest,
         email_digest_since = CASE WHEN EXCLUDED.email_digest AND NOT notification_settings.email_digest THEN now()
                                   WHEN EXCLUDED.email_digest THEN notification_settings.email_digest_since END,
         updated_at = now()
       RETURNING user_id`,
      [userId, emailDigest],
    )) as unknown[];
    return written.length > 0;
  }
}
