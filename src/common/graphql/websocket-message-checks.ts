import { DocumentNode, GraphQLError, Kind, OperationDefinitionNode, parse } from 'graphql';
import type { WebSocket, WebSocketServer } from 'ws';
import { checkOperationSelection, findUnsafeText, operationNamesOf, tooDeeplyNested } from './request-checks';

/** Message types that start an operation: `subscribe` (graphql-transport-ws), `start` (legacy graphql-ws). */
const START_TYPES = new Set(['subscribe', 'start']);

export interface RefusedMessage {
  id: unknown;
  error: GraphQLError;
}

function refuse(id: unknown, message: string, extensions: Record<string, unknown>): RefusedMessage {
  return { id, error: new GraphQLError(message, { extensions }) };
}

/**
 * The request checks Mercurius cannot run on a websocket message before it parses and picks the operation
 * (its hooks see neither the variables nor the operation name): a query that is GraphQL text within the
 * token limit, exactly one selected operation, and no NUL or lone surrogate in the variables. Null when the
 * message may go on to Mercurius (which answers anything else itself).
 */
export function checkStartMessage(raw: string, maxTokens: number): RefusedMessage | null {
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const { id, type, payload } = message as { id?: unknown; type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !START_TYPES.has(type)) return null;
  if (typeof payload !== 'object' || payload === null) return refuse(id, 'The subscribe message has no payload', { code: 'BAD_REQUEST' });
  const { query, variables, operationName } = payload as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return refuse(id, 'The query is not a GraphQL document', { code: 'GRAPHQL_PARSE_FAILED' });
  let names: string[];
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens, noLocation: true });
    names = operationNamesOf(document);
  } catch (error) {
    if (error instanceof GraphQLError && /more that \d+ tokens/.test(error.message)) {
      return refuse(id, `The document has more than ${maxTokens} tokens, the limit`, { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', allowed: maxTokens });
    }
    const nested = tooDeeplyNested(error);
    if (nested) return { id, error: nested };
    return refuse(id, error instanceof Error ? error.message : 'Syntax Error', { code: 'GRAPHQL_PARSE_FAILED' });
  }
  const [selection] = checkOperationSelection(names, operationName);
  if (selection) return { id, error: selection };
  const selected = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (names.length === 1 || d.name?.value === operationName),
  );
  if (selected && selected.operation !== 'subscription') {
    return refuse(id, `Only subscriptions run over the WebSocket; send a ${selected.operation} over HTTP`, { code: 'BAD_REQUEST' });
  }
  const unsafe = findUnsafeText(variables ?? null);
  if (unsafe) return refuse(id, `Variable $${unsafe.path} ${unsafe.reason}`, { code: 'BAD_USER_INPUT', field: unsafe.path });
  return null;
}

/**
 * Runs {@link checkStartMessage} on every message of every GraphQL websocket before Mercurius sees it; a
 * refused message is answered with an `error` for its operation id and goes no further.
 */
export function checkWebsocketMessages(server: WebSocketServer, maxTokens: number): void {
  server.on('connection', (socket: WebSocket) => {
    if (socket.protocol !== 'graphql-transport-ws' && socket.protocol !== 'graphql-ws') return;
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event !== 'message') return emit(event, ...args);
      const [data] = args as [Buffer | ArrayBuffer | Buffer[]];
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const refused = checkStartMessage(text, maxTokens);
      if (!refused) return emit(event, ...args);
      socket.send(JSON.stringify({ type: 'error', id: refused.id, payload: [refused.error.toJSON()] }));
      return true;
    }) as typeof socket.emit;
  });
}
