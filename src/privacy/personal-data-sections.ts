import { EntityManager } from 'typeorm';
import { FORUM_PERSONAL_DATA_SECTIONS } from '../forum/forum-personal-data';
import { PROMOTED_ANSWER_CREDITS } from '../moderation/capture/promoted-answer-credits';

/**
 * One kind of personal data the product keeps about a user: what `exportMyData` includes and what
 * `deleteMyAccount` erases. A module that stores data about users adds its section here (the forum: posts
 * authored, votes, flags, follows), so export and deletion cover it. The `users` row itself is handled by
 * PrivacyService (anonymized, never deleted: content keeps its author reference).
 */
export interface PersonalDataSection {
  /** Key in the export JSON. */
  name: string;
  /** Absent for internal bookkeeping that only deletion must reach (counters, links in derived stores). */
  export?(tx: EntityManager, userId: string): Promise<unknown>;
  /** Runs inside the deletion transaction. */
  erase(tx: EntityManager, userId: string): Promise<void>;
}

export const PERSONAL_DATA_SECTIONS: readonly PersonalDataSection[] = [
  {
    name: 'accessTokens',
    // Metadata only: the secret is never stored (only its hash, not exported either).
    export: (tx, userId) =>
      tx.query(
        `SELECT id, name, token_prefix AS "tokenPrefix", role, read_only AS "readOnly", created_at AS "createdAt",
                last_used_at AS "lastUsedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"
         FROM access_tokens WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      ),
    erase: async (tx, userId) => {
      await tx.query('DELETE FROM access_tokens WHERE user_id = $1', [userId]);
    },
  },
  {
    name: 'notificationSettings',
    export: async (tx, userId) => {
      const rows = (await tx.query(
        `SELECT email_digest AS "emailDigest", email_digest_since AS "emailDigestSince", updated_at AS "updatedAt"
         FROM notification_settings WHERE user_id = $1`,
        [userId],
      )) as unknown[];
      return rows[0] ?? null;
    },
    erase: async (tx, userId) => {
      await tx.query('DELETE FROM notification_settings WHERE user_id = $1', [userId]);
    },
  },
  {
    name: 'notifications',
    export: (tx, userId) =>
      tx.query(
        `SELECT id, kind, subject_kind AS "subjectKind", subject_id AS "subjectId", summary, data,
                created_at AS "createdAt", read_at AS "readAt", emailed_at AS "emailedAt"
         FROM member_notifications WHERE recipient_id = $1 ORDER BY created_at`,
        [userId],
      ),
    // Notifications *to* the user go; ones they caused for others stay, credited to "Deleted member".
    erase: async (tx, userId) => {
      await tx.query('DELETE FROM member_notifications WHERE recipient_id = $1', [userId]);
    },
  },
  {
    name: 'articleFeedback',
    export: (tx, userId) =>
      tx.query(
        `SELECT f.id, f.article_id AS "articleId", f.locale, f.revision_id AS "revisionId", f.is_helpful AS "isHelpful",
                f.comment, f.created_at AS "createdAt"
         FROM article_feedback f WHERE f.member_id = $1 ORDER BY f.created_at`,
        [userId],
      ),
    // The vote and its comment stay (editors' evidence), no longer linked to the member: the one-vote-a-day key is an
    // HMAC of the member id (anyone with the secret could recompute it), so it is replaced by one of the row's own.
    erase: async (tx, userId) => {
      await tx.query(`UPDATE article_feedback SET member_id = NULL, client_key = 'erased:' || id WHERE member_id = $1`, [userId]);
    },
  },
  {
    name: 'auditTrail',
    // What the user did as staff; append-only by design (a trigger refuses changes), and it names only the user id.
    export: (tx, userId) =>
      tx.query(
        `SELECT action, subject_kind AS "subjectKind", subject_id AS "subjectId", occurred_at AS "occurredAt"
         FROM audit_entries WHERE actor_id = $1 ORDER BY occurred_at`,
        [userId],
      ),
    erase: async () => undefined,
  },
  {
    name: 'autoModeration',
    // Internal counters (recent post hashes for the duplicate rule, rate-limit windows), kept briefly: not exported.
    erase: async (tx, userId) => {
      await tx.query('DELETE FROM post_fingerprints WHERE author_id = $1', [userId]);
      await tx.query('DELETE FROM moderation_rate_counters WHERE counter_key = ANY($1::text[])', [['post:', 'flag:', 'export:'].map((prefix) => prefix + userId)]);
    },
  },
  {
    name: 'recurringQuestions',
    // Copies of the member's questions for staleness detection: the text stays (the thread stays too), the link goes.
    erase: async (tx, userId) => {
      await tx.query('UPDATE recurring_questions SET author_id = NULL WHERE author_id = $1', [userId]);
    },
  },
  ...FORUM_PERSONAL_DATA_SECTIONS,
  PROMOTED_ANSWER_CREDITS,
];
