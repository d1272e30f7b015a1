// Loads a large published knowledge base straight into PostgreSQL for the delivery and search benchmarks.
//   npm run bench:generate -- [--articles 100000] [--database postgres://…/evergreen_bench_kb]   (BENCH_EVAL_DIR=<dir>: the corpora, default ../shared/eval)
// Creates the database if needed, runs the migrations (through the built app's data source), empties the
// knowledge-base tables and inserts: 20 categories, 5 products, N articles with 3 revisions each in `en`
// (about 2 KB of Markdown per revision) and, for 20% of them, 3 more in `de`; the third revision is published.
// HTML is rendered with the app's own renderer. Each body is a unique paragraph followed by shared
// sections whose rendered HTML is reused (Markdown blocks separated by blank lines render independently).
// Text is real: titles are question titles (and headings of documentation pages) and sentences come from
// question bodies and documentation pages of the evaluation corpora in ../shared/eval (dup-questions,
// stale-docs), picked deterministically by the article's number (same input, same knowledge base). The search
// benchmark's queries (bench/search-queries.mjs: 200 test-split question titles) are left out of the titles.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import * as fs from 'node:fs';
import pg from 'pg';
import { round, writeResults } from './lib.mjs';
import { heldOutTitles } from './search-queries.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const DEFAULT_DATABASE = 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : (process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
}

const ARTICLES = Number(option('articles', '100000'));
const DATABASE_URL = option('database', process.env.DATABASE_URL ?? DEFAULT_DATABASE);
const BATCH = 1000;
const SECOND_LOCALE_SHARE = 0.2;

/** Tags and feature keys only (a small facet vocabulary); titles and text come from the corpora below. */
const WORDS = `account invoice payment report export import customer tax currency bank reconcile subscription plan card receipt
 refund discount reminder recurring quote estimate mileage expense team role permission password security sign-in webhook api key
 limit sandbox sync shop order payout fee balance ledger journal period close forecast cash profit loss vat return number prefix`.split(/\s+/).filter(Boolean);

function pick(list, i) {
  return list[i % list.length];
}

/** The evaluation corpora: BENCH_EVAL_DIR, else ../shared/eval next to the checkout (bench/search-queries.mjs reads the same). */
const EVAL = process.env.BENCH_EVAL_DIR ?? path.join(ROOT, '../shared/eval');

