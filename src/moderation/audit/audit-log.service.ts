import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Connection, decodeTimeIdCursor, encodeCursor } from '../../common/graphql/connection';
import { BadUserInputError } from '../../common/errors/app-error';
import { toCsv } from './audit-csv';

export interface AuditLogFilter {
  /** A person's id. */
  actorId?: string | null;
  /** An automatic rule's name (`auto:links`). */
  actorRule?: string | null;
  /** The subject (thread, post, member, article, flag) the entry is about. */
  targetId?: string | null;
  targetKind?: string | null;
  /** Exact action (`post.reject`), or a prefix ending in `.` (`post.`). */
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export interface AuditLogRow {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorName: string | null;
  actorRule: string | null;
  action: string;
  subjectKind: string;
  subjectId: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface RawRow {
  id: string;
  occurred_at: Date;
  occurred_key: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_rule: string | null;
  action: string;
  subject_kind: string;
  subject_id: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Rows one CSV export returns at most; narrow the filter (time range) for more. */
export const AUDIT_CSV_MAX_ROWS = 50_000;


/** Reads the append-only audit log: newest first, filtered, keyset-paged; and its CSV export. */
@Injectable()
export class AuditLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filter: AuditLogFilter, first: number, after: string | null): Promise<Connection<AuditLogRow>> {
    const { where, params } = this.where(filter);
    if (after) {
      const [occurred, id] = decodeTimeIdCursor(after);
      params.push(occurred, id);
      where.push(`(a.occurred_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows = await this.select(where, params, first + 1);
    const page = rows.slice(0, first);
    const edges = page.map((row) => ({ cursor: encodeCursor([row.occurred_key, row.id]), node: toRow(row) }));
    const count = this.where(filter);
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM audit_entries a ${count.where.length ? `WHERE ${count.where.join(' AND ')}` : ''}`,
      count.params,
    );
    return { edges, totalCount: total, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** The filtered log as CSV (newest first), at most {@link AUDIT_CSV_MAX_ROWS} rows; `truncated` when there were more. */
  async exportCsv(filter: AuditLogFilter): Promise<{ csv: string; rowCount: number; truncated: boolean }> {
    const { where, params } = this.where(filter);
    const rows = await this.select(where, params, AUDIT_CSV_MAX_ROWS + 1);
    const kept = rows.slice(0, AUDIT_CSV_MAX_ROWS);
    const csv = toCsv(
      ['occurred_at', 'actor_id', 'actor_name', 'actor_rule', 'action', 'target_kind', 'target_id', 'reason', 'before', 'after', 'entry_id'],
      kept.map((row) => [
        row.occurred_at,
        row.actor_id,
        row.actor_name,
        row.actor_rule,
        row.action,
        row.subject_kind,
        row.subject_id,
        row.reason,
        row.before === null ? null : JSON.stringify(row.before),
        row.after === null ? null : JSON.stringify(row.after),
        row.id,
      ]),
    );
    return { csv, rowCount: kept.length, truncated: rows.length > AUDIT_CSV_MAX_ROWS };
  }

  private async select(where: string[], params: unknown[], limit: number): Promise<RawRow[]> {
    params = [...params, limit];
    return this.dataSource.query(
      `SELECT a.id, a.occurred_at, a.occurred_at::text AS occurred_key, a.actor_id, u.display_name AS actor_name, a.actor_rule,
              a.action, a.subject_kind, a.subject_id, a.reason, a.before, a.after
         FROM audit_entries a LEFT JOIN users u ON u.id = a.actor_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.occurred_at DESC, a.id DESC
        LIMIT $${params.length}`,
      params,
    );
  }

  private where(filter: AuditLogFilter): { where: string[]; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (filter.from && filter.to && filter.from > filter.to) {
      throw new BadUserInputError('The time range ends before it starts', [{ field: 'to', messages: ['to must not be before from'] }]);
    }
    if (filter.actorId) add((n) => `a.actor_id = $${n}::uuid`, filter.actorId);
    if (filter.actorRule) add((n) => `a.actor_rule = $${n}`, filter.actorRule);
    if (filter.targetId) add((n) => `a.subject_id = $${n}::uuid`, filter.targetId);
    if (filter.targetKind) add((n) => `a.subject_kind = $${n}`, filter.targetKind);
    if (filter.action) {
      if (filter.action.endsWith('.')) add((n) => `starts_with(a.action, $${n})`, filter.action);
      else add((n) => `a.action = $${n}`, filter.action);
    }
    if (filter.from) add((n) => `a.occurred_at >= $${n}`, filter.from);
    if (filter.to) add((n) => `a.occurred_at < $${n}`, filter.to);
    return { where, params };
  }
}

function toRow(row: RawRow): AuditLogRow {
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorRule: row.actor_rule,
    action: row.action,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    reason: row.reason,
    before: row.before,
    after: row.after,
  };
}
