// Mercurius vs Apollo, both through @nestjs/graphql (code-first) on the Fastify adapter.
//   npm run bench:drivers       (BENCH_DURATION=<s> to change the 10 s default)
// The Apollo packages live in bench/graphql-drivers/package.json, installed there by that script only.
// Each driver runs bench/graphql-drivers/app.ts in a child process (ts-node, transpile-only);
// autocannon runs here: 50 connections, 2 s warm-up then the measured run, per driver × query, sequentially.
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONNECTIONS, DURATION_SECONDS, environment, load, markdownTable, postJson, round, stopChild, writeResults } from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP = path.join(ROOT, 'bench/graphql-drivers/app.ts');
const DRIVERS = ['mercurius', 'apollo'];
const QUERIES = {
  trivial: { query: '{ hello }' },
  article2kb: {
    query: '{ article { id slug title summary body status locale canonicalUrl tags authorName createdAt updatedAt sections { id heading anchor wordCount } } }',
  },
};

let current;
process.once('SIGINT', async () => {
  if (current) await stopChild(current, 5000);
  process.exit(130);
});

async function startDriverApp(driver) {
  const child = fork(APP, [driver], {
    cwd: ROOT,
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', TS_NODE_PROJECT: path.join(ROOT, 'bench/graphql-drivers/tsconfig.json') },
    stdio: 'inherit',
  });
  current = child;
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${driver} app did not start within 60 s`)), 60_000);
    child.once('message', (m) => (clearTimeout(timer), resolve(m)));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${driver} app exited with code ${code}`))));
  });
  return { child, url: `http://127.0.0.1:${info.port}/graphql` };
}

/** One request per query before loading, so a broken setup fails loudly instead of measuring errors. */
async function checkAnswers(driver, url) {
  const sizes = {};
  for (const [name, body] of Object.entries(QUERIES)) {
    const res = await postJson(url, body);
    const parsed = JSON.parse(res.text);
    if (res.status !== 200 || parsed.errors || !parsed.data) throw new Error(`${driver} ${name}: ${res.status} ${res.text.slice(0, 300)}`);
    sizes[name] = Buffer.byteLength(res.text);
  }
  return sizes;
}

async function main() {
  const env = environment();
  console.log(`GraphQL driver bench: ${env.node}, ${env.cpuCount} CPU(s), ${DURATION_SECONDS}s x ${CONNECTIONS} connections`);
  const results = {};
  const responseBytes = {};
  for (const driver of DRIVERS) {
    console.log(`${driver}:`);
    const app = await startDriverApp(driver);
    try {
      responseBytes[driver] = await checkAnswers(driver, app.url);
      results[driver] = {};
      for (const [name, body] of Object.entries(QUERIES)) {
        results[driver][name] = await load(`${driver} ${name}`, app.url, body);
      }
    } finally {
      await stopChild(app.child);
      current = undefined;
    }
  }

  const ratios = Object.fromEntries(
    Object.keys(QUERIES).map((q) => [q, round(results.mercurius[q].requestsPerSecond / results.apollo[q].requestsPerSecond, 2)]),
  );
  const queryLabel = { trivial: '`{ hello }`', article2kb: '`article` (~2 KB)' };
  const table = markdownTable(
    ['Query', 'Driver', 'req/s', 'p50 ms', 'p99 ms', 'response bytes', 'non-2xx / errors'],
    Object.keys(QUERIES).flatMap((q) =>
      DRIVERS.map((d) => {
        const r = results[d][q];
        return [queryLabel[q], d, r.requestsPerSecond, r.latencyMs.p50, r.latencyMs.p99, responseBytes[d][q], `${r.non2xx} / ${r.errors}`];
      }),
    ),
  );
  const ratioTable = markdownTable(
    ['Query', 'Mercurius / Apollo (req/s)'],
    Object.keys(QUERIES).map((q) => [queryLabel[q], `${ratios[q]}×`]),
  );
  console.log(`\n${table}\n\n${ratioTable}\n`);

  const markdown = `# GraphQL drivers: Mercurius vs Apollo (NestJS 11, @nestjs/graphql 13, Fastify adapter)

Command: \`npm run bench:drivers\` (BENCH_DURATION=${DURATION_SECONDS})

- Date: ${env.date}
- Node: ${env.node} on ${env.platform}
- CPUs: ${env.cpuCount} × ${env.cpuModel}
- Load: autocannon, ${CONNECTIONS} connections, ${env.warmupSeconds} s warm-up then ${DURATION_SECONDS} s measured, per driver × query, sequentially; each app in its own child process, autocannon in the parent
- Apps: \`bench/graphql-drivers/app.ts\`, code-first, same resolvers, NODE_ENV=production, Nest logger off, no GraphiQL/playground; driver defaults otherwise
- Latency resolution is 1 ms (autocannon histogram)

${table}

${ratioTable}
`;
  const files = writeResults('graphql-drivers', { environment: env, queries: QUERIES, responseBytes, results, ratiosMercuriusOverApollo: ratios }, markdown);
  console.log(`Wrote ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
}

main().catch(async (error) => {
  console.error(error);
  if (current) await stopChild(current, 5000);
  process.exit(1);
});
