import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BadUserInputError, NotFoundError } from '../common/errors/app-error';
import { decodeCursor, encodeCursor, PageWindow } from '../common/graphql/connection';
import { LiveEvents } from '../common/live-events/live-events.service';
import { MemberNotificationKind } from './member-notification-kind.enum';
import { MemberNotificationView, NotificationRow, toMemberNotificationView } from './member-notification-view';

/** Longest summary kept; longer ones are cut with an ellipsis. */
export const MAX_SUMMARY_LENGTH = 300;
/** Largest `data` object, as JSON: the notification travels whole in one NOTIFY (8000-byte limit). */
export const MAX_DATA_BYTES = 2000;
/** Most ids one markNotificationsRead call takes. */
export const MAX_MARK_IDS = 100;

export type NotificationData = Record<string, string | number | boolean | null>;

export interface NotifyInput {
  recipientId: string;
  kind: MemberNotificationKind;
  /** Who caused it; a member is never notified of their own action (null: the system). */
  actorId?: string | null;
  /** What it is about, e.g. `thread`, `post`. */
  subjectKind: string;
  subjectId: string;
  /** One line for the member, e.g. the thread title. */
  summary: string;
  data?: NotificationData;
  /** The same key for the same recipient is stored once (e.g. `mention:<postId>`): a repeated call is a no-op. */
  dedupeKey?: string;
}

export interface NotificationPage {
  items: { cursor: string; node: MemberNotificationView }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
  totalCount: number;
  unreadCount: number;
}

export type MarkReadTarget = { ids: readonly string[] } | { all: true };

/** Payload of the `member-notification-added` live event. */
export interface NotificationAddedEvent {
  recipientId: string;
  notification: NotificationRow;
}

const NOTIFICATION_COLUMNS = `n.id, n.recipient_id, n.kind, n.actor_id, a.display_name AS actor_name, n.subject_kind, n.subject_id,
  n.summary, n.data, to_json(n.created_at) #>> '{}' AS created_at, to_json(n.read_at) #>> '{}' AS read_at`;

/**
 * Member notifications: raised by other modules inside their own transactions (`notify`), listed and marked
 * read by their recipient, pushed live to the recipient's `notificationAdded` subscriptions after commit.
 */
