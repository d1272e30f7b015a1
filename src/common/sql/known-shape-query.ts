import { Query } from 'pg';
import type { PoolClient, QueryResultRow } from 'pg';

// The driver's own value mapping for Bind (dates, arrays, buffers, JSON), as its Query uses it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

/** What the pg driver keeps of a RowDescription: the fields, a parser per field and the empty row it copies. */
interface RowShape {
  fields: unknown[];
  parsers: unknown[];
  emptyRow: unknown;
}

/** The parts of pg's Query (pg 8) this relies on; checked once, so that a driver that changed them is simply not sped up. */
interface QueryInternals {
  name?: string;
  portal: string;
  values?: unknown[];
  binary?: boolean;
  rows?: number;
  _result: { fields: unknown[]; _parsers: unknown; _prebuiltEmptyResultObject: unknown };
  _accumulateRows?: unknown;
  hasBeenParsed(connection: unknown): boolean;
  handleError(error: unknown, connection: unknown): void;
  handleRowDescription(message: unknown): void;
  prepare(connection: unknown): void;
  _getRows(connection: unknown, rows: number | undefined): void;
}

interface WireConnection {
  bind(options: object): void;
  sync(): void;
}

const prototype = Query.prototype as unknown as QueryInternals;
const DRIVER_HAS_EXPECTED_INTERNALS = ['prepare', 'hasBeenParsed', 'handleError', 'handleRowDescription', '_getRows'].every(
  (method) => typeof (prototype as unknown as Record<string, unknown>)[method] === 'function',
);

/** Row shapes per connection and statement name (a named statement's result shape cannot change without an error). */
const shapes = new WeakMap<object, Map<string, RowShape>>();

/**
 * A named prepared statement that asks PostgreSQL to describe its result only the first time on a connection.
 * The pg driver sends Bind, Describe, Execute and Sync on every execution and, for the RowDescription that
 * comes back, parses every column's name and builds the row parsers again (issue 10: about 3 % of the CPU and
 * 7 KB of garbage of an uncached article request, whose statement returns 23 columns). This query keeps what
 * the first description gave per connection and statement, and afterwards sends Bind, Execute and Sync only.
 * PostgreSQL refuses to run a prepared statement whose result shape changed ("cached plan must not change
 * result type"), so the kept shape cannot silently go stale.
 */
class KnownShapeQuery extends Query {
  private connection: object | undefined;

  constructor(name: string, text: string, values: unknown[], callback: (error: Error | undefined, result: unknown) => void) {
    // From the text, not a config object: the driver copies a config object property by property (property
    // descriptors) on every query. The name is the only other setting.
    super(text, values, callback);
    (this as unknown as QueryInternals).name = name;
  }

  prepare(connection: WireConnection & object): void {
    const self = this as unknown as QueryInternals;
    this.connection = connection;
    const shape = self.name ? shapes.get(connection)?.get(self.name) : undefined;
    if (!shape || !self.hasBeenParsed(connection)) {
      prototype.prepare.call(this, connection);
      return;
    }
    try {
      connection.bind({ portal: self.portal, statement: self.name, values: self.values, binary: self.binary, valueMapper: prepareValue });
    } catch (error) {
      // Nothing was written (the values are mapped before the message is). Unlike the driver, which closes the
      // statement here because it may have just sent its Parse, keep it: it was parsed by an earlier query and
      // the driver still counts it as parsed. Sync ends the query (ReadyForQuery) for the client's queue.
      connection.sync();
      self.handleError(error, connection);
      return;
    }
    self._result.fields = shape.fields;
    self._result._parsers = shape.parsers;
    self._result._prebuiltEmptyResultObject = shape.emptyRow;
    self._accumulateRows = true;
    self._getRows(connection, self.rows);
  }

  handleRowDescription(message: unknown): void {
    const self = this as unknown as QueryInternals;
    prototype.handleRowDescription.call(this, message);
    if (!self.name || !this.connection) return;
    let byName = shapes.get(this.connection);
    if (!byName) shapes.set(this.connection, (byName = new Map()));
    byName.set(self.name, { fields: self._result.fields, parsers: self._result._parsers as unknown[], emptyRow: self._result._prebuiltEmptyResultObject });
  }
}

/**
 * Runs a named prepared statement on a checked-out client and returns its rows. Statement names must be unique
 * per text, as for any named statement in pg.
 */
export function queryKnownShape<T extends QueryResultRow>(client: PoolClient, name: string, text: string, values: unknown[]): Promise<T[]> {
  if (!DRIVER_HAS_EXPECTED_INTERNALS) return client.query<T>({ name, text, values }).then((result) => result.rows);
  return new Promise<T[]>((resolve, reject) => {
    const query = new KnownShapeQuery(name, text, values, (error: Error | undefined, result: unknown) =>
      error ? reject(error) : resolve((result as { rows: T[] }).rows),
    );
    void client.query(query);
  });
}