function readJsonl(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/** Question titles, documentation headings and plain sentences (no Markdown or HTML syntax) from the corpora. */
function loadCorpus() {
  const questions = readJsonl(path.join(EVAL, 'dup-questions/questions.jsonl'));
  const docs = readJsonl(path.join(EVAL, 'stale-docs/articles.jsonl'));
  const plain = (text) => /^[A-Z][^*_#<>`[\]{}|\\$~^=]+[.?!]$/.test(text) && text.length >= 40 && text.length <= 220 && !/https?:/.test(text);
  const sentencesOf = (text) => text.split(/\n+/).flatMap((line) => line.split(/(?<=[.!?])\s+/)).map((t) => t.trim().replace(/\s+/g, ' ')).filter(plain);
  // The search benchmark's queries (held-out test-split titles) are never article titles.
  const heldOut = new Set(heldOutTitles());
  const titles = [...new Set(questions.map((q) => q.title.trim().replace(/\s+/g, ' ')).filter((t) => t.length >= 10 && t.length <= 150 && !/[<>`]/.test(t) && !heldOut.has(t)))];
  const headings = [...new Set(docs.flatMap((d) => [...d.text.matchAll(/^#{2,3} +(.+)$/gm)].map((m) => m[1].trim())).filter((h) => h.length >= 4 && h.length <= 60 && !/[<>`[\]*_]/.test(h)))];
  const sentences = [...new Set([...questions.flatMap((q) => sentencesOf(q.body)), ...docs.flatMap((d) => sentencesOf(d.text))])];
  if (titles.length < 1000 || sentences.length < 5000) throw new Error(`corpora in ${EVAL} look incomplete: ${titles.length} titles, ${sentences.length} sentences`);
  return { titles, headings, sentences };
}

const CORPUS = loadCorpus();

/** A deterministic spread of i over a list (multiplicative hash), so neighbours get unrelated text. */
function spread(list, i, salt = 0) {
  return list[Number((BigInt(i) * 2654435761n + BigInt(salt) * 40503n) % BigInt(list.length))];
}

function titleOf(i) {
  const base = spread(CORPUS.titles, i);
  const round = Math.floor(i / CORPUS.titles.length);
  return round === 0 ? base : `${base.replace(/[?.!]$/, '')} (${spread(CORPUS.headings, i, round)})`;
}

function introOf(i, number) {
  return [0, 1, 2].map((k) => spread(CORPUS.sentences, i * 3 + k, number)).join(' ');
}

const SHARED_SECTIONS = Array.from({ length: 40 }, (_, s) => {
  const lines = [`## ${pick(CORPUS.headings, s * 7 + 1)}`, ''];
  for (let n = 1; n <= 8; n += 1) lines.push(`${n}. ${spread(CORPUS.sentences, s * 100 + n, 1)}`);
  lines.push('', `## ${pick(CORPUS.headings, s * 7 + 2)}`, '');
  for (let n = 0; n < 6; n += 1) lines.push(`- ${spread(CORPUS.sentences, s * 100 + n, 2)}`);
  lines.push('', `> Tip: ${spread(CORPUS.sentences, s, 3)}`, '');
  return lines.join('\n');
});

async function main() {
  const started = Date.now();
  const distRenderer = path.join(ROOT, 'dist/src/articles/content/render-markdown.js');
  const distDataSource = path.join(ROOT, 'dist/src/database/data-source.js');
  if (!fs.existsSync(distRenderer)) throw new Error('Build first: npm run build');
  const { renderMarkdown, excerptOf } = require(distRenderer);
  const { outlineOfHtml, readingTimeMinutes } = require(path.join(ROOT, 'dist/src/articles/content/article-outline.js'));
  const { dataSourceOptions } = require(distDataSource);
  const { DataSource } = require('typeorm');

  await ensureDatabase(DATABASE_URL);
  const migrator = new DataSource(dataSourceOptions(DATABASE_URL, 2));
  await migrator.initialize();
  await migrator.runMigrations({ transaction: 'each' });
  await migrator.destroy();

  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`TRUNCATE article_daily_views, article_feedback, article_slugs, article_locales, article_revisions, article_products, articles, category_translations, categories, release_changes, releases, products CASCADE`);
  const [{ id: authorId }] = (await client.query(
    `INSERT INTO users (email, display_name, password_hash, role) VALUES ('bench-editor@example.test', 'Bench Editor', 'x', 'editor')
     ON CONFLICT ((lower(email))) DO UPDATE SET display_name = EXCLUDED.display_name RETURNING id`,
  )).rows;

  const categoryIds = [];
  for (let c = 0; c < 20; c += 1) {
    const id = randomUUID();
    const parent = c < 5 ? null : categoryIds[c % 5];
    await client.query('INSERT INTO categories (id, parent_id, position) VALUES ($1, $2, $3)', [id, parent, Math.floor(c / 5)]);
    await client.query(`INSERT INTO category_translations (category_id, locale, slug, name, description) VALUES ($1, 'en', $2, $3, ''), ($1, 'de', $4, $5, '')`, [id, `category-${c}`, `Category ${c}`, `kategorie-${c}`, `Kategorie ${c}`]);
    categoryIds.push(id);
  }
  const productIds = [];
  for (let p = 0; p < 5; p += 1) {
    productIds.push((await client.query('INSERT INTO products (key, name) VALUES ($1, $2) RETURNING id', [`product-${p}`, `Product ${p}`])).rows[0].id);
  }

  const sharedHtml = SHARED_SECTIONS.map((section) => renderMarkdown(section).html);
  const sharedText = SHARED_SECTIONS.map((section) => renderMarkdown(section).plainText);
  let revisionsWritten = 0;
  for (let offset = 0; offset < ARTICLES; offset += BATCH) {
    const count = Math.min(BATCH, ARTICLES - offset);
    const a = { id: [], category: [], tags: [], features: [] };
    const ap = { article: [], product: [] };
    const r = { id: [], article: [], locale: [], number: [], title: [], md: [], html: [], text: [], excerpt: [], outline: [], minutes: [] };
    const l = { article: [], locale: [], slug: [], published: [], age: [] };
    for (let k = 0; k < count; k += 1) {
      const i = offset + k;
      const id = randomUUID();
      a.id.push(id);
      a.category.push(categoryIds[i % categoryIds.length]);
      a.tags.push(`{${pick(WORDS, i)},${pick(WORDS, i * 3 + 1)}}`);
      a.features.push(`{${pick(WORDS, i)}.${pick(WORDS, i * 5 + 2)}}`);
      ap.article.push(id);
      ap.product.push(productIds[i % productIds.length]);
      const locales = i % Math.round(1 / SECOND_LOCALE_SHARE) === 0 ? ['en', 'de'] : ['en'];
      for (const locale of locales) {
        const title = locale === 'en' ? titleOf(i) : `Anleitung: ${titleOf(i)}`;
        let publishedId = null;
        for (let number = 1; number <= 3; number += 1) {
          const intro = introOf(i, number);
          const section = (i + number) % SHARED_SECTIONS.length;
          const introHtml = renderMarkdown(intro).html;
          const revisionId = randomUUID();
          r.id.push(revisionId);
          r.article.push(id);
          r.locale.push(locale);
          r.number.push(number);
          r.title.push(title);
          r.md.push(`${intro}\n\n${SHARED_SECTIONS[section]}`);
          r.html.push(`${introHtml}${sharedHtml[section]}`);
          r.text.push(`${intro} ${sharedText[section]}`);
          r.excerpt.push(excerptOf(intro));
          r.outline.push(JSON.stringify(outlineOfHtml(r.html.at(-1))));
          r.minutes.push(readingTimeMinutes(r.text.at(-1)));
          if (number === 3) publishedId = revisionId;
        }
        l.article.push(id);
        l.locale.push(locale);
        l.slug.push(`how-to-${i}-${locale === 'en' ? 'guide' : 'anleitung'}`);
        l.published.push(publishedId);
        l.age.push((i * 7919) % (300 * 86400));
      }
    }
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO articles (id, category_id, source_locale, tags, feature_keys, created_by)
       SELECT id, category, 'en', tags::text[], features::text[], $5 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS t(id, category, tags, features)`,
      [a.id, a.category, a.tags, a.features, authorId],
    );
    await client.query('INSERT INTO article_products (article_id, product_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])', [ap.article, ap.product]);
    await client.query(
      `INSERT INTO article_revisions (id, article_id, locale, number, title, body_markdown, body_html, body_text, headings, excerpt, author_id, change_note, outline, reading_time_minutes)
       SELECT id, article, locale, number, title, md, html, text, '{Steps,Notes}', excerpt, $10, 'generated', outline::jsonb, minutes
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $11::text[], $12::int[])
         AS t(id, article, locale, number, title, md, html, text, excerpt, outline, minutes)`,
      [r.id, r.article, r.locale, r.number, r.title, r.md, r.html, r.text, r.excerpt, authorId, r.outline, r.minutes],
    );
    await client.query(
      `INSERT INTO article_locales (article_id, locale, status, slug, head_revision_number, published_revision_id, published_at, first_published_at, last_reviewed_at)
       SELECT article, locale, 'published', slug, 3, published, now() - make_interval(secs => age), now() - interval '400 days', now() - interval '10 days'
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::int[]) AS t(article, locale, slug, published, age)`,
      [l.article, l.locale, l.slug, l.published, l.age],
    );
    await client.query('INSERT INTO article_slugs (locale, slug, article_id) SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[])', [l.locale, l.slug, l.article]);
    await client.query('COMMIT');
    revisionsWritten += r.id.length;
    if ((offset / BATCH) % 10 === 0) process.stdout.write(`  ${offset + count} / ${ARTICLES} articles, ${revisionsWritten} revisions, ${round((Date.now() - started) / 1000, 1)} s\n`);
  }
  // VACUUM as well: a bulk load leaves no visibility map and no hint bits, so the first benchmark would pay for
  // heap fetches of index-only scans and for setting hint bits that autovacuum sets in a running help center.
  await client.query('VACUUM (ANALYZE)');
  const bytes = (await client.query('SELECT pg_database_size(current_database()) AS size')).rows[0].size;
  await client.end();
  const seconds = round((Date.now() - started) / 1000, 1);
  const summary = { articles: ARTICLES, revisions: revisionsWritten, seconds, databaseMb: round(Number(bytes) / 1e6, 0), database: DATABASE_URL.replace(/\/\/[^@]*@/, '//') };
  console.log(`Generated ${ARTICLES} articles (${revisionsWritten} revisions) in ${seconds} s; database ${summary.databaseMb} MB`);
  const target = 300;
  writeResults('generate-articles', { ...summary, targetSeconds: target, ok: seconds < target }, `# Generator: ${ARTICLES} published articles\n\nCommand: \`npm run bench:generate\`\n\n| Articles | Revisions | Seconds | Database MB | Target |\n| --- | --- | --- | --- | --- |\n| ${ARTICLES} | ${revisionsWritten} | ${seconds} | ${summary.databaseMb} | < ${target} s: ${seconds < target ? 'PASS' : 'FAIL'} |\n`);
}

async function ensureDatabase(url) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
