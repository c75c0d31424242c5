import { BatchPlan } from './batches';
import { Kind, LINKS } from './kinds';
import { Workspace } from './workspace';

/** Tables in the order their rows are deleted: every child before its parent. */
const DELETE_ORDER: readonly Kind[] = ['actions', 'action_plans', 'audits', 'audit_templates', 'strategies', 'goals'];

/**
 * The referencing columns the database checks when a parent row goes. PostgreSQL and SQLite do not
 * index foreign keys, so each deleted parent would scan its child tables; with these indexes a
 * million-row purge is linear. MySQL indexes foreign keys itself.
 */
const CHECKED_COLUMNS: readonly { table: string; column: string }[] = [
  ...LINKS.map((l) => ({ table: l.child as string, column: l.column })),
  { table: 'efficacy_indicators', column: 'action_plan_id' },
];

/** What deleting reports as it goes. */
export type DeleteProgress = (event: { table: string; rows: number } | { batch: number; batches: number; rows: number }) => void;

/**
 * Deletes the selected rows in one transaction, children first, each action plan's efficacy
 * indicators with it. Any failure rolls the whole purge back: the database is as it was before.
 * `counts` are the selected rows per kind (for progress only).
 */
export async function deleteSelection(
  ws: Workspace,
  tables: Record<Kind, string>,
  counts: Record<Kind, number>,
  progress: DeleteProgress = () => undefined,
): Promise<{ efficacyIndicators: number }> {
  return ws.transaction(async () => {
    // Created and dropped inside the transaction: whatever happens, the schema stays the reference's.
    const indexes = await createCheckIndexes(ws);
    const indicators = await countIndicators(ws, tables.action_plans);
    await deleteRows(ws, 'efficacy_indicators', 'action_plan_id', { ids: tables.action_plans });
    progress({ table: 'efficacy_indicators', rows: indicators });
    for (const kind of DELETE_ORDER) {
      await deleteRows(ws, kind, 'id', { ids: tables[kind] });
      progress({ table: kind, rows: counts[kind] });
    }
    await dropIndexes(ws, indexes);
    return { efficacyIndicators: indicators };
  });
}

/**
 * Deletes batch after batch (see batches.ts), each in its own transaction, children first. A failure
 * rolls back the failing batch only: the batches before it are gone, each as complete subtrees.
 * The key-check indexes must outlive the batches' transactions here, so they are committed and
 * dropped at the end; an interrupted run leaves them, and the next purge drops them first.
 */
export async function deleteInBatches(
  ws: Workspace,
  plan: BatchPlan,
  progress: DeleteProgress = () => undefined,
): Promise<{ efficacyIndicators: number }> {
  const indexes = await ws.transaction(() => createCheckIndexes(ws));
  let indicators = 0;
  try {
    for (let batch = 0; batch < plan.count; batch++) {
      const rows = await ws.transaction(async () => {
        let deleted = 0;
        const plans = { ids: plan.tables.action_plans, batch };
        const inBatch = await countIndicators(ws, plan.tables.action_plans, batch);
        await deleteRows(ws, 'efficacy_indicators', 'action_plan_id', plans);
        indicators += inBatch;
        deleted += inBatch;
        for (const kind of DELETE_ORDER) deleted += await deleteRows(ws, kind, 'id', { ids: plan.tables[kind], batch });
        return deleted;
      });
      progress({ batch: batch + 1, batches: plan.count, rows });
    }
  } finally {
    await ws.transaction(() => dropIndexes(ws, indexes)).catch(() => undefined);
  }
  return { efficacyIndicators: indicators };
}

/** The indexes on the checked columns (PostgreSQL and SQLite), after dropping any an interrupted purge left. */
async function createCheckIndexes(ws: Workspace): Promise<string[]> {
  if (ws.backend === 'mysql') return [];
  const names: string[] = [];
  for (const { table, column } of CHECKED_COLUMNS) {
    const name = ws.q(`wdm_purge_ix_${table}_${column}`);
    await ws.run(`DROP INDEX IF EXISTS ${name}`);
    await ws.run(`CREATE INDEX ${name} ON ${ws.q(table)} (${ws.q(column)})`);
    names.push(name);
  }
  return names;
}

async function dropIndexes(ws: Workspace, names: string[]): Promise<void> {
  for (const name of names) await ws.run(`DROP INDEX ${name}`);
}

async function countIndicators(ws: Workspace, plans: string, batch?: number): Promise<number> {
  const where = batch === undefined ? '' : ` WHERE p.batch = ${ws.dialect.placeholder(1)}`;
  const rows = await ws.run<{ n: string | number }[]>(
    `SELECT COUNT(*) AS n FROM efficacy_indicators e JOIN ${plans} p ON p.id = e.action_plan_id${where}`,
    batch === undefined ? [] : [batch],
  );
  return Number(rows[0].n);
}

/**
 * DELETE FROM table WHERE column IN (ids of `from.ids`, only those of `from.batch` when given), in
 * the form each backend runs fastest. Returns the number of rows deleted.
 */
async function deleteRows(ws: Workspace, table: string, column: string, from: { ids: string; batch?: number }): Promise<number> {
  const t = ws.q(table);
  const c = ws.q(column);
  const params = from.batch === undefined ? [] : [from.batch];
  const inBatch = (alias: string) => (from.batch === undefined ? '' : ` AND ${alias}.batch = ${ws.dialect.placeholder(1)}`);
  switch (ws.backend) {
    case 'postgres':
      return ws.affected(`DELETE FROM ${t} USING ${from.ids} s WHERE ${t}.${c} = s.id${inBatch('s')}`, params);
    case 'mysql':
      return ws.affected(`DELETE t FROM ${t} t JOIN ${from.ids} s ON s.id = t.${c}${from.batch === undefined ? '' : ' WHERE s.batch = ?'}`, params);
    case 'sqlite':
      return ws.affected(`DELETE FROM ${t} WHERE ${c} IN (SELECT s.id FROM ${from.ids} s WHERE 1 = 1${inBatch('s')})`, params);
  }
}
