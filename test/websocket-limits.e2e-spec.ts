import WebSocket from 'ws';
import { CONNECTION_INIT_TIMEOUT_MS, INIT_TIMEOUT_CLOSE_CODE } from '../src/common/graphql/websocket-connection-limits';
import { createTestApp, TestApp } from './support/create-test-app';
import { listenForWebsockets } from './support/subscriptions';

const PER_ADDRESS = 5;

interface Attempt {
  socket: WebSocket;
  /** 'open', or the HTTP status of a refused upgrade. */
  outcome: Promise<'open' | number>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Idle websockets must not pile up: a per-address limit and the graphql-transport-ws init timeout. */
describe('websocket connection limits', () => {
  let t: TestApp;
  let base: string;
  const sockets: WebSocket[] = [];
  let address = 0;

  beforeAll(async () => {
    // A request timeout of 1 s too: an upgraded socket is no longer a request, and outlives it.
    t = await createTestApp({ WEBSOCKET_MAX_PER_IP: String(PER_ADDRESS), TRUST_PROXY: 'true', HTTP_REQUEST_TIMEOUT_SECONDS: '1' });
    base = await listenForWebsockets(t);
  });
  afterEach(() => sockets.splice(0).forEach((socket) => socket.terminate()));
  afterAll(() => t.close());

  const newAddress = (): string => `198.51.100.${++address}`;

  function connect(path: string, ip: string): Attempt {
    const socket = new WebSocket(`${base}${path}`, 'graphql-transport-ws', { headers: { 'x-forwarded-for': ip } });
    sockets.push(socket);
    const outcome = new Promise<'open' | number>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', () => resolve(0));
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    return { socket, outcome, closed };
  }

  it('closes a connection that sends no connection_init in time with 4408, and keeps one that does', async () => {
    const silent = connect('/graphql', newAddress());
    const greeting = connect('/graphql', newAddress());
    expect(await silent.outcome).toBe('open');
    expect(await greeting.outcome).toBe('open');
    const acknowledged = new Promise((resolve) => greeting.socket.once('message', (data) => resolve(JSON.parse(String(data)).type)));
    greeting.socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    expect(await acknowledged).toBe('connection_ack');

    const started = Date.now();
    expect(await silent.closed).toEqual({ code: INIT_TIMEOUT_CLOSE_CODE, reason: 'Connection initialisation timeout' });
    expect(Date.now() - started).toBeLessThan(CONNECTION_INIT_TIMEOUT_MS + 2000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(greeting.socket.readyState).toBe(WebSocket.OPEN);
  }, 15_000);

  it('lets one address hold at most its limit of connections over both endpoints, even when they open at once', async () => {
    const ip = newAddress();
    const attempts = Array.from({ length: 3 * PER_ADDRESS }, (_, i) => connect(i % 2 ? '/admin/graphql' : '/graphql', ip));
    const outcomes = await Promise.all(attempts.map((a) => a.outcome));
    // Refused before the handshake (429), or, for one that raced past that check, closed at once with 1008.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stillOpen = attempts.filter((a) => a.socket.readyState === WebSocket.OPEN);
    expect(stillOpen).toHaveLength(PER_ADDRESS);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome !== 'open') expect(outcome).toBe(429);
      else if (!stillOpen.includes(attempts[i])) expect((await attempts[i].closed).code).toBe(1008);
    }
    expect(outcomes.filter((o) => o === 429).length).toBeGreaterThan(0);

    // Another address is not held back; a closed connection frees its place.
    expect(await connect('/graphql', newAddress()).outcome).toBe('open');
    expect(await connect('/graphql', ip).outcome).toBe(429);
    const closing = stillOpen[0];
    closing.socket.close();
    await closing.closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await connect('/graphql', ip).outcome).toBe('open');
  });

  it('answers a refused upgrade with RATE_LIMITED in the body', async () => {
    const ip = newAddress();
    await Promise.all(Array.from({ length: PER_ADDRESS }, () => connect('/graphql', ip).outcome));
    const res = await t.http().get('/graphql').set({ connection: 'upgrade', upgrade: 'websocket', 'x-forwarded-for': ip });
    expect(res.status).toBe(429);
    expect(res.body.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', limit: PER_ADDRESS });
  });
});
