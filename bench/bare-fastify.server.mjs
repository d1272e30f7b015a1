// Bare Fastify baseline: POST /graphql answers a fixed ~2 KB JSON object.
// Run as a child process by http-overhead.bench.mjs (so it gets its own event loop, like the app);
// reports its port over IPC and stops on SIGTERM.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const article = JSON.parse(readFileSync(new URL('./article-2kb.json', import.meta.url), 'utf8'));
const PAYLOAD = { data: { article } };

const app = Fastify({ logger: false });
app.post('/graphql', async () => PAYLOAD);

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const port = app.server.address().port;
if (process.send) process.send({ ready: true, port, payloadBytes: JSON.stringify(PAYLOAD).length });
else console.log(`bare Fastify listening on ${address}, payload ${JSON.stringify(PAYLOAD).length} bytes`);

process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
