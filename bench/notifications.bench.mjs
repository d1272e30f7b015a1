// Live notification latency: commit → graphql-ws subscriber, versus bare PostgreSQL LISTEN/NOTIFY.
//   npm run bench:notifications      (builds, then runs this file; BENCH_EVENTS=<n> to change the 300 default)
// (a) bare: one pg client NOTIFYs (autocommit), another LISTENs; time from sending to receiving.
// (b) the built app (production mode, a child process): members subscribed to notificationAdded over
//     WebSocket; each event is one transaction with the notification row and its live event — the SQL of
//     MemberNotificationsService.notify, run from here since no public API raises notifications yet (the
//     forum will) — timed from the start of that transaction to the recipient's client receiving it.
//     Run with 1 subscriber and with 200 (every event is filtered against all of them), then a burst.
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { environment, markdownTable, round, rssMb, sleep, startApp, stopChild, writeResults } from './lib.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS) > 0 ? Number(process.env.BENCH_EVENTS) : 300;
const BURST = 1000;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_notifications';

const NOTIFY_SQL = `WITH inserted AS (
    INSERT INTO member_notifications (recipient_id, kind, actor_id, subject_kind, subject_id, summary, data)
    VALUES ($1, 'reply_on_followed_thread', NULL, 'thread', $1, $2, '{}'::jsonb) RETURNING *)
  SELECT n.id, n.recipient_id, n.kind, n.actor_id, NULL AS actor_name, n.subject_kind, n.subject_id, n.summary, n.data,
         to_json(n.created_at) #>> '{}' AS created_at, NULL AS read_at FROM inserted n`;

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted[sorted.length - 1]) };
}

async function ensureDatabase() {
  const target = new URL(DATABASE_URL);
  const admin = new URL(DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const name = target.pathname.slice(1);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

async function bare() {
  const listener = new pg.Client({ connectionString: DATABASE_URL });
  const sender = new pg.Client({ connectionString: DATABASE_URL });
  await Promise.all([listener.connect(), sender.connect()]);
  await listener.query('LISTEN bench_bare');
  const waiting = new Map();
  listener.on('notification', (m) => waiting.get(m.payload)?.());
  const samples = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const received = new Promise((resolve) => waiting.set(String(i), resolve));
    const t0 = performance.now();
    await sender.query('SELECT pg_notify($1, $2)', ['bench_bare', String(i)]);
    await received;
    samples.push(performance.now() - t0);
    waiting.delete(String(i));
  }
  await Promise.all([listener.end(), sender.end()]);
  return percentiles(samples);
}

/** The same write transaction as the app rows (insert + NOTIFY + commit), received by a bare LISTEN client. */
async function bareTransaction(pool) {
  const listener = new pg.Client({ connectionString: DATABASE_URL });
  await listener.connect();
  await listener.query('LISTEN evergreen_live_events');
  const waiting = new Map();
  listener.on('notification', (m) => waiting.get(JSON.parse(m.payload).payload.notification.summary)?.());
  const { rows } = await pool.query(
    `INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, 'Bare', '!', 'member') RETURNING id`,
    [`bench-bare-${Date.now()}@example.test`],
  );
  const samples = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const summary = `bare-${Date.now()}-${i}`;
    const received = new Promise((resolve) => waiting.set(summary, resolve));
    const t0 = performance.now();
    await raise(pool, rows[0].id, summary);
    await received;
    samples.push(performance.now() - t0);
  }
  await listener.end();
  return percentiles(samples);
}

async function signUp(url, i) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken viewer { id } } }',
      variables: { input: { email: `bench-${Date.now()}-${i}@example.test`, password: 'bench-password-123', displayName: `Bench ${i}` } },
    }),
  });
  const body = await res.json();
  if (!body.data) throw new Error(`signUp failed: ${JSON.stringify(body.errors)}`);
  return { id: body.data.signUp.viewer.id, token: body.data.signUp.accessToken };
}

