import type { Backend } from './url';
import type { SqlExecutor } from './sql-executor';

/**
 * Who holds the locks on a table, as the server tells it, for the warning a lock wait prints: an
 * operator reading "waited 2 s for audits" wants to know which session to look at. Asked on a
 * connection other than the one that waited (its transaction may be aborted), and best effort:
 * a server that does not say, or refuses to (no privilege), gives undefined, never a failure.
 */
export async function describeLockHolders(
  executor: SqlExecutor,
  backend: Backend,
  table: string,
  waiter?: number,
): Promise<string | undefined> {
  try {
    switch (backend) {
      case 'postgres':
        return await postgresHolders(executor, table, waiter);
      case 'mysql':
        return await mysqlHolders(executor, table, waiter);
      case 'sqlite':
        // SQLite has no sessions to name: the lock is a file lock of some other process.
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** The connection id the server gives a session, to leave it out of its own holders. */
export async function sessionId(executor: SqlExecutor, backend: Backend): Promise<number | undefined> {
  const sql = backend === 'postgres' ? 'SELECT pg_backend_pid() AS id' : backend === 'mysql' ? 'SELECT CONNECTION_ID() AS id' : undefined;
  if (!sql) return undefined;
  const [row] = (await executor.query(sql)) as { id: number | string }[];
  return Number(row.id);
}

interface Holder {
  id: number | string;
  user: string | null;
  state: string | null;
  seconds: number | string | null;
  mode?: string | null;
}

function describe(kind: string, holders: Holder[], prefix = 'held by'): string | undefined {
  if (holders.length === 0) return undefined;
  const one = (h: Holder) => {
    const parts = [h.user ? `user ${h.user}` : undefined, h.state ?? undefined, h.seconds !== null ? `for ${Math.round(Number(h.seconds))} s` : undefined];
    const mode = h.mode ? ` ${h.mode}` : '';
    return `${kind} ${h.id}${mode} (${parts.filter(Boolean).join(', ')})`;
  };
  return `${prefix} ${holders.map(one).join('; ')}`;
}

async function postgresHolders(executor: SqlExecutor, table: string, waiter?: number): Promise<string | undefined> {
  const rows = (await executor.query(
    `SELECT a.pid AS id, a.usename AS "user", a.state AS state, l.mode AS mode,
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
 * MariaDB names the holders of a metadata lock only through its metadata_lock_info plugin, MySQL 8
 * through performance_schema. Without either, the oldest open transaction is the likely holder
 * (a metadata lock is kept until the transaction that read the table ends), and is said as such.
 */
async function mysqlHolders(executor: SqlExecutor, table: string, waiter?: number): Promise<string | undefined> {
  const exclude = waiter ?? -1;
  const byPlugin = await optional(() =>
    executor.query(
      `SELECT m.THREAD_ID AS id, p.USER AS user, COALESCE(NULLIF(p.STATE, ''), p.COMMAND) AS state, m.LOCK_MODE AS mode, p.TIME AS seconds
         FROM information_schema.METADATA_LOCK_INFO m JOIN information_schema.PROCESSLIST p ON p.ID = m.THREAD_ID
        WHERE m.TABLE_SCHEMA = DATABASE() AND m.TABLE_NAME = ? AND m.THREAD_ID <> CONNECTION_ID() AND m.THREAD_ID <> ?
        ORDER BY p.TIME DESC LIMIT 3`,
      [table, exclude],
    ),
  );
  if (byPlugin && byPlugin.length > 0) return describe('thread', byPlugin as Holder[]);
  const bySchema = await optional(() =>
    executor.query(
      `SELECT t.PROCESSLIST_ID AS id, t.PROCESSLIST_USER AS user, COALESCE(t.PROCESSLIST_STATE, t.PROCESSLIST_COMMAND) AS state,
              m.LOCK_TYPE AS mode, t.PROCESSLIST_TIME AS seconds
         FROM performance_schema.metadata_locks m JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
        WHERE m.OBJECT_SCHEMA = DATABASE() AND m.OBJECT_NAME = ? AND m.LOCK_STATUS = 'GRANTED'
          AND t.PROCESSLIST_ID <> CONNECTION_ID() AND t.PROCESSLIST_ID <> ?
        LIMIT 3`,
      [table, exclude],
    ),
  );
  if (bySchema && bySchema.length > 0) return describe('thread', bySchema as Holder[]);
  const oldest = (await executor.query(
    `SELECT p.ID AS id, p.USER AS user, COALESCE(NULLIF(p.STATE, ''), p.COMMAND) AS state,
            TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS seconds
       FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
      WHERE p.ID <> CONNECTION_ID() AND p.ID <> ?
      ORDER BY t.trx_started LIMIT 1`,
    [exclude],
  )) as Holder[];
  return describe('thread', oldest, 'probably held by the oldest open transaction,');
}

async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}
