import { DIGEST_JOB, NotificationDigestService } from '../src/notifications/digest/notification-digest.service';
import { JobRunner } from '../src/jobs/job-runner';
import { MemberNotificationKind } from '../src/notifications/member-notification-kind.enum';
import { MemberNotificationsService } from '../src/notifications/member-notifications.service';
import { createTestApp, TestApp, TestUser } from './support/create-test-app';
import { SmtpSink, startSmtpSink } from './support/smtp-sink';

describe('email digest of notifications (real SMTP server in process)', () => {
  let smtp: SmtpSink;
  let t: TestApp;
  let digest: NotificationDigestService;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'Lumen Help <help@lumen.test>', NOTIFICATION_DIGEST_MINUTES: '60' });
    digest = t.app.get(NotificationDigestService);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => {
    smtp.mails.length = 0;
    smtp.refuseWith = null;
  });

  async function optIn(user: TestUser): Promise<void> {
    const res = await t.delivery(await t.login(user)).send('mutation { updateNotificationSettings(input: { emailDigest: true }) { emailDigest emailAvailable } }');
    expect(res.data?.updateNotificationSettings).toEqual({ emailDigest: true, emailAvailable: true });
  }

  async function notify(user: TestUser, summary: string, actorId: string | null = null): Promise<string> {
    const service = t.app.get(MemberNotificationsService);
    const view = await t.dataSource.transaction((tx) =>
      service.notify(tx, { recipientId: user.user.id, kind: MemberNotificationKind.ReplyOnFollowedThread, actorId, subjectKind: 'thread', subjectId: user.user.id, summary }),
    );
    return view!.id;
  }

  it('registers the digest as a queued job (one run at a time across instances) every NOTIFICATION_DIGEST_MINUTES', async () => {
    const report = await t.app.get(JobRunner).report();
    expect(report.jobs.find((job) => job.name === DIGEST_JOB)).toMatchObject({ mode: 'queue', everySeconds: 3600 });
  });

  it('mails one digest per member when many runs overlap on many notifications (no run takes part of them)', async () => {
    const dee = await t.createUser({ displayName: 'Dee' });
    await optIn(dee);
    await t.dataSource.query(
      `INSERT INTO member_notifications (recipient_id, kind, subject_kind, subject_id, summary)
       SELECT $1, $2, 'thread', $1, 'Reply ' || i FROM generate_series(1, 3000) AS i`,
      [dee.user.id, MemberNotificationKind.ReplyOnFollowedThread],
    );
    const runs = await Promise.all(Array.from({ length: 12 }, () => digest.runDigest()));
    expect([runs.reduce((sum, run) => sum + run.mailed, 0), runs.reduce((sum, run) => sum + run.notifications, 0)]).toEqual([1, 3000]);
    expect(smtp.mails.filter((mail) => mail.to.includes(dee.user.email))).toHaveLength(1);
  });

  it('mails each opted-in member one digest of their unread notifications, once, even when runs overlap', async () => {
    const ana = await t.createUser({ displayName: 'Ana' });
    const bo = await t.createUser({ displayName: 'Bo' });
    const cy = await t.createUser({ displayName: 'Cy' });
    await notify(ana, 'Written before Ana turned the digest on');
    await optIn(ana);
    await optIn(cy);
    const read = await notify(ana, 'Already read in the app');
    await t.delivery(await t.login(ana)).send('mutation ($ids: [ID!]) { markNotificationsRead(input: { ids: $ids }) { markedCount } }', { ids: [read] });
    await notify(ana, 'How do I export invoices?', cy.user.id);
    await notify(ana, 'Refund for a double charge');
    await notify(bo, 'Bo has not opted in');

    const runs = await Promise.all([digest.runDigest(), digest.runDigest(), digest.runDigest()]);

    expect(runs.reduce((sum, run) => sum + run.mailed, 0)).toBe(1);
    expect(runs.reduce((sum, run) => sum + run.notifications, 0)).toBe(2);
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.to).toEqual([ana.user.email]);
    expect(mail.from).toBe('help@lumen.test');
    expect(mail.text).toContain('Subject: Lumen Help: 2 new notifications');
    expect(mail.text).toContain('Hello Ana,');
    expect(mail.text).toContain('- Cy replied in a thread you follow: How do I export invoices?');
    expect(mail.text).toContain('- Someone replied in a thread you follow: Refund for a double charge');
    expect(mail.text).not.toContain('Already read in the app');
    expect(mail.text).not.toContain('Written before');

    expect(await digest.runDigest()).toEqual({ mailed: 0, notifications: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(1);
    const emailed = (await t.dataSource.query(
      'SELECT count(*) FILTER (WHERE emailed_at IS NOT NULL)::int AS emailed FROM member_notifications WHERE recipient_id = $1',
      [ana.user.id],
    )) as { emailed: number }[];
    expect(emailed[0].emailed).toBe(2);
  });

  it('keeps notifications whose mail the server refused, and sends them with the next run', async () => {
    const dee = await t.createUser({ displayName: 'Dee' });
    await optIn(dee);
    await notify(dee, 'Your answer was accepted');
    smtp.refuseWith = 'Mailbox full';

    expect(await digest.runDigest()).toEqual({ mailed: 0, notifications: 0, failed: 1 });
    expect(smtp.mails).toHaveLength(0);

    smtp.refuseWith = null;
    expect(await digest.runDigest()).toEqual({ mailed: 1, notifications: 1, failed: 0 });
    expect(smtp.mails.map((m) => m.to)).toEqual([[dee.user.email]]);
  });

  it('stops mailing a member who turned the digest off, or whose account is deactivated', async () => {
    const eve = await t.createUser();
    const fay = await t.createUser();
    await optIn(eve);
    await optIn(fay);
    await notify(eve, 'One');
    await notify(fay, 'Two');
    await t.delivery(await t.login(eve)).send('mutation { updateNotificationSettings(input: { emailDigest: false }) { emailDigest } }');
    await t.dataSource.query('UPDATE users SET deactivated_at = now() WHERE id = $1', [fay.user.id]);

    expect(await digest.runDigest()).toEqual({ mailed: 0, notifications: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(0);
  });
});
