// Baseline for the delivery benchmark: bare Fastify + pg answering each POST (the same GraphQL body the app
// gets) with one indexed by-slug lookup of the published revision, as a named prepared statement, as JSON.
// Run as a child process by delivery.bench.mjs.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const BY_SLUG = `SELECT l.article_id AS id, r.title, r.excerpt, r.body_html
  FROM article_slugs s
  JOIN article_locales l ON l.article_id = s.article_id AND l.locale = s.locale
  JOIN article_revisions r ON r.id = l.published_revision_id
  WHERE s.locale = $1 AND s.slug = $2 AND l.status = 'published'`;

const app = Fastify({ logger: false });
app.post('/graphql', async (request, reply) => {
  const variables = request.body?.variables ?? {};
  const { rows } = await pool.query({ name: 'bare_by_slug', text: BY_SLUG, values: [variables.locale ?? 'en', String(variables.slug ?? '')] });
  if (!rows[0]) reply.code(404);
  return { data: { article: rows[0] ?? null } };
});

await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ ready: true, port: app.server.address().port });
process.once('SIGTERM', () => app.close().then(() => pool.end()).then(() => process.exit(0)));
