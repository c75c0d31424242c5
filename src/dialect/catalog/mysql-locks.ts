import type { SqlExecutor } from '../sql-executor';
import { describe, Holder, LockWait, optional } from './lock-holder-text';

/**
 * MariaDB names the holders of a metadata lock only through its metadata_lock_info plugin, MySQL 8
 * through performance_schema. Without either, the oldest open transaction is the likely holder
 * (a metadata lock is kept until the transaction that read the table ends), and is said as such.
 */
export async function mysqlHolders(executor: SqlExecutor, table: string, waiter?: number): Promise<string | undefined> {
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

/**
 * A row lock wait is told in full by InnoDB (the lock's table, the transaction in the way). A
 * metadata lock wait is named only where performance_schema instruments it; without it the
 * server says that the session waits ("Waiting for table metadata lock"), not for which table.
 */
export async function mysqlWait(executor: SqlExecutor, waiter: number): Promise<LockWait | undefined> {
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
