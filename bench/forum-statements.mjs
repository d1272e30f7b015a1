// The forum pages' SQL statements for an anonymous reader, as src/forum/forum-reading.service.ts runs them (kept in
// step by hand), and the statements of the baseline build (b8a53a2, BENCH_BASELINE_MAIN): used by forum.bench.mjs
// (bare SQL) and forum-pg-time.mjs (PostgreSQL time per page).
// The service's statements: a thread page is one statement (the thread row with its posts — question, accepted
// answer, first 20 replies — as a JSON column); a board page is one statement.
export const AUTHOR = 'u.display_name AS author_name, u.trust_level AS author_trust, u.role AS author_role';
export const THREAD_COLUMNS = `t.id, t.board_id, b.slug AS board_slug, b.locale, t.slug, t.title, t.status, t.is_locked, t.is_pinned, t.is_solved, t.tags,
  t.reply_count, t.score, t.created_at, t.last_activity_at, t.solved_at, t.excerpt, ${AUTHOR}`;
export const THREAD_FROM = `threads t JOIN boards b ON b.id = t.board_id
  LEFT JOIN users u ON u.id = t.author_id`;
export const B_SQL_THREAD = `SELECT ${THREAD_COLUMNS}, t.accepted_post_id, t.duplicate_of_id, false AS is_following,
              (SELECT json_agg(json_build_object('key', p.key, 'name', p.name) ORDER BY p.key) FROM thread_products tp JOIN products p ON p.id = tp.product_id WHERE tp.thread_id = t.id) AS products
       FROM ${THREAD_FROM} WHERE t.slug = $1 AND t.status = 'visible'`;
// The baseline's post columns (B_SQL_HEAD).
export const POST_COLUMNS = `p.id, p.thread_id, p.is_question, (p.id IS NOT DISTINCT FROM t.accepted_post_id) AS is_accepted, p.status, p.body_markdown, p.body_html, p.body_text,
              p.revision_number, p.score, p.upvote_count, p.downvote_count, NULL::int AS my_vote, p.created_at, p.edited_at, ${AUTHOR},
              json_build_array(CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id)::text AS sort_key`;
// The head's post columns: no plain text (body_text), the sort key as JSON (inside the JSON aggregate).
export const HEAD_COLUMNS = `p.id, p.thread_id, p.is_question, (p.id IS NOT DISTINCT FROM t.accepted_post_id) AS is_accepted, p.status, p.body_markdown, p.body_html,
              p.revision_number, p.score, p.upvote_count, p.downvote_count, NULL::int AS my_vote, p.created_at, p.edited_at, ${AUTHOR},
              json_build_array(CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id) AS sort_key`;
export const HEAD_FROM = 'posts p LEFT JOIN users u ON u.id = p.author_id ';
export const SQL_THREAD_PAGE = `SELECT ${THREAD_COLUMNS}, t.accepted_post_id, t.duplicate_of_id, false AS is_following,
              (SELECT json_agg(json_build_object('key', p.key, 'name', p.name) ORDER BY p.key) FROM thread_products tp JOIN products p ON p.id = tp.product_id WHERE tp.thread_id = t.id) AS products, (SELECT json_agg(h) FROM (
          (SELECT 0 AS part, ${HEAD_COLUMNS} FROM ${HEAD_FROM} WHERE p.thread_id = t.id AND p.is_question AND p.status = 'visible' LIMIT 1)
          UNION ALL
          (SELECT 1 AS part, ${HEAD_COLUMNS} FROM ${HEAD_FROM} WHERE p.id = t.accepted_post_id AND p.thread_id = t.id AND p.status = 'visible' LIMIT 1)
          UNION ALL
          (SELECT 2 AS part, ${HEAD_COLUMNS} FROM ${HEAD_FROM}
           WHERE p.thread_id = t.id AND NOT p.is_question AND p.id IS DISTINCT FROM t.accepted_post_id AND p.status = 'visible'
           ORDER BY p.created_at, p.id LIMIT $2::int)) h) AS head
       FROM ${THREAD_FROM} WHERE t.slug = $1 AND t.status = 'visible'`;
export const SQL_BOARD_PAGE = `SELECT ${THREAD_COLUMNS}, json_build_array(t.is_pinned::int, t.last_activity_at, t.id)::text AS sort_key FROM ${THREAD_FROM}
         WHERE t.status = 'visible' AND true AND t.board_id = (SELECT id FROM boards WHERE slug = $1::text) ORDER BY t.is_pinned::int DESC, t.last_activity_at DESC, t.id DESC LIMIT $2::int`;


// The baseline build's statements (b8a53a2): a thread page was the thread row, then one statement for its posts;
// the board page is unchanged.
export const B_POST_FROM = 'posts p JOIN threads t ON t.id = p.thread_id LEFT JOIN users u ON u.id = p.author_id ';
export const B_VISIBLE = "p.status = 'visible' AND t.status = 'visible'";
export const B_SQL_HEAD = `(SELECT 0 AS part, ${POST_COLUMNS} FROM ${B_POST_FROM} WHERE p.thread_id = $1::uuid AND p.is_question AND ${B_VISIBLE} LIMIT 1)
       UNION ALL
       (SELECT 1 AS part, ${POST_COLUMNS} FROM ${B_POST_FROM} WHERE p.thread_id = $1::uuid AND p.id = t.accepted_post_id AND ${B_VISIBLE} LIMIT 1)
       UNION ALL
       (SELECT 2 AS part, ${POST_COLUMNS} FROM ${B_POST_FROM}
        WHERE p.thread_id = $1::uuid AND NOT p.is_question AND p.id IS DISTINCT FROM t.accepted_post_id AND ${B_VISIBLE}
        ORDER BY p.created_at, p.id LIMIT $2::int)`;
export const B_SQL_BOARD_PAGE = SQL_BOARD_PAGE;
