import { GaleraNode, WriteSetLimitError, currentWriteSetLimit, writeSetLimitExceeded } from '../connection/galera';
import { LockPolicy, retryOnLockConflict } from '../connection/lock-policy';
import { Logger } from '../log';
import { BatchPlan, BatchedTable } from './batches';
import { Counts, KINDS, Kind, REFERENCES, emptyCounts, withTotal } from './kinds';
import { ChildRowsSince, watchedGuard } from './sqlite-batch-guards';
import { Workspace } from './workspace';

/** Tables in the order their rows are deleted: every child before its parent. */
const DELETE_ORDER: readonly BatchedTable[] = ['actions', 'efficacy_indicators', 'action_plans', 'audits', 'audit_templates', 'strategies', 'goals'];

/** The foreign keys that reference `table`: its delete must find none of those rows left. */
function childrenOf(table: BatchedTable): readonly { child: string; column: string }[] {
  return REFERENCES.filter((r) => r.parent === table);
}

/** What the deletes really removed (statement row counts), per kind, and the efficacy indicators. */
export interface Deleted {
  counts: Counts;
  efficacyIndicators: number;
}

/** Running totals: the objects (the six kinds, as the count table's Total counts them) and the efficacy indicators. */
export interface DeletedSoFar {
  objects: number;
  efficacyIndicators: number;
}

/**
 * What deleting reports as it goes: after each table of the one transaction, or each committed
 * batch, with `rows` that step deleted, `deleted` the totals so far and `planned` those set for
 * deletion. The totals restart when a transaction that lost to a lock runs again, so a retried
 * table or batch is never counted twice.
 */
export type DeleteProgress = (
  event: ({ table: string; rows: number } | { batch: number; batches: number; rows: number }) & { deleted: DeletedSoFar; planned: DeletedSoFar },
) => void;

export interface DeleteContext {
  ws: Workspace;
  lock: LockPolicy;
  log: Logger;
  progress: DeleteProgress;
  /** What was set for deletion, for the progress reports. */
  planned: DeletedSoFar;
  /** The Galera node the purge talks to, when it is one: its conflicts and limits are named as such. */
  galera?: GaleraNode;
  /**
   * Guards: whether each DELETE leaves the rows that others still reference (see deleteRows).
   * 'always' where the server does not check the keys for purge (SQLite); 'after a violation' where
   * it does (server-keys.ts): the deletes go unguarded, and the first key violation (a service added
   * a child since the selection) rolls back that transaction, which runs again at once, and every
   * later one, guarded.
   */
  guards: 'always' | 'after a violation';
  /** On SQLite: what the guards read instead of whole child tables (sqlite-batch-guards.ts). */
  since?: ChildRowsSince;
}

/**
 * Deletes the selected rows in one transaction, children first, each action plan's efficacy
 * indicators with it. A transaction that loses to a service's lock (deadlock, lock timeout,
 * serialization failure) is rolled back whole and run again, under `lock`; any other failure rolls
 * it back for good: the database is as it was before.
 */
export async function deleteSelection(context: DeleteContext, tables: Record<Kind, string>): Promise<Deleted> {
  const { ws } = context;
  return inTransaction(context, 'purge transaction', async (guarded) => {
    const deleted = emptyDeleted();
    for (const table of DELETE_ORDER) {
      // Indicators go by their action plan: all of them, also any added since the selection.
      const rows =
        table === 'efficacy_indicators'
          ? await deleteRows(ws, table, { ids: tables.action_plans, column: 'action_plan_id', since: context.since }, guarded)
          : await deleteRows(ws, table, { ids: tables[table], since: context.since }, guarded);
      add(deleted, table, rows);
      context.progress({ table, rows, deleted: soFar(deleted), planned: context.planned });
    }
    return deleted;
  });
}

/**
 * Deletes batch after batch (see batches.ts), each in its own transaction of at most the batch
 * size, children first. A failure rolls back the failing batch only (after the retries a lock
 * conflict gets): the batches before it stay deleted, and no row is left without its parent.
 */
