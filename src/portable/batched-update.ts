import type { MigrationContext } from './context';
import { EACH_RANGE, isOffline, noteInScript, writesScript } from './offline';
import { outsideTransaction } from './outside-transaction';
import { reportProgress } from './progress';

/** A data change over a whole table, made by one UPDATE statement per range of keys. */
export interface BatchedUpdateDef {
  table: string;
  /**
   * What the UPDATE updates when it is more than `table`: MySQL's multi-table form
   * (`audits LEFT JOIN strategies s ON ...`), where joins are much cheaper than correlated subqueries.
   */
  target?: string;
  /** The SET list, e.g. `name = ...`; it may refer to the table's columns by the table's name. */
  set: string;
  /**
   * Which rows still need the change. It must be false for a changed row, so that a run interrupted
   * after some chunks committed is finished by a rerun, which skips them (e.g. `name IS NULL`).
   */
  where: string;
  /**
   * A cheaper condition true for every row `where` selects, to count the rows to change for the
   * progress reports with one plain scan (default: `where`).
   */
  todo?: string;
  /** For progress reports: "naming audits". */
  what: string;
  /** The integer primary key whose ranges make the chunks; `id` unless told. */
  key?: string;
  /** How many consecutive key values a chunk covers, so at most that many rows. */
  chunkKeys?: number;
}

/**
 * Measured on a million rows (../shared/spec/online-ddl.md, "Row-by-row vs set-based"): one statement
 * per row costs a round trip each (minutes), one statement for the whole table holds every row lock
 * until it ends; ranges of this size hold a few thousand row locks for a fraction of a second each.
 */
const CHUNK_KEYS = 10_000;

/**
 * Applies `UPDATE <table> SET <set> WHERE <key> BETWEEN a AND b AND (<where>)` over ascending key
 * ranges of `chunkKeys` values, outside the revision's transaction (not on SQLite: see below): each
 * statement commits on its own, so Watcher's services, which keep running, never wait on more than
 * one chunk's row locks. No row is read, only the next range's first key (one index probe, which
 * also skips the gaps purges leave), so memory does not grow with the table.
 * Reports progress (rows changed / rows to change) after every chunk. Returns the rows changed.
 *
 * Offline, with no rows to find ranges in, the same statement is written once, without the range:
 * the script does what the online run does, in one step.
 */
export async function batchedUpdate(db: MigrationContext, def: BatchedUpdateDef): Promise<number> {
  const dialect = db.dialect;
  const key = def.key ?? 'id';
  // A range holds at most `width` rows; a Galera cluster may want fewer per write set.
  const width = Math.min(def.chunkKeys ?? CHUNK_KEYS, db.rowsPerTransaction ?? Number.POSITIVE_INFINITY);
  const p = (n: number) => dialect.placeholder(n);
  const update = (range: string) => `UPDATE ${def.target ?? def.table} SET ${def.set} WHERE ${range}(${def.where})`;

  // SQLite has no row locks to pile up, only its one write lock, and the whole revision holds it for
  // a few seconds per million rows. It has no run lock either (src/runtime/run-guard.ts): between
  // two chunks committed on their own, a second run of ours would find the revision not done yet and
  // run it too. So there the chunks stay in the revision's transaction, all or nothing.
  const apart = <T>(work: () => Promise<T>) => (dialect.hasRunLock ? outsideTransaction(db, work) : work());
  return apart(async () => {
    // Qualified: the target may join tables that have a column of the same name.
    const range = `${def.table}.${key} >= ${p(1)} AND ${def.table}.${key} <= ${p(2)} AND `;
    if (isOffline(db)) {
      // A script gets the whole change in one statement; the plan, the statement the run sends per range.
      if (writesScript(db)) {
        const each = dialect.hasRunLock ? 'each committed on its own' : "all in the revision's transaction";
        await noteInScript(db, `The run sends the UPDATE below once per range of ${width} keys (fewer on a Galera cluster), ${each}, so that no row lock is held for long; a script sends it once, for every row.`);
        await db.runner.query(update(''));
      } else await db.runner.query(update(range), EACH_RANGE as unknown[]);
      return 0;
    }
    return dialect.withoutJit(db.runner, async () => {
      const [{ n }] = (await db.runner.query(`SELECT COUNT(*) AS n FROM ${def.table} WHERE ${def.todo ?? def.where}`)) as { n: number | string }[];
      const total = Number(n);
      let done = 0;
      reportProgress(db, { what: def.what, done, total });
      // The first key above the last range; the loop ends when there is none, so rows inserted
      // meanwhile past the last range are changed too.
      const next = `SELECT MIN(${key}) AS k FROM ${def.table} WHERE ${key} > ${p(1)}`;
      let [{ k: start }] = (await db.runner.query(`SELECT MIN(${key}) AS k FROM ${def.table}`)) as { k: unknown }[];
      while (start !== null && start !== undefined) {
        const end = Number(start) + width - 1;
        const result = (await db.runner.query(update(range), [start, end], true)) as { affected?: number };
        done += result.affected ?? 0;
        reportProgress(db, { what: def.what, done, total });
        [{ k: start }] = (await db.runner.query(next, [end])) as { k: unknown }[];
      }
      return done;
    });
  });
}
