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

export interface DeleteProgress {
  (table: string, rows: number): void;
}

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
    const temporaryIndexes: string[] = [];
    if (ws.backend !== 'mysql') {
      for (const { table, column } of CHECKED_COLUMNS) {
        const name = ws.q(`wdm_purge_ix_${table}_${column}`);
        await ws.run(`CREATE INDEX ${name} ON ${ws.q(table)} (${ws.q(column)})`);
        temporaryIndexes.push(name);
      }
    }
    const indicators = await countIndicators(ws, tables.action_plans);
    await deleteWhere(ws, 'efficacy_indicators', 'action_plan_id', tables.action_plans);
    progress('efficacy_indicators', indicators);
    for (const kind of DELETE_ORDER) {
      await deleteWhere(ws, kind, 'id', tables[kind]);
      progress(kind, counts[kind]);
    }
    // The indexes were only for this transaction: the schema stays the reference's.
    for (const name of temporaryIndexes) await ws.run(`DROP INDEX ${name}`);
    return { efficacyIndicators: indicators };
  });
}

async function countIndicators(ws: Workspace, plans: string): Promise<number> {
  const rows = await ws.run<{ n: string | number }[]>(
    `SELECT COUNT(*) AS n FROM efficacy_indicators e JOIN ${plans} p ON p.id = e.action_plan_id`,
  );
  return Number(rows[0].n);
}

/** DELETE FROM table WHERE column IN (ids), in the form each backend runs fastest. */
async function deleteWhere(ws: Workspace, table: string, column: string, ids: string): Promise<void> {
  const t = ws.q(table);
  const c = ws.q(column);
  switch (ws.backend) {
    case 'postgres':
      await ws.run(`DELETE FROM ${t} USING ${ids} s WHERE ${t}.${c} = s.id`);
      return;
    case 'mysql':
      await ws.run(`DELETE t FROM ${t} t JOIN ${ids} s ON s.id = t.${c}`);
      return;
    case 'sqlite':
      await ws.run(`DELETE FROM ${t} WHERE ${c} IN (SELECT id FROM ${ids})`);
      return;
  }
}