@Injectable()
export class MemberNotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly liveEvents: LiveEvents,
  ) {}

  /**
   * Records a notification in the caller's transaction and announces it (delivered when that transaction
   * commits; nothing when it rolls back). Returns null when nothing was recorded: the recipient caused it,
   * their account is deactivated or deleted, or the dedupe key was used already. The recipient's row is taken
   * `FOR KEY SHARE`: a recipient whose account deletion is committing is checked again once it has (and skipped), so
   * no notification is left for an erased account.
   */
  async notify(tx: EntityManager, input: NotifyInput): Promise<MemberNotificationView | null> {
    const [recorded] = await this.notifyMany(tx, [input]);
    return recorded ?? null;
  }

  /**
   * `notify` for many recipients at once (the followers of a thread): two statements whatever their number.
   * Returns what was recorded, skipping as `notify` does.
   */
  async notifyMany(tx: EntityManager, inputs: readonly NotifyInput[]): Promise<MemberNotificationView[]> {
    const kept = inputs.filter((input) => !(input.actorId && input.actorId === input.recipientId));
    if (kept.length === 0) return [];
    const datas = kept.map((input) => {
      const data = JSON.stringify(input.data ?? {});
      const bytes = Buffer.byteLength(data);
      if (bytes > MAX_DATA_BYTES) throw new Error(`Notification data of ${bytes} bytes is over the ${MAX_DATA_BYTES}-byte limit`);
      return data;
    });
    const rows = (await tx.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::member_notification_kind[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::jsonb[], $8::text[])
           WITH ORDINALITY AS i(recipient_id, kind, actor_id, subject_kind, subject_id, summary, data, dedupe_key, ord)),
       inserted AS (
         INSERT INTO member_notifications (recipient_id, kind, actor_id, subject_kind, subject_id, summary, data, dedupe_key)
         SELECT i.recipient_id, i.kind, i.actor_id, i.subject_kind, i.subject_id, i.summary, i.data, i.dedupe_key
         FROM input i JOIN users u ON u.id = i.recipient_id AND u.deactivated_at IS NULL
         ORDER BY i.ord
         FOR KEY SHARE OF u
         ON CONFLICT (recipient_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
         RETURNING *)
       SELECT ${NOTIFICATION_COLUMNS} FROM inserted n LEFT JOIN users a ON a.id = n.actor_id`,
      [
        kept.map((input) => input.recipientId),
        kept.map((input) => input.kind),
        kept.map((input) => input.actorId ?? null),
        kept.map((input) => input.subjectKind),
        kept.map((input) => input.subjectId),
        kept.map((input) => (input.summary.length > MAX_SUMMARY_LENGTH ? `${input.summary.slice(0, MAX_SUMMARY_LENGTH - 1)}…` : input.summary)),
        datas,
        kept.map((input) => input.dedupeKey ?? null),
      ],
    )) as NotificationRow[];
    const events: NotificationAddedEvent[] = rows.map((row) => ({ recipientId: row.recipient_id, notification: row }));
    await this.liveEvents.publishMany(tx, 'member-notification-added', events);
    return rows.map(toMemberNotificationView);
  }

  /** The recipient's notifications, newest first. */
  /** Newest first; backwards (`last`/`before`) the same keyset compared and walked the other way, returned newest first. */
  async list(recipientId: string, page: { window: PageWindow; unreadOnly?: boolean }): Promise<NotificationPage> {
    const { window } = page;
    const forward = window.direction === 'forward';
    const params: unknown[] = [recipientId, window.size + 1];
    const where = ['n.recipient_id = $1'];
    if (page.unreadOnly) where.push('n.read_at IS NULL');
    if (window.cursor) {
      const field = forward ? 'after' : 'before';
      const refuse = (): BadUserInputError =>
        new BadUserInputError('The cursor is not valid', [{ field, messages: [`${field} must be a cursor returned by this list`] }]);
      let parts: (string | number)[];
      try {
        parts = decodeCursor(window.cursor, 2);
      } catch {
        throw refuse();
      }
      const [createdAt, id] = parts;
      if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt)) || !UUID.test(id)) throw refuse();
      params.push(createdAt, id);
      where.push(`(n.created_at, n.id) ${forward ? '<' : '>'} ($3::timestamptz, $4::uuid)`);
    }
    const walk = forward ? 'DESC' : 'ASC';
    const [rows, counts] = await Promise.all([
      this.dataSource.query(
        `SELECT ${NOTIFICATION_COLUMNS} FROM member_notifications n LEFT JOIN users a ON a.id = n.actor_id
         WHERE ${where.join(' AND ')} ORDER BY n.created_at ${walk}, n.id ${walk} LIMIT $2`,
        params,
      ) as Promise<NotificationRow[]>,
      this.dataSource.query(
        `SELECT count(*)::int AS total, (count(*) FILTER (WHERE read_at IS NULL))::int AS unread FROM member_notifications WHERE recipient_id = $1`,
        [recipientId],
      ) as Promise<{ total: number; unread: number }[]>,
    ]);
    const more = rows.length > window.size;
    const items = rows.slice(0, window.size);
    if (!forward) items.reverse();
    const first = items[0];
    const last = items[items.length - 1];
    return {
      items: items.map((row) => ({ cursor: encodeCursor([row.created_at, row.id]), node: toMemberNotificationView(row) })),
      hasNextPage: forward ? more : window.cursor !== null,
      hasPreviousPage: forward ? window.cursor !== null : more,
      startCursor: first ? encodeCursor([first.created_at, first.id]) : null,
      endCursor: last ? encodeCursor([last.created_at, last.id]) : null,
      totalCount: page.unreadOnly ? counts[0].unread : counts[0].total,
      unreadCount: counts[0].unread,
    };
  }

  async unreadCount(recipientId: string): Promise<number> {
    const [{ unread }] = (await this.dataSource.query(
      'SELECT count(*)::int AS unread FROM member_notifications WHERE recipient_id = $1 AND read_at IS NULL',
      [recipientId],
    )) as { unread: number }[];
    return unread;
  }

  /**
   * Marks the recipient's notifications read: the given ones (each must be theirs; one that is not, or does not
   * exist, is NOT_FOUND alike and nothing is marked) or all. Already read ones keep their first read time.
   */
  async markRead(recipientId: string, target: MarkReadTarget): Promise<{ markedCount: number; unreadCount: number }> {
    return this.dataSource.transaction(async (tx) => {
      let markedCount: number;
      if ('all' in target) {
        const marked = (await tx.query(
          'UPDATE member_notifications SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL RETURNING id',
          [recipientId],
        )) as [unknown[], number];
        markedCount = marked[1];
      } else {
        const ids = [...new Set(target.ids)];
        const found = (await tx.query('SELECT id FROM member_notifications WHERE recipient_id = $1 AND id = ANY($2::uuid[]) FOR UPDATE', [
          recipientId,
          ids,
        ])) as { id: string }[];
        const foundIds = new Set(found.map((row) => row.id));
        const missing = ids.find((id) => !foundIds.has(id));
        if (missing) throw new NotFoundError('Notification', missing);
        const marked = (await tx.query(
          'UPDATE member_notifications SET read_at = now() WHERE recipient_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL RETURNING id',
          [recipientId, ids],
        )) as [unknown[], number];
        markedCount = marked[1];
      }
      const [{ unread }] = (await tx.query(
        'SELECT count(*)::int AS unread FROM member_notifications WHERE recipient_id = $1 AND read_at IS NULL',
        [recipientId],
      )) as { unread: number }[];
      return { markedCount, unreadCount: unread };
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
