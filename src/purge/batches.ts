import { Kind } from './kinds';
import { Sources } from './snapshot';
import { Workspace } from './workspace';

/** The tables a batch deletes from, by id: the six kinds and the efficacy indicators. */
export type BatchedTable = Kind | 'efficacy_indicators';

/**
 * The selection split into batches for deleting in several transactions: a batch number for every
 * row to delete (efficacy indicators included), in temporary `(id, batch)` tables.
 *
 * The rows are put in one order in which every child comes before its parent, and each subtree
 * is contiguous:
 *
 * 1. each selected audit's subtree: for each of its action plans, the plan's actions, then its
 *    efficacy indicators, then the plan; then the audit;
 * 2. each selected action plan whose audit is not selected, the same way;
 * 3. selected actions whose action plan is not selected;
 * 4. audit templates, then strategies, then goals, whose selected children all came before.
 *
 * Batch b is rows b*N+1 .. (b+1)*N of that order, so no transaction deletes more than N rows, and
 * deleting batch 0, 1, 2, ... in turn, children first within each, never removes a parent before
 * its children: a purge stopped between two batches leaves rows that the rules still select, and
 * none whose parent is gone. A subtree of up to N rows spans at most two batches; a larger one is
 * deleted over several, from its leaves up. The order is computed in SQL (ROW_NUMBER), so memory
 * does not grow with the selection.
 */
export interface BatchPlan {
  /** table -> temporary table of (id, batch) */
  tables: Record<BatchedTable, string>;
  /** Batches are numbered 0 .. count - 1. */
  count: number;
  /** Rows in all batches. */
  rows: number;
  /** Most rows of one batch. */
  size: number;
}

/** Order of the tables within one subtree: leaves first. */
const CODE: Record<BatchedTable, number> = {
  actions: 0,
  efficacy_indicators: 1,
  action_plans: 2,
  audits: 3,
  audit_templates: 4,
  strategies: 5,
  goals: 6,
};
/** Sorts after every action plan id: an audit comes after its plans. */
const LAST = 2147483647;

export async function planBatches(ws: Workspace, src: Sources, selected: Record<Kind, string>, size: number): Promise<BatchPlan> {
  // Sort key per row: (part of the order 1-4, the subtree's root id, the action plan within it,
  // the table within that plan, id). MySQL cannot open one temporary table twice in a statement,
  // so each table's rows are keyed by a statement of their own before one ROW_NUMBER over all.
  // No key on it: it is read once, whole, by the ROW_NUMBER below, and a key cost a third of planning.
  const key = await ws.createTable('ord', 'k INTEGER NOT NULL, id INTEGER NOT NULL, c INTEGER NOT NULL, u INTEGER NOT NULL, p INTEGER NOT NULL, t INTEGER NOT NULL');
  const insert = (sql: string) => ws.run(`INSERT INTO ${key} (k, id, c, u, p, t) ${sql}`);
  const rootOfPlan = (audit: string, plan: string) =>
    `CASE WHEN ${audit}.id IS NULL THEN 2 ELSE 1 END, CASE WHEN ${audit}.id IS NULL THEN ${plan}.id ELSE ${audit}.id END`;
  const s = selected;

  await insert(`SELECT ${CODE.audits}, a.id, 1, a.id, ${LAST}, ${CODE.audits} FROM ${s.audits} a`);
  await insert(
    `SELECT ${CODE.action_plans}, p.id, ${rootOfPlan('sa', 'p')}, p.id, ${CODE.action_plans} FROM ${src.action_plans} p ` +
      `JOIN ${s.action_plans} sp ON sp.id = p.id LEFT JOIN ${s.audits} sa ON sa.id = p.audit_id`,
  );
  await insert(
    `SELECT ${CODE.efficacy_indicators}, e.id, ${rootOfPlan('sa', 'p')}, p.id, ${CODE.efficacy_indicators} FROM ${src.efficacy_indicators} e ` +
      `JOIN ${s.action_plans} sp ON sp.id = e.action_plan_id JOIN ${src.action_plans} p ON p.id = sp.id LEFT JOIN ${s.audits} sa ON sa.id = p.audit_id`,
  );
  await insert(
    `SELECT ${CODE.actions}, x.id, CASE WHEN sp.id IS NULL THEN 3 WHEN sa.id IS NULL THEN 2 ELSE 1 END, ` +
      `CASE WHEN sp.id IS NULL THEN x.id WHEN sa.id IS NULL THEN sp.id ELSE sa.id END, COALESCE(sp.id, 0), ${CODE.actions} ` +
      `FROM ${src.actions} x JOIN ${s.actions} sx ON sx.id = x.id LEFT JOIN ${s.action_plans} sp ON sp.id = x.action_plan_id ` +
      `LEFT JOIN ${src.action_plans} p ON p.id = sp.id LEFT JOIN ${s.audits} sa ON sa.id = p.audit_id`,
  );
  for (const kind of ['audit_templates', 'strategies', 'goals'] as const) {
    await insert(`SELECT ${CODE[kind]}, id, ${CODE[kind]}, id, 0, 0 FROM ${s[kind]}`);
  }

  // Keyed (k, n), not (k, id): the rows come in n order, so each table's rows are appended, and the
  // split below still reads one table's rows by the key.
  const position = await ws.createTable('pos', 'k INTEGER NOT NULL, id INTEGER NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (k, n)');
  await ws.run(`INSERT INTO ${position} (k, id, n) SELECT k, id, ROW_NUMBER() OVER (ORDER BY c, u, p, t, id) FROM ${key}`);
  await ws.drop(key);

  const tables = {} as Record<BatchedTable, string>;
  const batchOf = integerDivision(ws);
  for (const table of Object.keys(CODE) as BatchedTable[]) {
    tables[table] = await ws.createNumbered(`bat_${table}`);
    await ws.run(`INSERT INTO ${tables[table]} (id, batch) SELECT id, ${batchOf} FROM ${position} WHERE k = ${CODE[table]}`, [size]);
  }
  const [row] = await ws.run<{ rows: number | string | null }[]>(`SELECT MAX(n) AS ${ws.q('rows')} FROM ${position}`);
  await ws.drop(position);
  const rows = Number(row.rows ?? 0);
  return { tables, count: Math.ceil(rows / size), rows, size };
}

/** `(n - 1) / size` in integer arithmetic, `size` bound as the first parameter. */
function integerDivision(ws: Workspace): string {
  switch (ws.backend) {
    case 'postgres':
      return '(n - 1) / $1::bigint';
    case 'mysql':
      return '(n - 1) DIV ?';
    case 'sqlite':
      // better-sqlite3 binds every JavaScript number as REAL, and REAL division keeps the fraction.
      return '(n - 1) / CAST(? AS INTEGER)';
  }
}
