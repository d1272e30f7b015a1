import { GraphQLError } from 'graphql';
import { ConflictError } from '../errors/app-error';
import { formatGraphqlErrors } from './format-graphql-error';

function wrap(original: Error): GraphQLError {
  return new GraphQLError(original.message, { originalError: original, path: ['field'] });
}

describe('formatGraphqlErrors', () => {
  const logged: unknown[] = [];
  const log = (error: unknown): void => {
    logged.push(error);
  };
  beforeEach(() => (logged.length = 0));

  it('exposes an AppError with its code and details', () => {
    const result = formatGraphqlErrors({ data: null, errors: [wrap(new ConflictError('Saved since', { headRevisionNumber: 3 }))] }, log);
    expect(result.response.errors[0]).toEqual({
      message: 'Saved since',
      path: ['field'],
      extensions: { code: 'CONFLICT', headRevisionNumber: 3 },
    });
    expect(logged).toHaveLength(0);
  });

  it('hides an unexpected error behind a generic message and logs it', () => {
    const sqlError = new Error('relation "users" does not exist at character 15');
    sqlError.stack = 'Error: at Query.run (node_modules/typeorm/...)';
    const result = formatGraphqlErrors({ data: null, errors: [wrap(sqlError)] }, log);
    expect(result.response.errors[0]).toEqual({ message: 'Internal server error', path: ['field'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(result)).not.toMatch(/relation|typeorm/);
    expect(logged).toEqual([sqlError]);
  });

  it('answers a transaction PostgreSQL rolled back for a concurrent one as a retryable CONFLICT, and logs it', () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const result = formatGraphqlErrors({ data: null, errors: [wrap(deadlock)] }, log);
    expect(result.response.errors[0]).toMatchObject({ path: ['field'], extensions: { code: 'CONFLICT', reason: 'CONCURRENT_CHANGE' } });
    expect(result.response.errors[0].message).not.toMatch(/deadlock/);
    expect(logged).toEqual([deadlock]);
  });

  it('classifies parse, validation and variable errors wrapped by Mercurius', () => {
    const wrapper = Object.assign(new Error('Graphql validation error'), {
      code: 'MER_ERR_GQL_VALIDATION',
      statusCode: 400,
      errors: [
        new GraphQLError('Syntax Error: Expected Name, found <EOF>.'),
        new GraphQLError('Cannot query field "nope" on type "Query".'),
        new GraphQLError('Variable "$n" got invalid value "x"; Int cannot represent non-integer value: "x"'),
        new GraphQLError('Variable "$n" of type "Boolean!" used in position expecting type "Int!".'),
      ],
    });
    const result = formatGraphqlErrors({ errors: [wrap(wrapper)] }, log);
    expect(result.statusCode).toBe(400);
    expect(result.response.errors.map((e) => e.extensions?.code)).toEqual([
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
  });

  it('answers HTTP-level request errors with their status and a plain message', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    const result = formatGraphqlErrors({ errors: [wrap(tooLarge)] }, log);
    expect(result.statusCode).toBe(413);
    expect(result.response.errors[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps status 200 when part of the data was resolved', () => {
    const result = formatGraphqlErrors({ data: { a: 1 }, errors: [wrap(new Error('boom'))] }, log);
    expect(result.statusCode).toBe(200);
    expect(result.response.data).toEqual({ a: 1 });
  });

  it('keeps the code of request checks, reports the token limit as QUERY_TOO_COMPLEX, and drops data on 4xx', () => {
    const wrapper = Object.assign(new Error('refused'), {
      statusCode: 400,
      errors: [
        new GraphQLError('A string argument contains a NUL character', { extensions: { code: 'BAD_USER_INPUT' } }),
        new GraphQLError('Syntax Error: Document contains more that 5000 tokens. Parsing aborted.'),
      ],
    });
    const result = formatGraphqlErrors({ errors: [wrap(wrapper)] }, log);
    expect(result.statusCode).toBe(400);
    expect(result.response).not.toHaveProperty('data');
    expect(result.response.errors.map((e) => e.extensions)).toEqual([
      { code: 'BAD_USER_INPUT' },
      { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', allowed: 5000 },
    ]);
  });

  it('answers errors graphql-js raises before any resolver (no operation selected) as BAD_REQUEST, not internal', () => {
    const result = formatGraphqlErrors({ errors: [new GraphQLError('Must provide operation name if query contains multiple operations.')] }, log);
    expect(result.statusCode).toBe(400);
    expect(result.response.errors[0].extensions?.code).toBe('BAD_REQUEST');
    expect(logged).toHaveLength(0);
  });
});
