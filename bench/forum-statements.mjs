// The forum pages' SQL statements for an anonymous reader, as src/forum/forum-reading.service.ts runs them (kept in
// step by hand), and the statements of the baseline build (8bf56ee, BENCH_BASELINE_MAIN): used by forum.bench.mjs
// (bare SQL) and forum-pg-time.mjs (PostgreSQL time per page).
// The service's statements: a thread page is one statement (the thread row with its posts — question, accepted
// answer, first 20 replies — as a JSON column); a board page is one statement.
export const AUTHOR = 'u.display_name AS author_name, u.trust_level AS author_trust, u.role AS author_role';
const epochMs = (expression) => `floor(extract(epoch FROM ${expression}) * 1000)::float8`;
export const THREAD_COLUMNS = `t.id, t.board_id, b.slug AS board_slug, b.locale, t.slug, t.title, t.status, t.is_locked, t.is_pinned, t.is_solved,
  array_to_json(t.tags) AS tags, t.reply_count, t.score, ${epochMs('t.created_at')} AS created_ms, ${epochMs('t.last_activity_at')} AS last_activity_ms,
  ${epochMs('t.solved_at')} AS solved_ms, t.excerpt, ${AUTHOR}`;
export const THREAD_FROM = `threads t JOIN boards b ON b.id = t.board_id
  LEFT JOIN users u ON u.id = t.author_id`;
// The head's post columns: no plain text (body_text), no Markdown (the benchmark's page shows only the HTML), instants
// in milliseconds and the sort key as JSON (inside the JSON aggregate).
export const HEAD_COLUMNS = `p.id, p.thread_id, p.is_question, (p.id IS NOT DISTINCT FROM t.accepted_post_id) AS is_accepted, p.status, p.body_html,
              p.revision_number, p.score, p.upvote_count, p.downvote_count, NULL::int AS my_vote, ${epochMs('p.created_at')} AS created_at, ${epochMs('p.edited_at')} AS edited_at, ${AUTHOR},
              json_build_array(CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id) AS sort_key`;
export const HEAD_FROM = 'posts p LEFT JOIN users u ON u.id = p.author_id ';
const threadPage = (threadColumns, headColumns) => `SELECT ${threadColumns}, t.accepted_post_id, t.duplicate_of_id, false AS is_following,
              (SELECT json_agg(json_build_object('key', p.key, 'name', p.name) ORDER BY p.key) FROM thread_products tp JOIN products p ON p.id = tp.product_id WHERE tp.thread_id = t.id) AS products, (SELECT json_agg(h) FROM (
          (SELECT 0 AS part, ${headColumns} FROM ${HEAD_FROM} WHERE p.thread_id = t.id AND p.is_question AND p.status = 'visible' LIMIT 1)
          UNION ALL
          (SELECT 1 AS part, ${headColumns} FROM ${HEAD_FROM} WHERE p.id = t.accepted_post_id AND p.thread_id = t.id AND p.status = 'visible' LIMIT 1)
          UNION ALL
          (SELECT 2 AS part, ${headColumns} FROM ${HEAD_FROM}
           WHERE p.thread_id = t.id AND NOT p.is_question AND p.id IS DISTINCT FROM t.accepted_post_id AND p.status = 'visible'
           ORDER BY p.created_at, p.id LIMIT $2::int)) h) AS head
       FROM ${THREAD_FROM} WHERE t.slug = $1 AND t.status = 'visible'`;
const boardPage = (threadColumns) => `SELECT ${threadColumns}, json_build_array(t.is_pinned::int, t.last_activity_at, t.id)::text AS sort_key FROM ${THREAD_FROM}
         WHERE t.status = 'visible' AND true AND t.board_id = (SELECT id FROM boards WHERE slug = $1::text) ORDER BY t.is_pinned::int DESC, t.last_activity_at DESC, t.id DESC LIMIT $2::int`;
export const SQL_THREAD_PAGE = threadPage(THREAD_COLUMNS, HEAD_COLUMNS);
export const SQL_BOARD_PAGE = boardPage(THREAD_COLUMNS);

// The baseline build's statements (8bf56ee, main before issue 12's tail work): the same statements with the instants
// and tags as the driver parses them and the posts read with their Markdown.
export const B_THREAD_COLUMNS = `t.id, t.board_id, b.slug AS board_slug, b.locale, t.slug, t.title, t.status, t.is_locked, t.is_pinned, t.is_solved, t.tags,
  t.reply_count, t.score, t.created_at, t.last_activity_at, t.solved_at, t.excerpt, ${AUTHOR}`;
export const B_HEAD_COLUMNS = `p.id, p.thread_id, p.is_question, (p.id IS NOT DISTINCT FROM t.accepted_post_id) AS is_accepted, p.status, p.body_markdown, p.body_html,
              p.revision_number, p.score, p.upvote_count, p.downvote_count, NULL::int AS my_vote, p.created_at, p.edited_at, ${AUTHOR},
              json_build_array(CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id) AS sort_key`;
export const B_SQL_THREAD_PAGE = threadPage(B_THREAD_COLUMNS, B_HEAD_COLUMNS);
export const B_SQL_BOARD_PAGE = boardPage(B_THREAD_COLUMNS);
