// The forum pages' SQL statements for an anonymous reader, as src/forum/forum-reading.service.ts runs them (kept in
// step by hand), and the statements before issue 12's changes: used by forum.bench.mjs (bare SQL) and
// forum-pg-time.mjs (PostgreSQL time per page).
// The service's statements (src/forum/forum-reading.service.ts) for an anonymous reader: a thread page is the thread row
// and one statement for its posts (question, accepted answer, first 20 replies); a board page is one statement.
export const AUTHOR = 'u.display_name AS author_name, u.trust_level AS author_trust, u.role AS author_role';
export const THREAD_COLUMNS = `t.id, t.board_id, b.slug AS board_slug, b.locale, t.slug, t.title, t.status, t.is_locked, t.is_pinned, t.is_solved, t.tags,
  t.reply_count, t.score, t.created_at, t.last_activity_at, t.solved_at, t.excerpt, ${AUTHOR}`;
export const THREAD_FROM = `threads t JOIN boards b ON b.id = t.board_id
  LEFT JOIN users u ON u.id = t.author_id`;
export const SQL_THREAD = `SELECT ${THREAD_COLUMNS}, t.accepted_post_id, t.duplicate_of_id, false AS is_following,
              (SELECT json_agg(json_build_object('key', p.key, 'name', p.name) ORDER BY p.key) FROM thread_products tp JOIN products p ON p.id = tp.product_id WHERE tp.thread_id = t.id) AS products
       FROM ${THREAD_FROM} WHERE t.slug = $1 AND t.status = 'visible'`;
export const POST_COLUMNS = `p.id, p.thread_id, p.is_question, (p.id IS NOT DISTINCT FROM t.accepted_post_id) AS is_accepted, p.status, p.body_markdown, p.body_html, p.body_text,
              p.revision_number, p.score, p.upvote_count, p.downvote_count, NULL::int AS my_vote, p.created_at, p.edited_at, ${AUTHOR},
              json_build_array(CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id)::text AS sort_key`;
export const POST_FROM = 'posts p JOIN threads t ON t.id = p.thread_id LEFT JOIN users u ON u.id = p.author_id ';
export const VISIBLE = "p.status = 'visible' AND t.status = 'visible'";
export const SQL_HEAD = `(SELECT 0 AS part, ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.thread_id = $1::uuid AND p.is_question AND ${VISIBLE} LIMIT 1)
       UNION ALL
       (SELECT 1 AS part, ${POST_COLUMNS} FROM ${POST_FROM} WHERE p.thread_id = $1::uuid AND p.id = t.accepted_post_id AND ${VISIBLE} LIMIT 1)
       UNION ALL
       (SELECT 2 AS part, ${POST_COLUMNS} FROM ${POST_FROM}
        WHERE p.thread_id = $1::uuid AND NOT p.is_question AND p.id IS DISTINCT FROM t.accepted_post_id AND ${VISIBLE}
        ORDER BY p.created_at, p.id LIMIT $2::int)`;
export const SQL_BOARD_PAGE = `SELECT ${THREAD_COLUMNS}, json_build_array(t.is_pinned::int, t.last_activity_at, t.id)::text AS sort_key FROM ${THREAD_FROM}
         WHERE t.status = 'visible' AND true AND t.board_id = (SELECT id FROM boards WHERE slug = $1::text) ORDER BY t.is_pinned::int DESC, t.last_activity_at DESC, t.id DESC LIMIT $2::int`;

// The statements before issue 12's changes (BENCH_BASELINE_MAIN only): five per thread page, two per board page.
export const B_AUTHOR = 'u.display_name AS author_name, u.trust_level AS author_trust, u.role AS author_role';
export const B_THREAD_COLUMNS = `t.id, t.board_id, b.slug AS board_slug, b.locale, t.slug, t.title, t.status, t.is_locked, t.is_pinned, t.is_solved, t.tags,
  t.reply_count, t.score, t.created_at, t.last_activity_at, t.solved_at, left(q.body_text, 201) AS excerpt, ${B_AUTHOR}`;
export const B_THREAD_FROM = `threads t JOIN boards b ON b.id = t.board_id LEFT JOIN posts q ON q.thread_id = t.id AND q.is_question LEFT JOIN users u ON u.id = t.author_id`;
export const B_READABLE = (a) => `(${a}.status = 'visible' OR (${a}.status = 'pending' AND ($3::boolean OR ${a}.author_id = $2::uuid)))`;
export const B_SQL_THREAD = `SELECT ${B_THREAD_COLUMNS}, t.accepted_post_id, t.duplicate_of_id,
  EXISTS (SELECT 1 FROM thread_follows f WHERE f.thread_id = t.id AND f.user_id = $2::uuid) AS is_following,
  (SELECT json_agg(json_build_object('key', p.key, 'name', p.name) ORDER BY p.key) FROM thread_products tp JOIN products p ON p.id = tp.product_id WHERE tp.thread_id = t.id) AS products
  FROM ${B_THREAD_FROM} WHERE t.slug = $1 AND ${B_READABLE('t')}`;
export const B_POSTS = (condition, base, orderBy = 'CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id') => `SELECT p.id, p.thread_id, p.is_question, (p.id IS NOT DISTINCT FROM t.accepted_post_id) AS is_accepted, p.status, p.body_markdown, p.body_html, p.body_text,
  p.revision_number, p.score, p.upvote_count, p.downvote_count, v.value AS my_vote, p.created_at, p.edited_at, ${B_AUTHOR},
  json_build_array(CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id)::text AS sort_key
  FROM posts p JOIN threads t ON t.id = p.thread_id LEFT JOIN users u ON u.id = p.author_id
  LEFT JOIN post_votes v ON v.post_id = p.id AND v.voter_id = $${base + 1}::uuid
  WHERE ${condition} AND ${B_READABLE('p').replaceAll('$3', `$${base + 2}`).replaceAll('$2', `$${base + 1}`)} AND ${B_READABLE('t').replaceAll('$3', `$${base + 2}`).replaceAll('$2', `$${base + 1}`)}
  ORDER BY ${orderBy} LIMIT $${base + 3}`;
export const B_SQL_QUESTION = B_POSTS('p.thread_id = $1 AND p.is_question', 1);
export const B_SQL_ACCEPTED = B_POSTS('p.thread_id = $1 AND p.id = t.accepted_post_id AND NOT p.is_question', 1);
// The replies after the accepted answer, along posts_thread_created_idx (first page).
export const B_SQL_REPLIES = B_POSTS('p.thread_id = $1 AND NOT p.is_question AND p.id IS DISTINCT FROM t.accepted_post_id', 1, 'p.created_at, p.id');
export const B_SQL_BOARD_ID = 'SELECT id FROM boards WHERE slug = $1';
export const B_SQL_BOARD_PAGE = `SELECT ${B_THREAD_COLUMNS}, json_build_array(t.is_pinned::int, t.last_activity_at, t.id)::text AS sort_key FROM ${B_THREAD_FROM}
  WHERE t.status = 'visible' AND true AND t.board_id = $1::uuid ORDER BY t.is_pinned::int DESC, t.last_activity_at DESC, t.id DESC LIMIT $2::int`;

