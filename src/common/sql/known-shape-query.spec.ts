import { Pool, PoolClient } from 'pg';
import { queryKnownShape } from './known-shape-query';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TEXT = `SELECT $1::int AS n, $1::int * 2 AS twice, '2026-01-02T03:04:05.678Z'::timestamptz AS at, json_build_object('k', $2::text) AS doc,
  NULL::text AS nothing, ARRAY['a', 'b'] AS tags, 10 / $1::int AS ratio FROM generate_series(1, $3::int)`;

describe('queryKnownShape (PostgreSQL)', () => {
  let pool: Pool;
  let client: PoolClient;
  let describes: number;
  beforeAll(async () => {
    pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
    client = await pool.connect();
    const connection = (client as unknown as { connection: { describe(options: object): void } }).connection;
    const describe = connection.describe.bind(connection);
    describes = 0;
    connection.describe = (options) => {
      describes++;
      describe(options);
    };
  });
  afterAll(async () => {
    client.release();
    await pool.end();
  });

  it('parses rows like the driver and describes the statement once per connection', async () => {
    const expected = (await client.query({ text: TEXT, values: [5, 'x', 2] })).rows;
    describes = 0;
    for (let run = 0; run < 3; run++) {
      const rows = await queryKnownShape(client, 'known_shape_spec', TEXT, [5, 'x', 2]);
      expect(rows).toEqual(expected);
      expect(rows[0].at).toBeInstanceOf(Date);
      expect(rows[0].doc).toEqual({ k: 'x' });
      expect(rows[0].tags).toEqual(['a', 'b']);
      expect(Object.keys(rows[0])).toEqual(['n', 'twice', 'at', 'doc', 'nothing', 'tags', 'ratio']);
    }
    expect(describes).toBe(1);
    expect(await queryKnownShape(client, 'known_shape_spec', TEXT, [7, 'y', 0])).toEqual([]);
    expect(describes).toBe(1);
  });

  it('reports PostgreSQL errors and bind errors, and leaves the connection usable', async () => {
    await queryKnownShape(client, 'known_shape_spec', TEXT, [1, 'a', 1]);
    await expect(queryKnownShape(client, 'known_shape_spec', TEXT, [0, 'a', 1])).rejects.toMatchObject({ code: '22012' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(queryKnownShape(client, 'known_shape_spec', TEXT, [1, circular, 1])).rejects.toThrow();
    expect(await queryKnownShape(client, 'known_shape_spec', TEXT, [2, 'b', 1])).toEqual([expect.objectContaining({ n: 2, ratio: 5, doc: { k: 'b' } })]);
  });

  it('describes again on another connection', async () => {
    const other = await pool.connect();
    try {
      const rows = await queryKnownShape(other, 'known_shape_spec', TEXT, [3, 'z', 1]);
      expect(rows).toEqual([expect.objectContaining({ n: 3, twice: 6, doc: { k: 'z' } })]);
      expect(await queryKnownShape(other, 'known_shape_spec', TEXT, [4, 'z', 1])).toEqual([expect.objectContaining({ n: 4 })]);
    } finally {
      other.release();
    }
  });
});
