import { randomBytes, randomUUID } from 'node:crypto';
import { signLinkToken } from '../src/common/crypto/signed-link-token';
import { NotificationDigestService } from '../src/notifications/digest/notification-digest.service';
import { MemberNotificationKind } from '../src/notifications/member-notification-kind.enum';
import { MemberNotificationsService } from '../src/notifications/member-notifications.service';
import { DIGEST_UNSUBSCRIBE_PURPOSE, digestUnsubscribeUrl } from '../src/notifications/unsubscribe/digest-unsubscribe-link';
import { createTestApp, TestApp, TestUser } from './support/create-test-app';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';

const LIMIT = 40;
const SETTINGS = '{ notificationSettings { emailDigest } }';
const DELETE_ACCOUNT = 'mutation ($input: DeleteMyAccountInput!) { deleteMyAccount(input: $input) { deletedAt } }';

describe('one-click unsubscribe from the email digest (RFC 8058, real SMTP server in process)', () => {
  let smtp: SmtpSink;
  let t: TestApp;
  let digest: NotificationDigestService;
  let addresses = 0;
  /** A client address of its own per test (TRUST_PROXY=loopback), so the per-address limit is tested on its own. */
  let address: string;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Lumen Help <help@lumen.test>',
      SITE_BASE_URL: 'https://help.lumen.test/',
      TRUST_PROXY: 'loopback',
      UNSUBSCRIBE_RATE_LIMIT_PER_IP: String(LIMIT),
    });
    digest = t.app.get(NotificationDigestService);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => {
    smtp.mails.length = 0;
    addresses += 1;
    address = `203.0.113.${addresses}`;
  });

  async function optIn(user: TestUser): Promise<void> {
    await t.delivery(await t.login(user)).send('mutation { updateNotificationSettings(input: { emailDigest: true }) { emailDigest } }');
  }

  async function notify(user: TestUser, summary: string): Promise<void> {
    const service = t.app.get(MemberNotificationsService);
    await t.dataSource.transaction((tx) =>
      service.notify(tx, { recipientId: user.user.id, kind: MemberNotificationKind.ReplyOnFollowedThread, actorId: null, subjectKind: 'thread', subjectId: user.user.id, summary }),
    );
  }

  async function digestIsOn(user: TestUser): Promise<boolean> {
    const rows = (await t.dataSource.query('SELECT email_digest FROM notification_settings WHERE user_id = $1', [user.user.id])) as { email_digest: boolean }[];
    return rows[0]?.email_digest ?? false;
  }

  /** The path and query of a link, as the API sees it behind the help site's proxy. */
  const pathOf = (link: string): string => {
    const url = new URL(link);
    return `${url.pathname}${url.search}`;
  };

  /** What a mail provider sends for a one-click unsubscribe (RFC 8058 section 3.2). */
  const oneClick = (path: string) =>
    t.http().post(path).set('x-forwarded-for', address).set('content-type', 'application/x-www-form-urlencoded').send('List-Unsubscribe=One-Click');

  function headerOf(raw: string, name: string): string | undefined {
    const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
    return head.split(/\r?\n/).find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();
  }

  it('mails List-Unsubscribe and List-Unsubscribe-Post with the link the body ends with; POSTing it as a provider turns the digest off', async () => {
    const ana = await t.createUser({ displayName: 'Ana' });
    await optIn(ana);
    await notify(ana, 'How do I export invoices?');
    expect(await digest.runDigest()).toMatchObject({ mailed: 1 });
    const [mail] = smtp.mails;

    const listUnsubscribe = headerOf(mail.raw, 'List-Unsubscribe');
    expect(listUnsubscribe).toMatch(/^<https:\/\/help\.lumen\.test\/unsubscribe\?token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}>$/);
    expect(headerOf(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const link = listUnsubscribe!.slice(1, -1);
    const body = mail.text.split(/\r?\n\r?\n/).slice(1).join('\n\n').trimEnd();
    expect(body.endsWith(`To stop them, open this link (no sign-in needed): ${link}`)).toBe(true);
    expect(link).toBe(digestUnsubscribeUrl(t.config, ana.user.id));

    const res = await oneClick(pathOf(link));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('You are unsubscribed');

    const settings = await t.delivery(await t.login(ana)).send(SETTINGS);
    expect(settings.data?.notificationSettings).toEqual({ emailDigest: false });
    await notify(ana, 'Another reply after unsubscribing');
    expect(await digest.runDigest()).toEqual({ mailed: 0, notifications: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(1);
  });

  it('GET shows a confirmation form posting to the same URL and changes nothing (link scanners prefetch GETs)', async () => {
    const bo = await t.createUser({ displayName: 'Bo' });
    await optIn(bo);
    const path = pathOf(digestUnsubscribeUrl(t.config, bo.user.id));
    const token = new URL(path, 'http://x').searchParams.get('token')!;

    for (let i = 0; i < 3; i += 1) {
      const res = await t.http().get(path).set('x-forwarded-for', address).set('accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain(`<form method="post" action="?token=${token}">`);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await t.http().head(path).set('x-forwarded-for', address)).status).toBe(200);
    expect(await digestIsOn(bo)).toBe(true);

    // The form's own submission: the browser posts the form fields to `?token=…` relative to the page.
    const submitted = await t.http().post(path).set('x-forwarded-for', address).set('accept', 'text/html').type('form').send({ 'List-Unsubscribe': 'One-Click' });
    expect(submitted.status).toBe(200);
    expect(await digestIsOn(bo)).toBe(false);
    const after = await t.http().get(path).set('x-forwarded-for', address);
    expect(after.status).toBe(200);
    expect(after.text).toContain('Email digests are off');
    expect(after.text).not.toContain('<form');
  });

  it('accepts the POST with a form body, a multipart body, or none, and is idempotent', async () => {
    const cy = await t.createUser();
    await optIn(cy);
    const path = pathOf(digestUnsubscribeUrl(t.config, cy.user.id));
    expect((await oneClick(path)).status).toBe(200);
    expect((await oneClick(path)).status).toBe(200);
    expect((await t.http().post(path).set('x-forwarded-for', address)).status).toBe(200);
    expect((await t.http().post(path).set('x-forwarded-for', address).field('List-Unsubscribe', 'One-Click')).status).toBe(200);
    expect(await digestIsOn(cy)).toBe(false);
    const rows = (await t.dataSource.query('SELECT count(*)::int AS n FROM notification_settings WHERE user_id = $1', [cy.user.id])) as { n: number }[];
    expect(rows[0].n).toBe(1);
  });

  it('takes many parallel POSTs of one link (each 200, one settings row, digest off)', async () => {
    const dee = await t.createUser();
    await optIn(dee);
    const path = pathOf(digestUnsubscribeUrl(t.config, dee.user.id));
    const answers = await Promise.all(Array.from({ length: 12 }, () => oneClick(path)));
    expect(answers.map((res) => res.status)).toEqual(Array(12).fill(200));
    expect(await digestIsOn(dee)).toBe(false);
  });

  describe('refuses a link that is not one of ours with 400 and a stable code, and changes nothing', () => {
    let eve: TestUser;
    let good: string;
    beforeAll(async () => {
      eve = await t.createUser();
      await optIn(eve);
      good = new URL(digestUnsubscribeUrl(t.config, eve.user.id)).searchParams.get('token')!;
    });

    const cases: [string, () => string, string][] = [
      ['no token', () => '/unsubscribe', 'TOKEN_MISSING'],
      ['an empty token', () => '/unsubscribe?token=', 'TOKEN_MISSING'],
      ['a tampered signature', () => `/unsubscribe?token=${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`, 'TOKEN_INVALID'],
      ['a tampered member', () => `/unsubscribe?token=${Buffer.from(`${DIGEST_UNSUBSCRIBE_PURPOSE}:${randomUUID()}`).toString('base64url')}.${good.split('.')[1]}`, 'TOKEN_INVALID'],
      ['a truncated token', () => `/unsubscribe?token=${good.slice(0, 30)}`, 'TOKEN_INVALID'],
      ['garbage', () => `/unsubscribe?token=${encodeURIComponent('<script>alert(1)</script>')}`, 'TOKEN_INVALID'],
      ['an oversized token', () => `/unsubscribe?token=${'A'.repeat(6000)}.${good.split('.')[1]}`, 'TOKEN_INVALID'],
      ['two tokens', () => `/unsubscribe?token=${good}&token=${good}`, 'TOKEN_INVALID'],
      ['a token for another purpose', () => `/unsubscribe?token=${signLinkToken(t.config.auth.jwtSecret!, 'password-reset', eve.user.id)}`, 'TOKEN_INVALID'],
      ['a token signed with another secret', () => `/unsubscribe?token=${signLinkToken(randomBytes(32).toString('hex'), DIGEST_UNSUBSCRIBE_PURPOSE, eve.user.id)}`, 'TOKEN_INVALID'],
    ];

    it.each(cases)('%s', async (_, path, reason) => {
      for (const method of ['get', 'post'] as const) {
        const res = await t.http()[method](path()).set('x-forwarded-for', address).set('accept', 'application/json');
        expect([method, res.status, res.body.error?.code, res.body.error?.reason]).toEqual([method, 400, 'BAD_USER_INPUT', reason]);
        expect(res.headers['cache-control']).toBe('no-store');
      }
      expect(await digestIsOn(eve)).toBe(true);
    });

    it('answers browsers with a page that repeats nothing of the link', async () => {
      const res = await t.http().post(`/unsubscribe?token=${encodeURIComponent('"><script>alert(1)</script>')}`).set('x-forwarded-for', address).set('accept', 'text/html');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('BAD_USER_INPUT TOKEN_INVALID');
      expect(res.text).not.toContain('<script>');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(await digestIsOn(eve)).toBe(true);
    });
  });

  it('refuses the link of a deleted or deactivated member with 410 ACCOUNT_CLOSED, and writes no settings row for them', async () => {
    const fay = await t.createUser();
    const gus = await t.createUser();
    await optIn(fay);
    await optIn(gus);
    const fayPath = pathOf(digestUnsubscribeUrl(t.config, fay.user.id));
    const gusPath = pathOf(digestUnsubscribeUrl(t.config, gus.user.id));
    const deleted = await t.delivery(await t.login(fay)).send(DELETE_ACCOUNT, { input: { password: fay.password } });
    expect(deleted.errors).toBeUndefined();
    await t.dataSource.query('UPDATE users SET deactivated_at = now() WHERE id = $1', [gus.user.id]);

    for (const path of [fayPath, gusPath]) {
      for (const method of ['get', 'post'] as const) {
        const res = await t.http()[method](path).set('x-forwarded-for', address);
        expect([method, res.status, res.body.error?.code, res.body.error?.reason]).toEqual([method, 410, 'BAD_USER_INPUT', 'ACCOUNT_CLOSED']);
      }
    }
    const rows = (await t.dataSource.query('SELECT user_id FROM notification_settings WHERE user_id = $1', [fay.user.id])) as unknown[];
    expect(rows).toEqual([]);
  });

  it(`counts every request against its client address: past ${LIMIT} per window 429 with Retry-After, other addresses unaffected`, async () => {
    const hal = await t.createUser();
    await optIn(hal);
    const path = pathOf(digestUnsubscribeUrl(t.config, hal.user.id));
    const answers = await Promise.all(Array.from({ length: LIMIT }, () => t.http().get('/unsubscribe?token=x.y').set('x-forwarded-for', address)));
    expect(answers.map((res) => res.status)).toEqual(Array(LIMIT).fill(400));

    const refused = await oneClick(path);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await digestIsOn(hal)).toBe(true);

    address = '198.51.100.7';
    expect((await oneClick(path)).status).toBe(200);
    expect(await digestIsOn(hal)).toBe(false);
  });
});

