import { Kind } from './kinds';
import { Sources } from './snapshot';
import { Workspace } from './workspace';

/**
 * The guards of purge's deletes on SQLite without reading whole child tables (issue 27).
 *
 * A guard keeps a parent that a row outside the deletion still references (delete.ts). SQLite has no
 * index on the referencing columns (sqlite-keys.ts), so the plain guard reads the whole child table,
 * once per batch: at a million rows, most of a batched purge and of each batch's hold on the lock
 * (and, in one transaction, a second read of each large table while the lock is held).
 * For the large child tables, whose links Watcher never changes once a row is written (an action's
 * action plan, an indicator's action plan, an action plan's audit), the rows that can reference a
 * parent of the batch are:
 * - rows of the snapshot: the safety rule (selection.ts) put every such row in the deletion, in this
 *   batch or an earlier one, so it references the parent only if its own guard kept it; those are
 *   looked up by the snapshot copy's index on the link (snapshot.ts) and then by id;
 * - rows added since: SQLite gives a new row an id above every id in the table, and the rows the
 *   purge leaves (`newAbove`: the largest id of those in the snapshot) stay, so every row added since
 *   has a larger id; those are read by a range of ids, not the whole table.
 * The small tables (goals, strategies, audit templates), whose links an operator may change, keep the
 * plain guard; their batches are the last ones.
 */
export interface ChildRowsSince {
  src: Sources;
  /** child table -> every row added since the snapshot has a larger id */
  newAbove: Partial<Record<string, number>>;
}

/** The child tables, by their link, whose guards are read this way. */
const WATCHED: readonly { child: 'actions' | 'efficacy_indicators' | 'action_plans'; column: string; parent: Kind }[] = [
  { child: 'actions', column: 'action_plan_id', parent: 'action_plans' },
  { child: 'efficacy_indicators', column: 'action_plan_id', parent: 'action_plans' },
  { child: 'action_plans', column: 'audit_id', parent: 'audits' },
];

/** Reads, from the snapshot and the final selection, the id above which a child row is new; on SQLite only. */
export async function childRowsSince(ws: Workspace, src: Sources, selected: Record<Kind, string>): Promise<ChildRowsSince | undefined> {
  if (ws.backend !== 'sqlite') return undefined;
  const newAbove: ChildRowsSince['newAbove'] = {};
  for (const { child } of WATCHED) {
    // The rows the purge leaves: not selected (an indicator goes with its selected action plan).
    const left =
      child === 'efficacy_indicators'
        ? `FROM ${src.efficacy_indicators} c LEFT JOIN ${selected.action_plans} x ON x.id = c.action_plan_id WHERE x.id IS NULL`
        : `FROM ${src[child]} c LEFT JOIN ${selected[child]} x ON x.id = c.id WHERE x.id IS NULL`;
    const [row] = await ws.run<{ n: number | null }[]>(`SELECT MAX(c.id) AS n ${left}`);
    newAbove[child] = Number(row?.n ?? 0);
  }
  return { src, newAbove };
}

/**
 * The guard of `table` (the parent, named `target` in the statement) against `child.column`, when
 * it can be read as above; undefined for a plain guard.
 */
export function watchedGuard(ws: Workspace, since: ChildRowsSince, target: string, child: string, column: string): string | undefined {
  const watched = WATCHED.find((w) => w.child === child && w.column === column);
  if (watched === undefined) return undefined;
  const c = ws.q(column);
  const r = ws.q(child);
  const kept = `NOT EXISTS (SELECT 1 FROM ${since.src[watched.child]} sc JOIN ${r} k ON k.id = sc.id WHERE sc.${c} = ${target}.id AND k.${c} = ${target}.id)`;
  const added = `id NOT IN (SELECT n.${c} FROM ${r} n WHERE n.id > ${since.newAbove[watched.child] ?? 0} AND n.${c} IS NOT NULL)`;
  return ` AND ${kept} AND ${added}`;
}
