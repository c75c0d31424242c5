import { GaleraNode, WriteSetBudget, writeSetBudget } from '../connection/galera';
import { BatchedTable } from './batches';
import { Workspace } from './workspace';

/** The tables a purge deletes from. */
const DELETED_TABLES: readonly BatchedTable[] = ['goals', 'strategies', 'audit_templates', 'audits', 'action_plans', 'actions', 'efficacy_indicators'];

/**
 * The least we assume a deleted row weighs in its write set. InnoDB's statistics lag behind bulk
 * changes (just after 30,000 actions were loaded, AVG_ROW_LENGTH said 0), so they alone may say far
 * too little. Watcher's rows with their JSON columns are mostly under 1 KiB: measured, a deleted
 * action with 2,000 bytes of input_parameters took 2,109 bytes of write set, where its table's
 * AVG_ROW_LENGTH said 6,436 (page overhead counts there); small test rows took 104 bytes.
 */
const ROW_BYTES_FLOOR = 1024;

/** How a purge on Galera splits its deletion, and why, for -v. */
export interface GaleraBatchSize {
  size: number;
  /** One line: the size, what bounded it, and an explicit --batch-size that was lowered. */
  note: string;
  /** Set when an explicit --batch-size was above wsrep_max_ws_rows and was lowered to it. */
  lowered?: string;
}

/**
 * Rows per purge transaction on a Galera node: the explicit `--batch-size` when given (lowered to
 * wsrep_max_ws_rows, which every larger batch would fail on), else the write-set budget for the
 * purged tables' widest rows (galera.ts). The row width is a conservative estimate: the largest
 * AVG_ROW_LENGTH of those tables, and at least ROW_BYTES_FLOOR. Small tables say a page per row
 * there, which errs the same, safe way.
 */
export async function galeraBatchSize(ws: Workspace, node: GaleraNode, explicit?: number): Promise<GaleraBatchSize> {
  if (explicit !== undefined) {
    const limit = node.maxWriteSetRows;
    if (limit > 0 && explicit > limit) {
      return {
        size: limit,
        note: `Galera: deleting in transactions of at most ${limit} rows (--batch-size ${explicit} lowered to wsrep_max_ws_rows ${limit})`,
        lowered: `--batch-size ${explicit} is above the cluster's wsrep_max_ws_rows (${limit}), which a larger transaction fails on: batches of ${limit} rows instead`,
      };
    }
    return { size: explicit, note: `Galera: deleting in transactions of at most ${explicit} rows (--batch-size)` };
  }
  const budget: WriteSetBudget = writeSetBudget(node, await widestRowBytes(ws));
  return { size: budget.rows, note: `Galera: deleting in transactions of at most ${budget.rows} rows (${budget.boundBy}; --batch-size sets another size)` };
}

/** The largest average row length of the purged tables, as InnoDB's statistics tell it, and at least the floor. */
async function widestRowBytes(ws: Workspace): Promise<number> {
  const names = DELETED_TABLES.map((_, i) => ws.dialect.placeholder(i + 1)).join(', ');
  const [row] = await ws.run<{ widest: number | string | null }[]>(
    `SELECT MAX(AVG_ROW_LENGTH) AS widest FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${names})`,
    [...DELETED_TABLES],
  );
  return Math.max(ROW_BYTES_FLOOR, Number(row?.widest ?? 0) || 0);
}
