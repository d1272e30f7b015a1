import { QueryFailedError } from 'typeorm';
import { isConcurrencyAbort, isDatabaseUnavailable } from './database-unavailable';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['no pooled connection in time (pg-pool)', new Error('timeout exceeded when trying to connect')],
    ['a new connection timing out (pg-pool, with its cause)', new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') })],
    ['the connection lost mid-query (pg)', new Error('Connection terminated unexpectedly')],
    ['the server not listening', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['the server shutting down', withCode('terminating connection due to administrator command', '57P01')],
    ['the server starting up', withCode('the database system is starting up', '57P03')],
    ['no connection slots left', withCode('sorry, too many clients already', '53300')],
    ['the database closed to new connections', withCode('database "evergreen" is not currently accepting connections', '55000')],
    ['a connection exception (class 08) inside TypeORM', new QueryFailedError('SELECT 1', [], withCode('connection failure', '08006'))],
  ])('is true for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT …', [], withCode('duplicate key value violates unique constraint', '23505'))],
    ['a cast the code should have prevented', withCode('invalid input syntax for type uuid: "x"', '22P02')],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a message that only mentions a timeout', new Error('statement timeout exceeded')],
    ['another 55000 (object not in prerequisite state)', withCode('cannot execute nextval() in a read-only transaction', '55000')],
    ['something that is not an error', 'timeout exceeded when trying to connect'],
    ['nothing', undefined],
  ])('is false for %s', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('isConcurrencyAbort', () => {
  it.each([
    ['a deadlock inside TypeORM', new QueryFailedError('UPDATE …', [], withCode('deadlock detected', '40P01')), true],
    ['a serialization failure', withCode('could not serialize access due to concurrent update', '40001'), true],
    ['a unique violation', new QueryFailedError('INSERT …', [], withCode('duplicate key value violates unique constraint', '23505')), false],
    ['the server shutting down', withCode('terminating connection due to administrator command', '57P01'), false],
    ['nothing', undefined, false],
  ])('%s', (_label, error, expected) => {
    expect(isConcurrencyAbort(error)).toBe(expected);
  });
});
