import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { JobRunner } from '../../jobs/job-runner';
import { MemberNotificationKind } from '../member-notification-kind.enum';
import { composeDigest } from './compose-digest';
import { MailTransport } from './mail-transport';
import { digestUnsubscribeUrl } from '../unsubscribe/digest-unsubscribe-link';

export const DIGEST_JOB = 'notification-digest';

export interface DigestRun {
  /** Members mailed in this run. */
  mailed: number;
  /** Notifications those mails covered (marked emailed). */
  notifications: number;
  /** Members whose mail failed; their notifications stay unmailed for the next run. */
  failed: number;
}

interface Recipient {
  user_id: string;
  email: string;
  display_name: string;
}

interface DigestRow {
  id: string;
  kind: MemberNotificationKind;
  actor_name: string | null;
  summary: string;
  created_at: Date;
}

/**
 * Mails each member who opted in one digest of their unread, not yet mailed notifications, every
 * NOTIFICATION_DIGEST_MINUTES (a queued job: one run at a time across instances). Per member, one
 * transaction locks the rows it mails (SKIP LOCKED), sends, and marks them emailed: a notification is
 * mailed at most once even when runs overlap; a failed send leaves it for the next run.
 */
@Injectable()
export class NotificationDigestService implements OnModuleInit {
  private readonly logger = new Logger(NotificationDigestService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailTransport,
    private readonly jobs: JobRunner,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.mail.enabled) return;
    this.jobs.queue({
      name: DIGEST_JOB,
      everySeconds: this.config.mail.digestMinutes * 60,
      run: async () => {
        const run = await this.runDigest();
        if (run.failed > 0) throw new Error(`${run.failed} digest mail(s) failed; they are retried`);
      },
    });
  }

  async runDigest(): Promise<DigestRun> {
    const run: DigestRun = { mailed: 0, notifications: 0, failed: 0 };
    if (!this.mail.enabled) return run;
    const recipients = (await this.dataSource.query(
      `SELECT s.user_id, u.email, u.display_name FROM notification_settings s JOIN users u ON u.id = s.user_id
       WHERE s.email_digest AND u.deactivated_at IS NULL
         AND EXISTS (SELECT 1 FROM member_notifications n
                     WHERE n.recipient_id = s.user_id AND n.emailed_at IS NULL AND n.read_at IS NULL AND n.created_at >= s.email_digest_since)
       ORDER BY s.user_id`,
    )) as Recipient[];
    for (const recipient of recipients) {
      try {
        const count = await this.mailOne(recipient);
        if (count > 0) {
          run.mailed += 1;
          run.notifications += count;
        }
      } catch (error) {
        run.failed += 1;
        this.logger.warn({ err: error, userId: recipient.user_id }, 'A notification digest mail failed; it is retried with the next run');
      }
    }
    return run;
  }

  /** One member's digest in one transaction; returns how many notifications it covered (0: nothing left to send). */
  private mailOne(recipient: Recipient): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      // One run at a time per member: with only the notifications locked (SKIP LOCKED), two overlapping runs could
      // each lock part of one member's notifications and mail two digests. A run that finds the member taken leaves
      // it to the other; the notifications are then read after the lock, so what the other mailed is seen as mailed.
      const claimed: unknown[] = await tx.query('SELECT 1 FROM notification_settings WHERE user_id = $1 FOR NO KEY UPDATE SKIP LOCKED', [recipient.user_id]);
      if (claimed.length === 0) return 0;
      const rows = (await tx.query(
        `SELECT n.id, n.kind, a.display_name AS actor_name, n.summary, n.created_at
         FROM member_notifications n
         JOIN notification_settings s ON s.user_id = n.recipient_id
         LEFT JOIN users a ON a.id = n.actor_id
         WHERE n.recipient_id = $1 AND n.emailed_at IS NULL AND n.read_at IS NULL AND s.email_digest AND n.created_at >= s.email_digest_since
         ORDER BY n.created_at, n.id
         FOR UPDATE OF n SKIP LOCKED`,
        [recipient.user_id],
      )) as DigestRow[];
      if (rows.length === 0) return 0;
      const mail = composeDigest({
        displayName: recipient.display_name,
        items: rows.map((row) => ({ kind: row.kind, actorName: row.actor_name, summary: row.summary, createdAt: row.created_at })),
        siteName: siteName(this.config.mail.from),
        siteUrl: this.config.site.baseUrl,
        unsubscribeUrl: digestUnsubscribeUrl(this.config, recipient.user_id),
      });
      await this.mail.send({ to: recipient.email, ...mail });
      await tx.query('UPDATE member_notifications SET emailed_at = now() WHERE id = ANY($1::uuid[])', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }
}

/** The display name of MAIL_FROM (`Evergreen <no-reply@…>` → `Evergreen`), else `Evergreen`. */
export function siteName(from: string): string {
  const name = /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1];
  return name ?? 'Evergreen';
}
