import type { Backend } from '../dialect/backend';
import type { Dialect } from '../dialect';
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
export async function sessionId(executor: SqlExecutor, dialect: Dialect): Promise<number | undefined> {
  const sql = dialect.sessionIdQuery;
  if (!sql) return undefined;
  const [row] = (await executor.query(sql)) as { id: number | string }[];
  return Number(row.id);
}

interface Holder {
  id: number | string;
  /** PostgreSQL: the application_name the session gave, which names the service or client. */
  application?: string | null;
  user: string | null;
  /** MySQL: where the session connects from. */
  host?: string | null;
  state: string | null;
  seconds: number | string | null;
  mode?: string | null;
}

function describe(kind: string, holders: Holder[], prefix = 'held by'): string | undefined {
  if (holders.length === 0) return undefined;
  const one = (h: Holder) => {
    const user = h.user ? `user ${h.user}${h.host ? `@${h.host}` : ''}` : undefined;
    const parts = [h.application ? `application ${h.application}` : undefined, user, h.state ?? undefined, h.seconds !== null ? `for ${Math.round(Number(h.seconds))} s` : undefined];
    const mode = h.mode ? ` ${h.mode}` : '';
    return `${kind} ${h.id}${mode} (${parts.filter(Boolean).join(', ')})`;
  };
  return `${prefix} ${holders.map(one).join('; ')}`;
}

async function postgresHolders(executor: SqlExecutor, table: string, waiter?: number): Promise<string | undefined> {
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
 * MariaDB names the holders of a metadata lock only through its metadata_lock_info plugin, MySQL 8
 * through performance_schema. Without either, the oldest open transaction is the likely holder
 * (a metadata lock is kept until the transaction that read the table ends), and is said as such.
 */
async function mysqlHolders(executor: SqlExecutor, table: string, waiter?: number): Promise<string | undefined> {
  const exclude = waiter ?? -1;
  const byPlugin = await optional(() =>
    executor.query(
      `SELECT m.THREAD_ID AS id, p.USER AS user, p.HOST AS host, COALESCE(NULLIF(p.STATE, ''), p.COMMAND) AS state, m.LOCK_MODE AS mode, p.TIME AS seconds
         FROM information_schema.METADATA_LOCK_INFO m JOIN information_schema.PROCESSLIST p ON p.ID = m.THREAD_ID
        WHERE m.TABLE_SCHEMA = DATABASE() AND m.TABLE_NAME = ? AND m.THREAD_ID <> CONNECTION_ID() AND m.THREAD_ID <> ?
        ORDER BY p.TIME DESC LIMIT 3`,
      [table, exclude],
    ),
  );
  if (byPlugin && byPlugin.length > 0) return describe('thread', byPlugin as Holder[]);
  const bySchema = await optional(() =>
    executor.query(
      `SELECT t.PROCESSLIST_ID AS id, t.PROCESSLIST_USER AS user, t.PROCESSLIST_HOST AS host, COALESCE(t.PROCESSLIST_STATE, t.PROCESSLIST_COMMAND) AS state,
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
    `SELECT p.ID AS id, p.USER AS user, p.HOST AS host, COALESCE(NULLIF(p.STATE, ''), p.COMMAND) AS state,
            TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS seconds
       FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
      WHERE p.ID <> CONNECTION_ID() AND p.ID <> ?
      ORDER BY t.trx_started LIMIT 1`,
    [exclude],
  )) as Holder[];
  return (
    describe('thread', oldest, 'probably held by the oldest open transaction,') ??
    'held by a session the server does not name (it names metadata lock holders only with the metadata_lock_info plugin or performance_schema)'
  );
}

/** A lock wait of one session, as the server tells it while it lasts. */
export interface LockWait {
  /** The table waited for: the relation of the lock not granted, not a guess from the statement. */
  table?: string;
  /** "held by pid 42 ...", the sessions in the way. */
  holders?: string;
}

/**
 * What session `waiter` is waiting for right now, asked on another connection while it waits
 * (once its lock timeout has fired the wait is gone from the server's tables): the table and
 * who is in the way. Undefined when it waits for nothing, or the server does not say.
 */
export async function describeLockWait(executor: SqlExecutor, backend: Backend, waiter: number): Promise<LockWait | undefined> {
  try {
    switch (backend) {
      case 'postgres':
        return await postgresWait(executor, waiter);
      case 'mysql':
        return await mysqlWait(executor, waiter);
      case 'sqlite':
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/**
 * The relation of the waiter's lock request not granted: a catalog read that waits for a table
 * under ACCESS EXCLUSIVE waits for that table's relation lock, whatever its text reads from. A
 * row lock wait is for the holder's transaction id; its table is then that of the tuple lock the
 * waiter took first. The holders are the server's own answer (pg_blocking_pids).
 */
async function postgresWait(executor: SqlExecutor, waiter: number): Promise<LockWait | undefined> {
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

/**
 * A row lock wait is told in full by InnoDB (the lock's table, the transaction in the way). A
 * metadata lock wait is named only where performance_schema instruments it; without it the
 * server says that the session waits ("Waiting for table metadata lock"), not for which table.
 */
async function mysqlWait(executor: SqlExecutor, waiter: number): Promise<LockWait | undefined> {
  const rowWait = (await optional(() =>
    executor.query(
      `SELECT l.lock_table AS \`table\`, p.ID AS id, p.USER AS user, p.HOST AS host,
              COALESCE(NULLIF(p.STATE, ''), p.COMMAND) AS state, TIMESTAMPDIFF(SECOND, b.trx_started, NOW()) AS seconds
         FROM information_schema.INNODB_TRX r
         JOIN information_schema.INNODB_LOCK_WAITS w ON w.requesting_trx_id = r.trx_id
         JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id
         JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
         JOIN information_schema.PROCESSLIST p ON p.ID = b.trx_mysql_thread_id
        WHERE r.trx_mysql_thread_id = ?
        LIMIT 3`,
      [waiter],
    ),
  )) as (Holder & { table: string })[] | undefined;
  if (rowWait && rowWait.length > 0) return { table: unquoteMysqlTable(rowWait[0].table), holders: describe('thread', rowWait) };
  const [state] = (await executor.query('SELECT STATE AS state FROM information_schema.PROCESSLIST WHERE ID = ?', [waiter])) as { state: string | null }[];
  if (!state || !/metadata lock/i.test(state.state ?? '')) return undefined;
  const pending = (await optional(() =>
    executor.query(
      `SELECT m.OBJECT_NAME AS \`table\` FROM performance_schema.metadata_locks m
         JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
        WHERE t.PROCESSLIST_ID = ? AND m.LOCK_STATUS = 'PENDING' AND m.OBJECT_TYPE = 'TABLE' LIMIT 1`,
      [waiter],
    ),
  )) as { table: string }[] | undefined;
  const table = pending?.[0]?.table;
  return { table, holders: table ? await mysqlHolders(executor, table, waiter) : undefined };
}

/** InnoDB names a lock's table `db`.`table`: the table alone, as the warnings say it. */
function unquoteMysqlTable(name: string): string {
  const parts = name.split('.').map((p) => p.replace(/^`|`$/g, ''));
  return parts[parts.length - 1];
}

async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}
