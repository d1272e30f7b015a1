import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { AppConfig } from '../../config/app-config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Extra header fields (e.g. List-Unsubscribe); values on one line. */
  headers?: Record<string, string>;
}

type Transporter = ReturnType<typeof createTransport>;

/** SMTP through nodemailer (`SMTP_URL`); absent when email is off. */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly transporter: Transporter | null;

  constructor(private readonly config: AppConfig) {
    const url = config.mail.smtpUrl;
    // Bounded waits (nodemailer's default is minutes): the digest sends while it holds the member's notification rows.
    this.transporter = url ? createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }) : null;
  }

  get enabled(): boolean {
    return this.transporter !== null;
  }

  /** Resolves when the SMTP server accepted the mail; rejects otherwise. */
  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transporter) throw new Error('Email is off: SMTP_URL is not set');
    await this.transporter.sendMail({ from: this.config.mail.from, to: mail.to, subject: mail.subject, text: mail.text, headers: mail.headers });
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}
