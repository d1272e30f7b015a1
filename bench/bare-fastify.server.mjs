// Bare Fastify baseline: POST /graphql answers a fixed ~2 KB JSON object.
// Run as a child process by http-overhead.bench.mjs (so it gets its own event loop, like the app);
// reports its port over IPC and stops on SIGTERM.
import Fastify from 'fastify';

const sections = Array.from({ length: 10 }, (_, i) => ({
  id: `sec-${i + 1}`,
  heading: `Section ${i + 1}: configuring the widget`,
  anchor: `section-${i + 1}`,
  wordCount: 120 + i * 7,
}));

const PAYLOAD = {
  data: {
    article: {
      id: '7d3f2c1e-5b8a-4c6d-9e0f-1a2b3c4d5e6f',
      slug: 'how-to-reset-your-password',
      title: 'How to reset your password',
      summary: 'Step-by-step instructions for resetting a forgotten password from the sign-in page or the account settings.',
      body: 'Open the sign-in page and choose "Forgot password". Enter the e-mail address of your account; a reset link valid for one hour is sent to it. Follow the link, choose a new password of at least twelve characters and confirm it. '.repeat(2),
      status: 'PUBLISHED',
      locale: 'en',
      canonicalUrl: 'https://help.example.com/en/articles/how-to-reset-your-password',
      tags: ['account', 'security', 'password', 'sign-in', 'troubleshooting'],
      authorName: 'Documentation Team',
      createdAt: '2025-01-15T09:30:00.000Z',
      updatedAt: '2025-06-02T14:05:00.000Z',
      sections,
    },
  },
};

const app = Fastify({ logger: false });
app.post('/graphql', async () => PAYLOAD);

const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
const port = app.server.address().port;
if (process.send) process.send({ ready: true, port, payloadBytes: JSON.stringify(PAYLOAD).length });
else console.log(`bare Fastify listening on ${address}, payload ${JSON.stringify(PAYLOAD).length} bytes`);

process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