export async function deleteInBatches(context: DeleteContext, plan: BatchPlan): Promise<Deleted & { transactions: number }> {
  const { ws } = context;
  const total = emptyDeleted();
  for (let batch = 0; batch < plan.count; batch++) {
    const what = `purge batch ${batch + 1} of ${plan.count}`;
    const done = await inTransaction(context, what, async (guarded) => {
      const deleted = emptyDeleted();
      for (const table of DELETE_ORDER) add(deleted, table, await deleteRows(ws, table, { ids: plan.tables[table], batch, since: context.since }, guarded));
      return deleted;
    }, batch);
    for (const kind of KINDS) total.counts[kind] += done.counts[kind];
    total.efficacyIndicators += done.efficacyIndicators;
    const rows = done.counts.total + done.efficacyIndicators;
    const deleted = soFar(total);
    // Said under -v as well as shown on a terminal: how far a purge got that then failed or was killed.
    context.log.verbose(`Committed ${what}: ${rows} rows; ${describeDeleted(deleted, context.planned)} deleted`);
    context.progress({ batch: batch + 1, batches: plan.count, rows, deleted, planned: context.planned });
  }
  return { counts: withTotal(total.counts), efficacyIndicators: total.efficacyIndicators, transactions: plan.count };
}

/**
 * One transaction, run again under the lock policy when it loses to a lock conflict (on Galera,
 * also to a write another node committed first). `batchesBefore`, in batches, is how many were
 * committed before this one: said when the transaction goes over a write-set limit of the cluster.
 */
async function inTransaction(context: DeleteContext, what: string, work: (guarded: boolean) => Promise<Deleted>, batchesBefore?: number): Promise<Deleted> {
  try {
    return await retryOnLockConflict(
      {
        policy: context.lock,
        log: context.log,
        what,
        galera: context.galera !== undefined,
        where: (error) => {
          const table = (error as { purgeTable?: string }).purgeTable;
          return table ? `on ${table}` : undefined;
        },
        // A service added a row under one being deleted after the guard looked (PostgreSQL's key
        // check runs at the end of the statement): run again, the guard then keeps that parent.
        alsoRetry: (error) => (isForeignKeyViolation(error) ? 'a row was added under one being deleted' : undefined),
        outcome: 'that transaction was rolled back: nothing of it was deleted',
      },
      async () => {
        const result = await guardedWhenNeeded(context, what, work);
        return { counts: withTotal(result.counts), efficacyIndicators: result.efficacyIndicators };
      },
    );
  } catch (error) {
    throw (await writeSetLimitError(context, what, error, batchesBefore)) ?? error;
  }
}

/**
 * A transaction over wsrep_max_ws_rows or wsrep_max_ws_size fails the same way however often it is
 * run: one line that names the limit (its value now: an operator may have lowered it meanwhile) and
 * what to do. The server rolled the transaction back; batches before it stay committed.
 */
async function writeSetLimitError(context: DeleteContext, what: string, error: unknown, batchesBefore?: number): Promise<WriteSetLimitError | undefined> {
  const limit = writeSetLimitExceeded(error);
  if (limit === undefined) return undefined;
  const value = await currentWriteSetLimit(context.ws.connection, limit);
  const kept = !batchesBefore ? 'nothing was deleted' : `the ${batchesBefore} batch(es) before it stay deleted`;
  const advice = batchesBefore === undefined ? 'run again with --batch-size' : 'run again with a smaller --batch-size';
  return new WriteSetLimitError(
    `${what} exceeded the cluster's ${limit}${value === undefined ? '' : ` (${value})`} and was rolled back (${kept}): ${advice}`,
  );
}

/**
 * Runs `work` in one transaction, unguarded while the server checks the keys and none was violated
 * yet; after a violation (that transaction rolled back), at once again, guarded, as every later one.
 */