/** Subscribes each member; resolves a waiter per received summary. */
async function subscribeAll(url, members) {
  const waiting = new Map();
  const clients = members.map((member) => {
    const client = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${member.token}` }, retryAttempts: 0 });
    client.subscribe(
      { query: 'subscription { notificationAdded { id summary } }' },
      {
        next: (result) => waiting.get(result.data?.notificationAdded.summary)?.(),
        error: (error) => console.error('subscription error', error),
        complete: () => undefined,
      },
    );
    return client;
  });
  return { clients, waiting };
}

async function raise(pool, recipientId, summary) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(NOTIFY_SQL, [recipientId, summary]);
    const text = JSON.stringify({ topic: 'member-notification-added', payload: { recipientId, notification: rows[0] } });
    await client.query('SELECT pg_notify($1, $2)', ['evergreen_live_events', text]);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function measure(url, pool, subscriberCount, label) {
  const members = [];
  for (let i = 0; i < subscriberCount; i += 1) members.push(await signUp(url, `${label}-${i}`));
  const { clients, waiting } = await subscribeAll(url, members);
  const expect = (summary) => new Promise((resolve) => waiting.set(summary, resolve));
  // Ready when every member received a warm-up event.
  for (let attempt = 0; ; attempt += 1) {
    const all = Promise.all(members.map((m, i) => expect(`warm-${label}-${attempt}-${i}`)));
    await Promise.all(members.map((m, i) => raise(pool, m.id, `warm-${label}-${attempt}-${i}`)));
    const done = await Promise.race([all.then(() => true), sleep(2000).then(() => false)]);
    if (done) break;
    if (attempt > 10) throw new Error('subscribers never became ready');
  }
  const samples = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const member = members[i % members.length];
    const summary = `${label}-${i}`;
    const received = expect(summary);
    const t0 = performance.now();
    await raise(pool, member.id, summary);
    await received;
    samples.push(performance.now() - t0);
  }
  // Burst: BURST events from 8 writers at once, until the last is received.
  const burstReceived = [];
  for (let i = 0; i < BURST; i += 1) burstReceived.push(expect(`${label}-burst-${i}`));
  const t0 = performance.now();
  const queue = Array.from({ length: BURST }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) await raise(pool, members[i % members.length].id, `${label}-burst-${i}`);
    }),
  );
  await Promise.all(burstReceived);
  const burstSeconds = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.dispose()));
  return { subscribers: subscriberCount, latencyMs: percentiles(samples), burst: { events: BURST, writers: 8, eventsPerSecond: Math.round(BURST / burstSeconds) } };
}

async function main() {
  const env = environment();
  console.log(`Notification latency bench: ${env.node}, ${env.cpuCount} CPU(s), ${EVENTS} sequential events per run`);
  await ensureDatabase();
  console.log('(a) bare pg NOTIFY → LISTEN');
  const bareFigures = await bare();
  console.log(`  p50 ${bareFigures.p50} ms, p95 ${bareFigures.p95} ms`);

  console.log('(b) app: commit → graphql-ws subscriber');
  // Every member signs up from this machine's address: lift the per-address sign-up limit.
  const app = await startApp(DATABASE_URL, { NOTIFICATION_DIGEST_MINUTES: '60', SIGNUP_MAX_PER_IP: '100000' });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  // After the app started: its migrations created the tables. The app ignores these events (no such recipient subscribed).
  console.log('(a2) bare: the same write transaction → a bare LISTEN client');
  const bareTx = await bareTransaction(pool);
  console.log(`  p50 ${bareTx.p50} ms, p95 ${bareTx.p95} ms`);
  const runs = [];
  let memory = null;
  try {
    for (const subscribers of [1, 200]) {
      const run = await measure(app.url, pool, subscribers, `s${subscribers}-${Date.now()}`);
      console.log(`  ${subscribers} subscriber(s): p50 ${run.latencyMs.p50} ms, p95 ${run.latencyMs.p95} ms, burst ${run.burst.eventsPerSecond} events/s`);
      runs.push(run);
    }
    memory = rssMb(app.child.pid);
  } finally {
    await pool.end();
    await stopChild(app.child);
  }
  const json = { environment: env, events: EVENTS, bare: bareFigures, bareTransaction: bareTx, app: runs, appRssMb: memory };
  const rows = [
    ['bare: autocommit NOTIFY → LISTEN', '—', bareFigures.p50, bareFigures.p95, bareFigures.p99, '—', '—'],
    ['bare: write transaction (insert + NOTIFY + commit) → LISTEN', '—', bareTx.p50, bareTx.p95, bareTx.p99, '—', '1.0'],
    ...runs.map((r) => [
      'app: commit → subscriber',
      r.subscribers,
      r.latencyMs.p50,
      r.latencyMs.p95,
      r.latencyMs.p99,
      r.burst.eventsPerSecond,
      round(r.latencyMs.p50 / bareTx.p50, 2),
    ]),
  ];
  const markdown = [
    '# Live notifications: commit → graphql-ws subscriber',
    '',
    `${env.date}, ${env.node}, ${env.cpuCount} CPU(s) (${env.cpuModel}); the machine was shared with other work. ${EVENTS} sequential events per row; burst: ${BURST} events from 8 writers. Command: \`npm run bench:notifications\`.`,
    '',
    markdownTable(['path', 'subscribers', 'p50 ms', 'p95 ms', 'p99 ms', 'burst events/s', 'p50 vs bare transaction'], rows),
    '',
    'The app rows time a whole write transaction (insert + NOTIFY + commit) plus delivery: PostgreSQL → the',
    "instance's LISTEN connection → mqemitter → each subscription's filter → graphql-ws frame. The bare",
    'transaction row is the same transaction received by a bare pg LISTEN client, so the ratio is what the',
    `app adds on top of PostgreSQL. App memory after the runs: ${memory?.rss} MB RSS.`,
  ].join('\n');
  const [jsonPath, mdPath] = writeResults('notifications', json, markdown);
  console.log(`\n${markdown}\n\nWritten ${jsonPath} and ${mdPath}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
