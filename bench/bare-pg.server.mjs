// Baseline for the delivery benchmark: bare Fastify + pg answering each POST with one primary-key SELECT
// of a published revision (ids loaded at start), as JSON. Run as a child process by delivery.bench.mjs.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const ids = (await pool.query('SELECT published_revision_id AS id FROM article_locales WHERE published_revision_id IS NOT NULL LIMIT 10000')).rows.map((r) => r.id);
let next = 0;

const app = Fastify({ logger: false });
app.post('/graphql', async () => {
  next = (next + 1) % ids.length;
  const { rows } = await pool.query('SELECT id, title, excerpt, body_html FROM article_revisions WHERE id = $1', [ids[next]]);
  return { data: { article: rows[0] } };
});

await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ ready: true, port: app.server.address().port });
process.once('SIGTERM', () => app.close().then(() => pool.end()).then(() => process.exit(0)));
