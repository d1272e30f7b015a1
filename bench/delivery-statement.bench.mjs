// The delivery by-slug statement before and after issue 14 (author name, outline, reading time, og:image,
// robots in the same statement), measured inside one PostgreSQL connection so machine load hits both alike.
//   node bench/delivery-statement.bench.mjs   (BENCH_DATABASE=<url of a bench:generate database>, BENCH_ROUNDS=<n>)
// Each round runs both statements over the same random 2,000 slugs, interleaved; reports the median per round.
import * as os from 'node:os';
import pg from 'pg';
import { environment, round, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 5);
const LOOKUPS = 2000;
const VISIBLE = `l.status = 'published' AND l.published_revision_id IS NOT NULL AND NOT l.is_internal`;
const RELATED = `(SELECT coalesce(json_agg(json_build_object('id', p.id, 'key', p.key, 'name', p.name) ORDER BY p.key), '[]')
     FROM article_products ap JOIN products p ON p.id = ap.product_id WHERE ap.article_id = a.id) AS products,
  (SELECT coalesce(json_agg(json_build_object('locale', o.locale, 'slug', o.slug) ORDER BY o.locale), '[]')
     FROM article_locales o WHERE o.article_id = a.id AND o.status = 'published' AND o.published_revision_id IS NOT NULL) AS alternates`;
const STATEMENTS = {
  before: `SELECT a.id, l.locale, l.slug, r.id AS revision_id, r.number, r.title, r.body_markdown, r.body_html, r.excerpt,
  r.seo_title, r.seo_description, l.published_at, l.first_published_at, a.category_id, a.tags, ${RELATED}
  FROM article_slugs s JOIN article_locales l ON l.article_id = s.article_id AND l.locale = s.locale JOIN articles a ON a.id = l.article_id
  JOIN article_revisions r ON r.id = l.published_revision_id WHERE s.locale = $1 AND s.slug = $2 AND ${VISIBLE}`,
  after: `SELECT a.id, l.locale, l.slug, r.id AS revision_id, r.number, r.title, r.body_markdown, r.body_html, r.excerpt,
  r.seo_title, r.seo_description, r.og_image_url, r.outline, r.reading_time_minutes, a.robots, u.display_name AS author_name,
  l.published_at, l.first_published_at, a.category_id, a.tags, ${RELATED}
  FROM article_slugs s JOIN article_locales l ON l.article_id = s.article_id AND l.locale = s.locale JOIN articles a ON a.id = l.article_id
  JOIN article_revisions r ON r.id = l.published_revision_id LEFT JOIN users u ON u.id = r.author_id WHERE s.locale = $1 AND s.slug = $2 AND ${VISIBLE}`,
};

const client = new pg.Client({ connectionString: DATABASE_URL });
await client.connect();
const { rows } = await client.query(`SELECT slug FROM article_locales WHERE locale = 'en' AND status = 'published'`);
const { rows: [{ articles }] } = await client.query(`SELECT count(*)::int AS articles FROM articles`);
const perRound = { before: [], after: [] };
for (let r = 0; r < ROUNDS + 1; r += 1) {
  const slugs = Array.from({ length: LOOKUPS }, () => rows[Math.floor(Math.random() * rows.length)].slug);
  for (const key of r % 2 ? ['after', 'before'] : ['before', 'after']) {
    const started = process.hrtime.bigint();
    for (const slug of slugs) {
      const res = await client.query({ name: `bench_${key}`, text: STATEMENTS[key], values: ['en', slug] });
      if (res.rows.length !== 1) throw new Error(`no row for ${slug}`);
    }
    const usPerLookup = Number(process.hrtime.bigint() - started) / 1000 / LOOKUPS;
    if (r > 0) perRound[key].push(round(usPerLookup, 1)); // round 0 warms both up
  }
}
await client.end();
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = { before: median(perRound.before), after: median(perRound.after), perRound };
const env = environment();
const markdown = `# Delivery by-slug statement, before and after issue 14 (${articles} articles)

Command: \`BENCH_DATABASE=… node bench/delivery-statement.bench.mjs\` (BENCH_ROUNDS=${ROUNDS}); data from \`npm run bench:generate\`

- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}; load average before the run ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} (shared machine)
- One connection, named prepared statements, ${LOOKUPS} random \`en\` slugs per round, both statements over the same slugs, order alternating per round; µs per lookup including the round trip

| statement | median µs/lookup | rounds |
| --- | --- | --- |
| before (main) | ${results.before} | ${perRound.before.join(', ')} |
| after (author name, outline, reading time, og:image, robots) | ${results.after} | ${perRound.after.join(', ')} |
`;
writeResults('delivery-statement', { environment: env, articles, lookups: LOOKUPS, results }, markdown);
console.log(markdown);
