/**
 * A thread's last activity as its visible posts give it (decision 0006: a thread's counters count visible content
 * only), as SQL for an `UPDATE threads … SET last_activity_at = …`: the newest visible post's time, or `fallbackSql`
 * when none is visible (the thread itself is then not visible either). `threadIdSql` is the thread's id (a column or
 * a parameter). Run it after the post's own status change, in the same transaction.
 */
export function lastVisibleActivitySql(threadIdSql: string, fallbackSql: string): string {
  return `coalesce((SELECT max(v.created_at) FROM posts v WHERE v.thread_id = ${threadIdSql} AND v.status = 'visible'), ${fallbackSql})`;
}
