import { startApp, stopChild, postJson } from './lib.mjs';
const DB = 'postgres://postgres@127.0.0.1:5432/evergreen_bench_smoke';
const Q = `query ($slug: String!, $locale: String) { article(slug: $slug, locale: $locale) {
  id title bodyHtml excerpt lastModified seo { title description canonicalUrl } alternates { locale url }
  category { id name slug } breadcrumbs { name slug } } }`;
const C = `query ($categoryId: ID!) { articles(categoryId: $categoryId, first: 20) { totalCount edges { node { id slug title excerpt publishedAt } } pageInfo { endCursor hasNextPage } } }`;
const pg = (await import('pg')).default;
const c = new pg.Client({ connectionString: DB }); await c.connect();
const slugs = (await c.query(`select slug from article_locales where locale='en' limit 300`)).rows.map(r => r.slug);
const cats = (await c.query(`select id from categories`)).rows.map(r => r.id);
await c.end();
const app = await startApp(DB, { DELIVERY_CACHE_ENTRIES: '0' });
const url = `${app.url}/graphql`;
for (const [name, make] of [['article', (i) => ({ query: Q, variables: { slug: slugs[i % slugs.length], locale: 'en' } })], ['category', (i) => ({ query: C, variables: { categoryId: cats[i % cats.length] } })]]) {
  for (let i = 0; i < 20; i++) await postJson(url, make(i));
  const t = [];
  for (let i = 0; i < 200; i++) { const s = performance.now(); const r = await postJson(url, make(i)); t.push(performance.now() - s); if (i === 0 && !r.text.includes('data')) console.log(r.text); }
  t.sort((a, b) => a - b);
  console.log(name, 'p50', t[100].toFixed(2), 'p90', t[180].toFixed(2));
}
await stopChild(app.child);
