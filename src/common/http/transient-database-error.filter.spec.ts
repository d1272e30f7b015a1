import { transientDatabaseAnswer } from './transient-database-error.filter';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('transientDatabaseAnswer', () => {
  it('answers a busy or unreachable database 503 with Retry-After', () => {
    expect(transientDatabaseAnswer(new Error('timeout exceeded when trying to connect'))).toMatchObject({
      status: 503,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 } },
    });
  });

  it('answers a deadlock 409 CONFLICT CONCURRENT_CHANGE', () => {
    expect(transientDatabaseAnswer(withCode('deadlock detected', '40P01'))).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', reason: 'CONCURRENT_CHANGE' } } });
  });

  it('leaves every other error to Nest', () => {
    expect(transientDatabaseAnswer(withCode('duplicate key value violates unique constraint', '23505'))).toBeNull();
    expect(transientDatabaseAnswer(new TypeError('x is undefined'))).toBeNull();
  });
});
