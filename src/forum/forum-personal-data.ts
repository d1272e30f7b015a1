import type { PersonalDataSection } from '../privacy/personal-data-sections';

/**
 * The forum's personal data for `exportMyData` / `deleteMyAccount` (docs/notifications.md#privacy).
 * Threads, posts and revisions stay on deletion, shown by "Deleted member" (the users row is anonymized);
 * votes and follows are deleted; flags stay for moderators without their flagger.
 */
export const FORUM_PERSONAL_DATA_SECTIONS: readonly PersonalDataSection[] = [
  {
    name: 'forumThreads',
    export: (tx, userId) =>
      tx.query(
        `SELECT t.id, b.slug AS "boardSlug", t.slug, t.title, t.status, t.tags, t.is_solved AS "isSolved", t.created_at AS "createdAt"
         FROM threads t JOIN boards b ON b.id = t.board_id WHERE t.author_id = $1 ORDER BY t.created_at, t.id`,
        [userId],
      ),
    erase: async () => undefined,
  },
  {
    name: 'forumPosts',
    export: (tx, userId) =>
      tx.query(
        `SELECT p.id, p.thread_id AS "threadId", p.is_question AS "isQuestion", p.status, p.body_markdown AS "bodyMarkdown",
                p.score, p.created_at AS "createdAt", p.edited_at AS "editedAt", p.deleted_at AS "deletedAt"
         FROM posts p WHERE p.author_id = $1 ORDER BY p.created_at, p.id`,
        [userId],
      ),
    erase: async () => undefined,
  },
  {
    name: 'forumPostRevisions',
    // Every version the user wrote (their own posts' history; a staff member's edits of others' posts too).
    export: (tx, userId) =>
      tx.query(
        `SELECT r.post_id AS "postId", r.number, r.title, r.body_markdown AS "bodyMarkdown", r.reason, r.created_at AS "createdAt"
         FROM post_revisions r WHERE r.editor_id = $1 ORDER BY r.created_at, r.post_id, r.number`,
        [userId],
      ),
    erase: async () => undefined,
  },
  {
    name: 'forumVotes',
    export: (tx, userId) =>
      tx.query(
        `SELECT v.post_id AS "postId", p.thread_id AS "threadId", v.value, v.created_at AS "createdAt", v.updated_at AS "updatedAt"
         FROM post_votes v JOIN posts p ON p.id = v.post_id WHERE v.voter_id = $1 ORDER BY v.created_at, v.post_id`,
        [userId],
      ),
    // The votes go and the posts' counts (and their threads' scores) are recomputed, as when a vote is withdrawn.
    erase: async (tx, userId) => {
      const removed = (await tx.query('DELETE FROM post_votes WHERE voter_id = $1 RETURNING post_id', [userId])) as [{ post_id: string }[], number];
      const postIds = [...new Set(removed[0].map((row) => row.post_id))].sort();
      if (postIds.length === 0) return;
      await tx.query(
        `UPDATE posts p SET upvote_count = v.up, downvote_count = v.down, score = v.up - v.down
         FROM (SELECT id, (SELECT count(*) FILTER (WHERE value = 1) FROM post_votes WHERE post_id = ids.id)::int AS up,
                          (SELECT count(*) FILTER (WHERE value = -1) FROM post_votes WHERE post_id = ids.id)::int AS down
               FROM unnest($1::uuid[]) AS ids(id)) v
         WHERE p.id = v.id`,
        [postIds],
      );
      await tx.query('UPDATE threads t SET score = p.score FROM posts p WHERE p.id = ANY($1::uuid[]) AND p.is_question AND t.id = p.thread_id', [postIds]);
    },
  },
  {
    name: 'forumFollows',
    export: (tx, userId) =>
      tx.query(
        // Another member's thread taken off the public side since: its id only (its title may be why it was removed).
        `SELECT f.thread_id AS "threadId", CASE WHEN t.status = 'visible' OR t.author_id = $1 THEN t.slug END AS slug,
                CASE WHEN t.status = 'visible' OR t.author_id = $1 THEN t.title END AS title, f.created_at AS "createdAt"
         FROM thread_follows f JOIN threads t ON t.id = f.thread_id WHERE f.user_id = $1 ORDER BY f.created_at, f.thread_id`,
        [userId],
      ),
    erase: async (tx, userId) => {
      await tx.query('DELETE FROM thread_follows WHERE user_id = $1', [userId]);
    },
  },
  {
    name: 'forumFlags',
    export: (tx, userId) =>
      tx.query(
        `SELECT id, target_kind AS "targetKind", thread_id AS "threadId", post_id AS "postId", kind, note,
                duplicate_of_thread_id AS "duplicateOfThreadId", status, created_at AS "createdAt", resolved_at AS "resolvedAt"
         FROM flags WHERE flagger_id = $1 ORDER BY created_at, id`,
        [userId],
      ),
    // The report stays for moderators (like article feedback), no longer linked to the member.
    erase: async (tx, userId) => {
      await tx.query('UPDATE flags SET flagger_id = NULL WHERE flagger_id = $1', [userId]);
    },
  },
];
