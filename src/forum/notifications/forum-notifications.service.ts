import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MemberNotificationKind } from '../../notifications/member-notification-kind.enum';
import { MemberNotificationsService, NotifyInput } from '../../notifications/member-notifications.service';
import { mentionCandidates, normalizeName, resolveMentions } from './mentions';

export interface NotifiedPost {
  id: string;
  authorId: string | null;
  isQuestion: boolean;
  /** The rendered plain text: mentions are read from it (so not from link targets or raw HTML). */
  bodyText: string;
}

export interface NotifiedThread {
  id: string;
  slug: string;
  title: string;
}

/**
 * What the forum tells members (docs/forum.md#notifications). Every method runs in the caller's transaction:
 * the notifications commit or roll back with the write. Only visible posts in visible threads notify — a post
 * held for moderation calls `postPublished` in the transaction that approves it.
 */
@Injectable()
export class ForumNotifications {
  constructor(private readonly notifications: MemberNotificationsService) {}

  /**
   * A post became visible (posted, or approved by a moderator): the mentioned members get `mention`; for a
   * reply, the thread's other followers get `reply_on_followed_thread` (a follower who is also mentioned
   * gets the mention only). Never the post's author.
   */
  async postPublished(tx: EntityManager, post: NotifiedPost, thread: NotifiedThread): Promise<void> {
    const mentioned = await this.mentionedMembers(tx, post);
    const inputs = this.mentionInputs(post, thread, mentioned);
    if (!post.isQuestion) {
      const followers = (await tx.query('SELECT user_id FROM thread_follows WHERE thread_id = $1 AND user_id <> ALL($2::uuid[]) ORDER BY created_at', [
        thread.id,
        [...mentioned, ...(post.authorId ? [post.authorId] : [])],
      ])) as { user_id: string }[];
      for (const { user_id: recipientId } of followers) {
        inputs.push({
          recipientId,
          kind: MemberNotificationKind.ReplyOnFollowedThread,
          actorId: post.authorId,
          subjectKind: 'post',
          subjectId: post.id,
          summary: thread.title,
          data: { threadId: thread.id, threadSlug: thread.slug, postId: post.id },
          dedupeKey: `reply:${post.id}`,
        });
      }
    }
    if (inputs.length > 0) await this.notifications.notifyMany(tx, inputs);
  }

  /** A visible post was edited: members it newly mentions get `mention` (those mentioned before are not told twice). */
  async postEdited(tx: EntityManager, post: NotifiedPost, thread: NotifiedThread): Promise<void> {
    const inputs = this.mentionInputs(post, thread, await this.mentionedMembers(tx, post));
    if (inputs.length > 0) await this.notifications.notifyMany(tx, inputs);
  }

  /** The answer's author learns it was accepted (once per answer: accepting it again after unaccepting is quiet). */
  async answerAccepted(tx: EntityManager, actorId: string, answer: { id: string; authorId: string | null }, thread: NotifiedThread): Promise<void> {
    if (!answer.authorId) return;
    await this.notifications.notify(tx, {
      recipientId: answer.authorId,
      kind: MemberNotificationKind.AnswerAccepted,
      actorId,
      subjectKind: 'post',
      subjectId: answer.id,
      summary: thread.title,
      data: { threadId: thread.id, threadSlug: thread.slug, postId: answer.id },
      dedupeKey: `accepted:${answer.id}`,
    });
  }

  /**
   * Credit for knowledge capture: the accepted answer's author learns that a help article was drafted from their
   * answer (`answer_promoted`), once per thread.
   */
  async answerPromoted(tx: EntityManager, actorId: string, answer: { id: string; authorId: string | null }, thread: NotifiedThread, articleId: string): Promise<void> {
    if (!answer.authorId) return;
    await this.notifications.notify(tx, {
      recipientId: answer.authorId,
      kind: MemberNotificationKind.AnswerPromoted,
      actorId,
      subjectKind: 'post',
      subjectId: answer.id,
      summary: thread.title,
      data: { threadId: thread.id, threadSlug: thread.slug, postId: answer.id, articleId },
      dedupeKey: `promoted:${thread.id}`,
    });
  }

  /**
   * The article drafted from the answer went public: its author is told, with the article's address, once per
   * article and locale (republishing a later revision is quiet).
   */
  async promotedArticlePublished(
    tx: EntityManager,
    actorId: string | null,
    answer: { id: string; authorId: string | null },
    thread: NotifiedThread,
    article: { id: string; locale: string; slug: string; title: string; url: string },
  ): Promise<void> {
    if (!answer.authorId) return;
    await this.notifications.notify(tx, {
      recipientId: answer.authorId,
      kind: MemberNotificationKind.PromotedArticlePublished,
      actorId,
      subjectKind: 'article',
      subjectId: article.id,
      summary: article.title,
      data: { threadId: thread.id, threadSlug: thread.slug, postId: answer.id, articleId: article.id, articleSlug: article.slug, articleUrl: article.url, locale: article.locale },
      dedupeKey: `promoted-published:${article.id}:${article.locale}`,
    });
  }

  private mentionInputs(post: NotifiedPost, thread: NotifiedThread, mentioned: readonly string[]): NotifyInput[] {
    return mentioned.map((recipientId) => ({
      recipientId,
      kind: MemberNotificationKind.Mention,
      actorId: post.authorId,
      subjectKind: 'post',
      subjectId: post.id,
      summary: thread.title,
      data: { threadId: thread.id, threadSlug: thread.slug, postId: post.id },
      dedupeKey: `mention:${post.id}`,
    }));
  }

  /** Active members the post mentions by display name (see mentions.ts), at most MAX_MENTIONS_PER_POST. */
  private async mentionedMembers(tx: EntityManager, post: NotifiedPost): Promise<string[]> {
    const mentions = mentionCandidates(post.bodyText);
    if (mentions.length === 0) return [];
    const names = [...new Set(mentions.flat())];
    const rows = (await tx.query(
      `SELECT id, display_name FROM users
       WHERE lower(regexp_replace(btrim(display_name), '\\s+', ' ', 'g')) = ANY($1::text[]) AND deactivated_at IS NULL`,
      [names],
    )) as { id: string; display_name: string }[];
    const byName = new Map<string, string[]>();
    for (const row of rows) {
      const key = normalizeName(row.display_name);
      byName.set(key, [...(byName.get(key) ?? []), row.id]);
    }
    return resolveMentions(mentions, byName).filter((id) => id !== post.authorId);
  }
}