async function guardedWhenNeeded(context: DeleteContext, what: string, work: (guarded: boolean) => Promise<Deleted>): Promise<Deleted> {
  if (context.guards === 'always') return context.ws.transaction(() => work(true));
  try {
    return await context.ws.transaction(() => work(false));
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
    context.guards = 'always';
    const table = (error as { purgeTable?: string }).purgeTable;
    context.log.verbose(`${what}: a row was added under one being deleted${table ? ` (on ${table})` : ''}; running it again, keeping such rows`);
    return context.ws.transaction(() => work(true));
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23503' || code === 'ER_ROW_IS_REFERENCED_2' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

function soFar(deleted: Deleted): DeletedSoFar {
  return { objects: KINDS.reduce((n, k) => n + deleted.counts[k], 0), efficacyIndicators: deleted.efficacyIndicators };
}

/**
 * "N objects and M efficacy indicators", or with `of` "N of X objects and M of Y efficacy
 * indicators": the words the progress display, -v and the summary use alike, objects counted as the
 * count table's Total.
 */
export function describeDeleted(deleted: DeletedSoFar, of?: DeletedSoFar): string {
  const n = (count: number, total?: number) => (total === undefined ? `${count}` : `${count} of ${total}`);
  return `${n(deleted.objects, of?.objects)} objects and ${n(deleted.efficacyIndicators, of?.efficacyIndicators)} efficacy indicators`;
}

function emptyDeleted(): Deleted {
  return { counts: emptyCounts(), efficacyIndicators: 0 };
}

function add(deleted: Deleted, table: BatchedTable, rows: number): void {
  if (table === 'efficacy_indicators') deleted.efficacyIndicators += rows;
  else deleted.counts[table] += rows;
}

/**
 * DELETE FROM table WHERE id (or `from.column`) IN (ids of `from.ids`, only those of `from.batch`
 * when given), in the form each backend runs fastest, and only rows that no row outside the
 * deletion references: the selection was read from a snapshot, and a service may since have added
 * a child, which keeps its parent (and that parent's ancestors) where the key check would fail the
 * whole transaction. Unless `guarded`, those rows are left to the server's key check (see
 * DeleteContext.guards). Returns the number of rows deleted; a failure carries the table's name.
 */
async function deleteRows(
  ws: Workspace,
  table: BatchedTable,
  from: { ids: string; batch?: number; column?: string; since?: ChildRowsSince },
  guarded: boolean,
): Promise<number> {
  const t = ws.q(table);
  const c = ws.q(from.column ?? 'id');
  const params = from.batch === undefined ? [] : [from.batch];
  const inBatch = from.batch === undefined ? '' : ` AND s.batch = ${ws.dialect.placeholder(1)}`;
  const target = ws.backend === 'mysql' ? 't' : t;
  // SQLite may have no index on the referencing columns (sqlite-keys.ts): there, one uncorrelated
  // NOT IN per child table, which SQLite reads once into a transient index, not once per row.
  // There the large child tables are read by the snapshot and the ids added since (sqlite-batch-guards.ts).
  const unreferenced = (guarded ? childrenOf(table) : [])
    .map((ref) =>
      ws.backend === 'sqlite'
        ? ((from.since && watchedGuard(ws, from.since, target, ref.child, ref.column)) ??
          ` AND id NOT IN (SELECT r.${ws.q(ref.column)} FROM ${ws.q(ref.child)} r WHERE r.${ws.q(ref.column)} IS NOT NULL)`)
        : ` AND NOT EXISTS (SELECT 1 FROM ${ws.q(ref.child)} r WHERE r.${ws.q(ref.column)} = ${target}.id)`,
    )
    .join('');
  const sql = {
    postgres: `DELETE FROM ${t} USING ${from.ids} s WHERE ${t}.${c} = s.id${inBatch}${unreferenced}`,
    mysql: `DELETE t FROM ${t} t JOIN ${from.ids} s ON s.id = t.${c} WHERE 1 = 1${inBatch}${unreferenced}`,
    sqlite: `DELETE FROM ${t} WHERE ${c} IN (SELECT s.id FROM ${from.ids} s WHERE 1 = 1${inBatch})${unreferenced}`,
  }[ws.backend];
  try {
    return await ws.affected(sql, params);
  } catch (error) {
    if (error && typeof error === 'object') Object.assign(error, { purgeTable: table });
    throw error;
  }
}
