import type { SqlExecutor } from '../sql-executor';
import { describe, Holder, LockWait } from './lock-holder-text';

/** Who holds locks on `table`, from pg_locks and pg_stat_activity, leaving out the waiter itself. */
export async function postgresHolders(executor: SqlExecutor, table: string, waiter?: number): Promise<string | undefined> {
  const rows = (await executor.query(
    `SELECT a.pid AS id, NULLIF(a.application_name, '') AS application, a.usename AS "user", a.state AS state, l.mode AS mode,
            EXTRACT(EPOCH FROM now() - COALESCE(a.xact_start, a.query_start)) AS seconds
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.granted AND l.locktype = 'relation' AND l.relation = to_regclass($1)
        AND a.pid <> pg_backend_pid() AND a.pid IS DISTINCT FROM $2::int
      ORDER BY a.xact_start NULLS LAST LIMIT 3`,
    [table, waiter ?? null],
  )) as Holder[];
  return describe('pid', rows);
}


/**
 * The relation of the waiter's lock request not granted: a catalog read that waits for a table
 * under ACCESS EXCLUSIVE waits for that table's relation lock, whatever its text reads from. A
 * row lock wait is for the holder's transaction id; its table is then that of the tuple lock the
 * waiter took first. The holders are the server's own answer (pg_blocking_pids).
 */
export async function postgresWait(executor: SqlExecutor, waiter: number): Promise<LockWait | undefined> {
  const rows = (await executor.query(
    `WITH waiting AS (
       SELECT COALESCE(
                (SELECT relation FROM pg_locks WHERE pid = $1 AND NOT granted AND relation IS NOT NULL LIMIT 1),
                (SELECT relation FROM pg_locks WHERE pid = $1 AND granted AND locktype = 'tuple' LIMIT 1)) AS relation
        WHERE EXISTS (SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted))
     SELECT w.relation::regclass::text AS "table", a.pid AS id, NULLIF(a.application_name, '') AS application,
            a.usename AS "user", a.state AS state, EXTRACT(EPOCH FROM now() - COALESCE(a.xact_start, a.query_start)) AS seconds,
            (SELECT h.mode FROM pg_locks h WHERE h.pid = a.pid AND h.relation = w.relation AND h.granted
              ORDER BY h.mode DESC LIMIT 1) AS mode
       FROM waiting w LEFT JOIN pg_stat_activity a ON a.pid = ANY (pg_blocking_pids($1))
      ORDER BY a.xact_start NULLS LAST LIMIT 3`,
    [waiter],
  )) as (Holder & { table: string | null })[];
  if (rows.length === 0) return undefined;
  const holders = rows.filter((r) => r.id !== null);
  return { table: rows[0].table ?? undefined, holders: describe('pid', holders) };
}

