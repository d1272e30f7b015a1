import { combineChangeStatements } from './content-changes';

describe('combineChangeStatements', () => {
  it('makes one statement: writes and reads as CTEs, the reads counted by the main query, parameters renumbered', () => {
    const combined = combineChangeStatements([
      { sql: 'UPDATE articles SET updated_at = now() WHERE id = ANY($1::uuid[])', params: [['a']] },
      { sql: 'INSERT INTO search_outbox (kind, source_id) SELECT $1, unnest($2::uuid[])', params: ['article', ['a']] },
      { sql: 'SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', params: ['channel', ['a']] },
    ]);
    expect(combined.params).toEqual([['a'], 'article', ['a'], 'channel', ['a']]);
    expect(combined.sql).toBe(
      'WITH change_0 AS (UPDATE articles SET updated_at = now() WHERE id = ANY($1::uuid[])), ' +
        'change_1 AS (INSERT INTO search_outbox (kind, source_id) SELECT $2, unnest($3::uuid[])), ' +
        'change_2 AS (SELECT pg_notify($4, payload) FROM unnest($5::text[]) AS payload) ' +
        'SELECT (SELECT count(*) FROM change_2)',
    );
  });

  it('needs no main read when every part writes', () => {
    expect(combineChangeStatements([{ sql: 'UPDATE a SET x = $1', params: [1] }, { sql: 'UPDATE b SET y = $1', params: [2] }]).sql).toBe(
      'WITH change_0 AS (UPDATE a SET x = $1), change_1 AS (UPDATE b SET y = $2) SELECT 1',
    );
  });
});
