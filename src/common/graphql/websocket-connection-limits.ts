import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { clientNetwork } from '../http/client-network';

/** graphql-transport-ws: the client must send `connection_init` within this time (graphql-ws's default wait). */
export const CONNECTION_INIT_TIMEOUT_MS = 3000;
/** graphql-transport-ws close code: no `connection_init` in time. */
export const INIT_TIMEOUT_CLOSE_CODE = 4408;
/** RFC 6455 "policy violation": the address holds its limit of open connections. */
export const TOO_MANY_CONNECTIONS_CLOSE_CODE = 1008;

const CLIENT_ADDRESS = Symbol('websocket client address');
type AddressedRequest = IncomingMessage & { [CLIENT_ADDRESS]?: string };

const GRAPHQL_PROTOCOLS = new Set(['graphql-transport-ws', 'graphql-ws']);

/**
 * Bounds what idle websockets can hold of the process (a socket and a file descriptor each, until the client
 * lets go): a client address holds at most `perAddress` open connections (over both GraphQL endpoints; an
 * upgrade beyond is answered 429 before the handshake, and one that slipped in between closes at once), and a
 * GraphQL connection that sends no `connection_init` within {@link CONNECTION_INIT_TIMEOUT_MS} is closed with
 * 4408, as graphql-transport-ws prescribes. The client is Fastify's `request.ip` (TRUST_PROXY respected), an IPv6
 * address counted as its /64 (`clientNetwork`).
 * Counted per process: what is bounded is each process's sockets.
 */
export function limitWebsocketConnections(fastify: FastifyInstance, server: WebSocketServer, perAddress: number): void {
  const open = new Map<string, number>();
  // A callback hook, not an async one: it runs on every request and is done at once for all but upgrades.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.headers.upgrade === undefined || request.headers.upgrade.toLowerCase() !== 'websocket') return done();
    const client = clientNetwork(request.ip);
    (request.raw as AddressedRequest)[CLIENT_ADDRESS] = client;
    if ((open.get(client) ?? 0) < perAddress) return done();
    void reply
      .code(429)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ errors: [{ message: tooMany(perAddress), extensions: { code: 'RATE_LIMITED', limit: perAddress } }] }));
  });
  server.on('connection', (socket: WebSocket, request: AddressedRequest) => {
    const address = request[CLIENT_ADDRESS] ?? request.socket.remoteAddress ?? 'unknown';
    const held = open.get(address) ?? 0;
    if (held >= perAddress) {
      socket.close(TOO_MANY_CONNECTIONS_CLOSE_CODE, tooMany(perAddress));
      return;
    }
    open.set(address, held + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
    if (GRAPHQL_PROTOCOLS.has(socket.protocol)) closeWithoutInit(socket);
  });
}

function tooMany(perAddress: number): string {
  return `This address holds ${perAddress} open WebSocket connections, the limit; close one first`;
}

function closeWithoutInit(socket: WebSocket): void {
  const timer = setTimeout(() => socket.close(INIT_TIMEOUT_CLOSE_CODE, 'Connection initialisation timeout'), CONNECTION_INIT_TIMEOUT_MS);
  timer.unref();
  const onMessage = (data: Buffer | ArrayBuffer | Buffer[]): void => {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (!text.includes('connection_init')) return;
    try {
      if ((JSON.parse(text) as { type?: unknown }).type !== 'connection_init') return;
    } catch {
      return;
    }
    clearTimeout(timer);
    socket.off('message', onMessage);
  };
  socket.on('message', onMessage);
  socket.once('close', () => clearTimeout(timer));
}
