import { LockPolicy, retryOnLockConflict } from '../connection/lock-policy';
import { Logger } from '../log';
import { REFERENCES } from './kinds';
import { Workspace } from './workspace';

const PREFIX = 'wdm_purge_ix_';

/**
 * Builds the indexes the deletes need on the referencing columns (REFERENCES), which the database
 * checks when a parent row goes and purge's own guards read: PostgreSQL and SQLite do not index
 * foreign keys, so each deleted parent would scan its child tables; with these indexes a
 * million-row purge is linear. MySQL indexes foreign keys itself. Each index is committed before
 * any delete starts; the function returned drops them again, so that the schema after a purge is
 * the reference's.
 *
 * - PostgreSQL: CREATE INDEX CONCURRENTLY, which lets the services write while it builds (a plain
 *   CREATE INDEX holds a SHARE lock, blocking every INSERT, UPDATE and DELETE, to the end of its
 *   transaction), and DROP INDEX CONCURRENTLY after. Built and committed before the deleting
 *   transaction starts, the index is usable by it: one built inside that transaction is marked
 *   indcheckxmin when the table has recent HOT updates, and the transaction then scans the child
 *   table for every parent it deletes. An INVALID index left by a killed build is dropped first.
 * - SQLite: none when purge checks the keys itself (`keysCheckedByUs`, sqlite-keys.ts), only what an
 *   earlier purge left is dropped; otherwise all of them in one short transaction.
 * - MySQL: nothing to do.
 *
 * A column that already has an index (an operator's) gets none of ours. Lock waits are bounded by
 * the session's lock timeout and retried under `lock`.
 */
export async function buildCheckIndexes(ws: Workspace, lock: LockPolicy, log: Logger, keysCheckedByUs = false): Promise<() => Promise<void>> {
  if (ws.backend === 'mysql') return async () => undefined;
  if (keysCheckedByUs) {
    await dropLeftoverIndexes(ws, lock, log);
    return async () => undefined;
  }
  const ours: { name: string; table: string; column: string; state: 'valid' | 'invalid' | 'none' }[] = [];
  for (const { child: table, column } of REFERENCES) {
    const name = PREFIX + `${table}_${column}`;
    const state = await indexState(ws, name, table, column);
    if (state === 'other') continue;
    if (state === 'valid') log.verbose(`Reusing index ${name}, left by an earlier purge`);
    ours.push({ name, table, column, state });
  }
  const create = (i: (typeof ours)[number]) => `CREATE INDEX ${concurrently(ws)}IF NOT EXISTS ${ws.q(i.name)} ON ${ws.q(i.table)} (${ws.q(i.column)})`;
  const drop = (name: string) => dropIndex(ws, name);
  if (ws.backend === 'sqlite') {
    // One short write transaction for all of them, so that the services wait once, not once per index.
    const all = () => ws.transaction(async () => {
      for (const i of ours) await ws.run(create(i));
    });
    await retry(ws, lock, log, 'building purge indexes', all);
    return async () => {
      await retry(ws, lock, log, 'dropping purge indexes', () => ws.transaction(async () => {
        for (const i of ours) await ws.run(drop(i.name));
      }));
    };
  }
  for (const i of ours.filter((o) => o.state !== 'valid')) {
    await retry(ws, lock, log, `building index ${i.name} on ${i.table} (${i.column})`, async () => {
      if ((await indexState(ws, i.name, i.table, i.column)) === 'invalid') {
        log.verbose(`Dropping index ${i.name}: an interrupted build left it invalid`);
        await ws.run(drop(i.name));
      }
      await ws.run(create(i));
    });
  }
  return async () => {
    for (const i of ours) await retry(ws, lock, log, `dropping index ${i.name}`, () => ws.run(drop(i.name)));
  };
}

/**
 * Drops every index of ours that an interrupted purge left (valid or not), so that a purge which
 * deletes nothing still leaves the reference's schema.
 */
export async function dropLeftoverIndexes(ws: Workspace, lock: LockPolicy, log: Logger): Promise<void> {
  if (ws.backend === 'mysql') return;
  const sql =
    ws.backend === 'postgres'
      ? `SELECT c.relname AS name FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname LIKE '${PREFIX}%' AND pg_table_is_visible(c.oid)`
      : `SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '${PREFIX}%'`;
  for (const { name } of await ws.run<{ name: string }[]>(sql)) {
    log.verbose(`Dropping index ${name}, left by an interrupted purge`);
    await retry(ws, lock, log, `dropping index ${name}`, () => ws.run(dropIndex(ws, name)));
  }
}

function dropIndex(ws: Workspace, name: string): string {
  return `DROP INDEX ${concurrently(ws)}IF EXISTS ${ws.q(name)}`;
}

function concurrently(ws: Workspace): string {
  return ws.backend === 'postgres' ? 'CONCURRENTLY ' : '';
}

function retry(ws: Workspace, lock: LockPolicy, log: Logger, what: string, work: () => Promise<unknown>): Promise<unknown> {
  return retryOnLockConflict({ policy: lock, log, what, outcome: 'no row was deleted' }, work);
}

/**
 * Ours and usable ('valid'), ours and left invalid by an interrupted CREATE INDEX CONCURRENTLY,
 * another index that already leads with the column ('other'), or none.
 */
async function indexState(ws: Workspace, name: string, table: string, column: string): Promise<'valid' | 'invalid' | 'other' | 'none'> {
  if (ws.backend === 'postgres') {
    const rows = await ws.run<{ name: string; valid: boolean }[]>(
      `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid ` +
        `JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] ` +
        `WHERE i.indrelid = to_regclass($1) AND (a.attname = $2 OR c.relname = $3)`,
      [ws.q(table), column, name],
    );
    const mine = rows.find((r) => r.name === name);
    if (mine) return mine.valid ? 'valid' : 'invalid';
    return rows.some((r) => r.valid) ? 'other' : 'none';
  }
  const rows = await ws.run<{ name: string; leading: string | null }[]>(
    `SELECT l.name AS name, (SELECT ii.name FROM pragma_index_info(l.name) ii WHERE ii.seqno = 0) AS leading FROM pragma_index_list(?) l`,
    [table],
  );
  if (rows.some((r) => r.name === name)) return 'valid';
  return rows.some((r) => r.leading === column) ? 'other' : 'none';
}
