import { Kind } from './kinds';
import { Workspace } from './workspace';

/**
 * The selection split into batches for deleting in several transactions: a batch number for every
 * selected row, in temporary `(id, batch)` tables. Deleting batch 0, 1, 2, ... in that order, each
 * children first, never leaves a row whose parent is gone, and each batch holds whole subtrees of
 * about `size` rows (efficacy indicators included):
 *
 * 1. each selected audit with its action plans, their actions and efficacy indicators;
 * 2. each selected action plan whose audit is not selected, with its actions and indicators;
 * 3. selected actions whose action plan is not selected;
 * 4. then audit templates, strategies and goals, whose selected children are gone by then.
 *
 * The safety rule (Selection.makeSafe) makes every child of a selected row selected, so each unit's
 * subtree is complete. A unit is never split: one audit larger than `size` is a batch of its own.
 * Batch numbers come from running sums in SQL (window functions), so memory does not grow with the
 * selection.
 */
export interface BatchPlan {
  /** kind -> temporary table of (id, batch) */
  tables: Record<Kind, string>;
  /** Batches are numbered 0 .. count - 1. */
  count: number;
}

export async function planBatches(ws: Workspace, selected: Record<Kind, string>, size: number): Promise<BatchPlan> {
  const bat = await ws.createSet('bat', { numbered: true });
  let next = 0;
  /** Numbers the units `units` returns (columns id, n = rows in the unit), in id order, from `next` on. */
  const number = async (kind: Kind, units: string): Promise<void> => {
    const { expression, params } = runningBatch(ws, next, size);
    await ws.run(`INSERT INTO ${bat[kind]} (id, batch) SELECT u.id, ${expression} FROM (${units}) u`, params);
    const [row] = await ws.run<{ last: number | string | null }[]>(`SELECT MAX(batch) AS last FROM ${bat[kind]}`);
    if (row.last !== null) next = Math.max(next, Number(row.last) + 1);
  };
  const perPlan = (table: string, key: 'audit_id' | 'id') =>
    `SELECT p.${key} AS k, COUNT(*) AS n FROM ${table} c JOIN action_plans p ON p.id = c.action_plan_id GROUP BY p.${key}`;

  // 1. Audits, each with its whole subtree.
  await number(
    'audits',
    `SELECT a.id, 1 + COALESCE(pc.n, 0) + COALESCE(xc.n, 0) + COALESCE(ec.n, 0) AS n FROM ${selected.audits} a ` +
      `LEFT JOIN (SELECT audit_id AS k, COUNT(*) AS n FROM action_plans GROUP BY audit_id) pc ON pc.k = a.id ` +
      `LEFT JOIN (${perPlan('actions', 'audit_id')}) xc ON xc.k = a.id ` +
      `LEFT JOIN (${perPlan('efficacy_indicators', 'audit_id')}) ec ON ec.k = a.id`,
  );
  await ws.run(
    `INSERT INTO ${bat.action_plans} (id, batch) SELECT p.id, a.batch FROM action_plans p ` +
      `JOIN ${bat.audits} a ON a.id = p.audit_id JOIN ${selected.action_plans} s ON s.id = p.id`,
  );
  // 2. Action plans whose audit is not purged, each with its actions and indicators.
  await number(
    'action_plans',
    `SELECT p.id, 1 + COALESCE(xc.n, 0) + COALESCE(ec.n, 0) AS n FROM action_plans p ` +
      `JOIN ${selected.action_plans} s ON s.id = p.id LEFT JOIN ${selected.audits} a ON a.id = p.audit_id ` +
      `LEFT JOIN (${perPlan('actions', 'id')}) xc ON xc.k = p.id ` +
      `LEFT JOIN (${perPlan('efficacy_indicators', 'id')}) ec ON ec.k = p.id WHERE a.id IS NULL`,
  );
  // Every action of a numbered plan goes in its plan's batch.
  await ws.run(
    `INSERT INTO ${bat.actions} (id, batch) SELECT x.id, p.batch FROM actions x ` +
      `JOIN ${bat.action_plans} p ON p.id = x.action_plan_id JOIN ${selected.actions} s ON s.id = x.id`,
  );
  // 3. Actions whose action plan is not purged.
  await number(
    'actions',
    `SELECT x.id, 1 AS n FROM actions x JOIN ${selected.actions} s ON s.id = x.id ` +
      `LEFT JOIN ${selected.action_plans} p ON p.id = x.action_plan_id WHERE p.id IS NULL`,
  );
  // 4. What is left has no selected child left: templates, then strategies, then goals.
  for (const kind of ['audit_templates', 'strategies', 'goals'] as const) {
    await number(kind, `SELECT s.id, 1 AS n FROM ${selected[kind]} s`);
  }
  return { tables: bat, count: next };
}

/** `next + (running total of u.n in id order - 1) / size`, in integer arithmetic, values bound. */
function runningBatch(ws: Workspace, next: number, size: number): { expression: string; params: unknown[] } {
  const running = 'SUM(u.n) OVER (ORDER BY u.id)';
  switch (ws.backend) {
    case 'postgres':
      // SUM of bigint is numeric in PostgreSQL, and numeric division keeps the fraction.
      return { expression: `$1::bigint + (CAST(${running} AS BIGINT) - 1) / $2::bigint`, params: [next, size] };
    case 'mysql':
      return { expression: `? + (${running} - 1) DIV ?`, params: [next, size] };
    case 'sqlite':
      // better-sqlite3 binds every JavaScript number as REAL, and REAL division keeps the fraction.
      return { expression: `CAST(? AS INTEGER) + (${running} - 1) / CAST(? AS INTEGER)`, params: [next, size] };
  }
}
