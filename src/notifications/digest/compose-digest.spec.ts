import { MemberNotificationKind } from '../member-notification-kind.enum';
import { composeDigest, DigestItem, MAX_DIGEST_ITEMS } from './compose-digest';

const at = new Date('2026-11-29T10:15:00Z');
const UNSUBSCRIBE = 'https://help.example.com/unsubscribe?token=abc.def';
const item = (overrides: Partial<DigestItem> = {}): DigestItem => ({
  kind: MemberNotificationKind.ReplyOnFollowedThread,
  actorName: 'Ana',
  summary: 'How do I export invoices?',
  createdAt: at,
  ...overrides,
});

describe('composeDigest', () => {
  it('names the one notification in the subject and lists it', () => {
    const mail = composeDigest({ displayName: 'Bo', items: [item()], siteName: 'Evergreen', siteUrl: 'https://help.example.com', unsubscribeUrl: UNSUBSCRIBE });
    expect(mail.subject).toBe('Evergreen: How do I export invoices?');
    expect(mail.text).toContain('Hello Bo,');
    expect(mail.text).toContain('- Ana replied in a thread you follow: How do I export invoices? (2026-11-29 10:15 UTC)');
    expect(mail.text).toContain('https://help.example.com');
  });

  it('counts several in the subject and words each kind, with a stand-in for a missing actor', () => {
    const mail = composeDigest({
      displayName: 'Bo',
      items: [
        item({ kind: MemberNotificationKind.AnswerAccepted }),
        item({ kind: MemberNotificationKind.Mention, actorName: null }),
        item({ kind: MemberNotificationKind.ModerationDecision, actorName: null, summary: 'Rejected: spam' }),
      ],
      siteName: 'Evergreen',
      siteUrl: 'https://help.example.com',
      unsubscribeUrl: UNSUBSCRIBE,
    });
    expect(mail.subject).toBe('Evergreen: 3 new notifications');
    expect(mail.text).toContain('- Ana accepted your answer:');
    expect(mail.text).toContain('- Someone mentioned you:');
    expect(mail.text).toContain('- A moderator made a moderation decision on your post: Rejected: spam');
  });

  it('keeps line breaks out of the subject and the lines (no header or line injection)', () => {
    const mail = composeDigest({
      displayName: 'Bo\r\nBcc: x@example.com',
      items: [item({ summary: 'Hi\r\nBcc: victim@example.com\n\nP.S.' })],
      siteName: 'Evergreen',
      siteUrl: 'https://help.example.com',
      unsubscribeUrl: UNSUBSCRIBE,
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('Hello Bo Bcc: x@example.com,');
    expect(mail.text).toContain(': Hi Bcc: victim@example.com P.S. (');
  });

  it(`lists at most ${MAX_DIGEST_ITEMS} and counts the rest`, () => {
    const items = Array.from({ length: MAX_DIGEST_ITEMS + 3 }, (_, i) => item({ summary: `Thread ${i}` }));
    const mail = composeDigest({ displayName: 'Bo', items, siteName: 'Evergreen', siteUrl: 'https://help.example.com', unsubscribeUrl: UNSUBSCRIBE });
    expect(mail.text.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(MAX_DIGEST_ITEMS);
    expect(mail.text).toContain('…and 3 more.');
  });

  it('ends with the one-click unsubscribe link and carries it in List-Unsubscribe with List-Unsubscribe-Post (RFC 8058)', () => {
    const mail = composeDigest({ displayName: 'Bo', items: [item()], siteName: 'Evergreen', siteUrl: 'https://help.example.com', unsubscribeUrl: UNSUBSCRIBE });
    expect(mail.text.trimEnd().split('\n').at(-1)).toBe(`To stop them, open this link (no sign-in needed): ${UNSUBSCRIBE}`);
    expect(mail.headers).toEqual({ 'List-Unsubscribe': `<${UNSUBSCRIBE}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  it.each([['javascript:alert(1)'], ['https://help.example.com/unsubscribe?token=a>\r\nBcc: x@example.com'], ['https://help.example.com/a b']])(
    'refuses an unsubscribe link that is not a plain http(s) URL (%p)',
    (unsubscribeUrl) => {
      expect(() => composeDigest({ displayName: 'Bo', items: [item()], siteName: 'Evergreen', siteUrl: 'https://help.example.com', unsubscribeUrl })).toThrow();
    },
  );

  it('refuses an empty digest', () => {
    expect(() => composeDigest({ displayName: 'Bo', items: [], siteName: 'Evergreen', siteUrl: 'x', unsubscribeUrl: UNSUBSCRIBE })).toThrow();
  });
});
