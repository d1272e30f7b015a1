import { connect, Socket } from 'node:net';
import { createTestApp, TestApp } from './support/create-test-app';

/** A client that sends its request slowly (slowloris) gets 408 and loses its connection once the request timeout has passed. */
describe('slow clients', () => {
  let t: TestApp;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await createTestApp({ HTTP_REQUEST_TIMEOUT_SECONDS: '1' });
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening on a port');
    port = address.port;
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));
  afterAll(() => t.close());

  /** Opens a connection, sends `head`, then one more byte every 200 ms; resolves with what the server sent once it closed the connection. */
  function trickle(head: string): Promise<{ answer: string; afterMs: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1', () => socket.write(head));
      sockets.push(socket);
      let answer = '';
      const drip = setInterval(() => socket.writable && socket.write(' '), 200);
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ answer, afterMs: Date.now() - started });
      });
      setTimeout(() => {
        clearInterval(drip);
        reject(new Error(`the connection is still open after 8 s; received: ${answer}`));
      }, 8000);
    });
  }

  it('answers 408 to a body sent a byte at a time, and closes the connection', async () => {
    const { answer, afterMs } = await trickle('POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":"');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(900);
  }, 10_000);

  it('answers 408 to headers sent a byte at a time', async () => {
    const { answer } = await trickle('GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 10_000);

  it('still serves a request that arrives in time', async () => {
    const res = await t.http().post('/graphql').send({ query: '{ __typename }' });
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
  });
});
