import { MemberNotificationKind } from '../member-notification-kind.enum';

export interface DigestItem {
  kind: MemberNotificationKind;
  actorName: string | null;
  summary: string;
  createdAt: Date;
}

export interface DigestMail {
  subject: string;
  text: string;
  /** RFC 2369 and RFC 8058 (one-click): mail providers show an unsubscribe button that POSTs to the link. */
  headers: { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** Most items listed in one mail; the rest are counted ("and 3 more"). */
export const MAX_DIGEST_ITEMS = 50;

const WHAT: Record<MemberNotificationKind, { phrase: string; nobody: string }> = {
  [MemberNotificationKind.ReplyOnFollowedThread]: { phrase: 'replied in a thread you follow', nobody: 'Someone' },
  [MemberNotificationKind.AnswerAccepted]: { phrase: 'accepted your answer', nobody: 'Someone' },
  [MemberNotificationKind.Mention]: { phrase: 'mentioned you', nobody: 'Someone' },
  [MemberNotificationKind.ModerationDecision]: { phrase: 'made a moderation decision on your post', nobody: 'A moderator' },
  [MemberNotificationKind.AnswerPromoted]: { phrase: 'is turning your accepted answer into a help article', nobody: 'An editor' },
  [MemberNotificationKind.PromotedArticlePublished]: { phrase: 'published the help article made from your answer', nobody: 'The help team' },
};

/** One line of text: no line breaks (mail headers, list items), trimmed. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/** The digest mail of one member: what happened, oldest first, as plain text, ending with the unsubscribe link. */
export function composeDigest(input: {
  displayName: string;
  items: readonly DigestItem[];
  siteName: string;
  siteUrl: string;
  /** The member's one-click unsubscribe link (`digestUnsubscribeUrl`): an http(s) URL without spaces or `<>`. */
  unsubscribeUrl: string;
}): DigestMail {
  const { items } = input;
  if (items.length === 0) throw new Error('A digest needs at least one notification');
  if (!/^https?:\/\/[^\s<>"]+$/.test(input.unsubscribeUrl)) throw new Error('The unsubscribe link must be an http(s) URL without spaces or <>');
  const subject =
    items.length === 1
      ? `${input.siteName}: ${oneLine(items[0].summary)}`.slice(0, 200)
      : `${input.siteName}: ${items.length} new notifications`;
  const listed = items.slice(0, MAX_DIGEST_ITEMS).map((item) => {
    const what = WHAT[item.kind];
    return `- ${oneLine(item.actorName ?? what.nobody)} ${what.phrase}: ${oneLine(item.summary)} (${item.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  });
  const more = items.length > MAX_DIGEST_ITEMS ? [`…and ${items.length - MAX_DIGEST_ITEMS} more.`] : [];
  const text = [
    `Hello ${oneLine(input.displayName)},`,
    '',
    'Here is what happened since your last digest:',
    '',
    ...listed,
    ...more,
    '',
    `Read them all at ${input.siteUrl}`,
    '',
    'You get this mail because email digests are on in your notification settings.',
    `To stop them, open this link (no sign-in needed): ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  return {
    subject,
    text,
    headers: { 'List-Unsubscribe': `<${input.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
