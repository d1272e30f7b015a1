import { stopChild, postJson, MAIN, ROOT, freePort, sleep } from './lib.mjs';
import { spawn } from 'node:child_process';
import pg from 'pg';
const DB = 'postgres://postgres@127.0.0.1:5432/evergreen_bench_smoke';
const Q = `query ($slug: String!, $locale: String) { article(slug: $slug, locale: $locale) {
  id title bodyHtml excerpt lastModified seo { title description canonicalUrl } alternates { locale url }
  category { id name slug } breadcrumbs { name slug } } }`;
const c = new pg.Client({ connectionString: DB }); await c.connect();
const slugs = (await c.query(`select slug from article_locales where locale='en'`)).rows.map(r => r.slug);
await c.end();
const port = await freePort();
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/coldpath-prof', MAIN], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), DATABASE_URL: DB, JWT_SECRET: 'x'.repeat(64), SEED_DEMO: 'false', DELIVERY_CACHE_ENTRIES: '0' }, stdio: 'inherit' });
const app = { child, url: `http://127.0.0.1:${port}` };
for (;;) { try { if ((await fetch(`${app.url}/health`)).ok) break; } catch { await sleep(300); } }
const url = `${app.url}/graphql`;
let i = 0;
await Promise.all(Array.from({ length: 10 }, async () => { while (i < 3000) { i++; await postJson(url, { query: Q, variables: { slug: slugs[i % slugs.length], locale: 'en' } }); } }));
await stopChild(app.child);
