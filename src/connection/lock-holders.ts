import type { Dialect } from '../dialect';
import type { LockWait } from '../dialect/catalog/lock-holder-text';
import type { SqlExecutor } from './sql-executor';

export type { LockWait };

/**
 * Who holds the locks on a table, as the server tells it, for the warning a lock wait prints: an
 * operator reading "waited 2 s for audits" wants to know which session to look at. Asked on a
 * connection other than the one that waited (its transaction may be aborted), and best effort:
 * a server that does not say, or refuses to (no privilege), gives undefined, never a failure.
 */
export async function describeLockHolders(
  executor: SqlExecutor,
  dialect: Dialect,
  table: string,
  waiter?: number,
): Promise<string | undefined> {
  try {
    return await dialect.lockHolders(executor, table, waiter);
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

/**
 * What session `waiter` is waiting for right now, asked on another connection while it waits
 * (once its lock timeout has fired the wait is gone from the server's tables): the table and
 * who is in the way. Undefined when it waits for nothing, or the server does not say.
 */
export async function describeLockWait(executor: SqlExecutor, dialect: Dialect, waiter: number): Promise<LockWait | undefined> {
  try {
    return await dialect.lockWaitOf(executor, waiter);
  } catch {
    return undefined;
  }
}
