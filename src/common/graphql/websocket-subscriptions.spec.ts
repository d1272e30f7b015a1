import { FastifyRequest } from 'fastify';
import { buildSchema, GraphQLError, parse } from 'graphql';
import { BadUserInputError, ForbiddenError } from '../errors/app-error';
import { checkStartMessage } from './websocket-message-checks';
import { checkSubscriptionDocument, toSubscriptionStartError, websocketAuthorization } from './websocket-subscriptions';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Item { id: ID! name(prefix: String): String child: Item }
  type Subscription { itemAdded: Item }
`);
const limits = { maxDepth: 3, maxCost: 100, maxAliases: 2 };
const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as unknown as FastifyRequest;
const codeOf = (fn: () => void): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions?.code;
  }
  return null;
};

describe('websocketAuthorization', () => {
  it('takes the connection_init authorization, else the upgrade header, and flags a non-string', () => {
    expect(websocketAuthorization({ req: request('Bearer header'), _connectionInit: { authorization: 'Bearer payload' } })).toBe('Bearer payload');
    expect(websocketAuthorization({ req: request('Bearer header'), _connectionInit: {} })).toBe('Bearer header');
    expect(websocketAuthorization({ req: request(), _connectionInit: undefined })).toBeUndefined();
    expect(websocketAuthorization({ req: request('Bearer header'), _connectionInit: { authorization: 42 } })).toBeNull();
    expect(websocketAuthorization({ req: request(), _connectionInit: { headers: { authorization: 'Bearer nested' } } })).toBe('Bearer nested');
    expect(websocketAuthorization({ req: request(), _connectionInit: { headers: { authorization: ['x'] } } })).toBeNull();
  });
});

describe('subscription document checks', () => {
  it('accepts a valid subscription within the limits', () => {
    expect(codeOf(() => checkSubscriptionDocument(schema, parse('subscription { itemAdded { id name } }'), limits))).toBeNull();
  });

  it.each([
    ['a JSON "AST"', 'GRAPHQL_PARSE_FAILED', JSON.parse(JSON.stringify(parse('subscription { itemAdded { id } }')))],
    ['an unknown field', 'GRAPHQL_VALIDATION_FAILED', parse('subscription { nope }')],
    ['too deep', 'QUERY_TOO_COMPLEX', parse('subscription { itemAdded { child { child { id } } } }')],
    ['too many aliases', 'QUERY_TOO_COMPLEX', parse('subscription { itemAdded { a: id b: id c: id } }')],
    ['a NUL in a string literal', 'BAD_USER_INPUT', parse('subscription { itemAdded { name(prefix: "a\\u0000") } }')],
  ])('refuses %s with %s', (_, code, document) => {
    expect(codeOf(() => checkSubscriptionDocument(schema, document, limits))).toBe(code);
  });

});

describe('checkStartMessage (websocket messages before Mercurius parses them)', () => {
  const start = (payload: unknown, type = 'subscribe'): string => JSON.stringify({ id: 'op1', type, payload });
  const codeOfMessage = (raw: string): unknown => checkStartMessage(raw, 20)?.error.extensions.code ?? null;

  it('lets through other messages, non-JSON and a good subscribe', () => {
    expect(codeOfMessage(JSON.stringify({ type: 'connection_init', payload: { authorization: 'x' } }))).toBeNull();
    expect(codeOfMessage('not json')).toBeNull();
    expect(codeOfMessage(start({ query: 'subscription { itemAdded { id } }', variables: { a: 'text' } }))).toBeNull();
    expect(codeOfMessage(start({ query: 'subscription A { itemAdded { id } } subscription B { itemAdded { id } }', operationName: 'B' }))).toBeNull();
  });

  it.each([
    ['no payload', 'BAD_REQUEST', start(null)],
    ['a query that is not text', 'GRAPHQL_PARSE_FAILED', start({ query: { kind: 'Document', definitions: [] } })],
    ['a syntax error', 'GRAPHQL_PARSE_FAILED', start({ query: 'subscription {' })],
    ['more tokens than the limit', 'QUERY_TOO_COMPLEX', start({ query: `subscription { itemAdded { ${'id '.repeat(50)} } }` })],
    ['two operations and no operationName', 'BAD_REQUEST', start({ query: 'subscription A { itemAdded { id } } subscription B { itemAdded { id } }' })],
    ['an unknown operationName', 'BAD_REQUEST', start({ query: 'subscription A { itemAdded { id } }', operationName: 'C' })],
    ['a NUL in a variable', 'BAD_USER_INPUT', start({ query: 'subscription { itemAdded { id } }', variables: { boardId: 'a\u0000' } })],
    ['a lone surrogate in a variable (legacy protocol)', 'BAD_USER_INPUT', start({ query: 'subscription { itemAdded { id } }', variables: { x: '\ud800' } }, 'start')],
  ])('refuses %s with %s, answering for its operation id', (_, code, raw) => {
    expect(codeOfMessage(raw)).toBe(code);
    expect(checkStartMessage(raw, 20)?.id).toBe('op1');
  });
});

describe('toSubscriptionStartError', () => {
  it('keeps the code and details of an AppError, and hides anything unexpected', () => {
    expect(toSubscriptionStartError(new ForbiddenError('no', { reason: 'X' })).extensions).toEqual({ reason: 'X', code: 'FORBIDDEN' });
    expect(toSubscriptionStartError(new BadUserInputError('bad', [{ field: 'boardId', messages: ['m'] }])).extensions.code).toBe('BAD_USER_INPUT');
    const hidden = toSubscriptionStartError(new Error('connection to 10.0.0.5 refused'));
    expect([hidden.message, hidden.extensions.code]).toEqual(['Internal server error', 'INTERNAL_SERVER_ERROR']);
  });
});
