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
    await this.dataSource.query(
      `INSERT INTO notification_settings (user_id, email_digest, email_digest_since) VALUES ($1, $2, CASE WHEN $2 THEN now() END)
       ON CONFLICT (user_id) DO UPDATE SET
         email_digest = EXCLUDED.email_digest,
         email_digest_since = CASE WHEN EXCLUDED.email_digest AND NOT notification_settings.email_digest THEN now()
                                   WHEN EXCLUDED.email_digest THEN notification_settings.email_digest_since END,
         updated_at = now()`,
      [userId, input.emailDigest],
    );
    return this.get(userId);
  }
}
