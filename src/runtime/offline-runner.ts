import type { DataSource, QueryRunner, Table } from 'typeorm';
import type { Dialect } from '../dialect';
import { EACH_RANGE, SCRIPT_NOTE } from '../portable/offline';
import { routeThrough } from '../connection/statement-stages';
import { shapeOf } from '../sql/shape';

/**
 * A TypeORM query runner that never touches a database: the SQL TypeORM generates for each
 * operation is recorded instead of sent, and the tables it needs to read are kept in memory, starting
 * from the schema the revisions before the range built (replayed with recording off). Reads return
 * nothing, so revisions that need data check `isOffline` (their context says the run is offline) and
 * write set-based SQL instead.
 */
export interface OfflineRunner {
  runner: QueryRunner;
  /** Statements are kept only while recording is on. */
  recording: boolean;
  statements: { sql: string; eachRange?: true; note?: true }[];
  /** Whether the statements that follow are in the revision's transaction, as they are in a run (for its stages). */
  inTransaction(open: boolean): void;
  /** Starts from these tables (the live database's, as a run finds them) instead of an empty schema. */
  seed(tables: Table[], searchSchema: string | undefined): void;
}

export function createOfflineRunner(dataSource: DataSource, dialect: Dialect): OfflineRunner {
  const runner = dataSource.createQueryRunner();
  const tables = new Map<string, Table>();
  const state: OfflineRunner = {
    runner,
    recording: false,
    statements: [],
    inTransaction: (open) => ((runner as { isTransactionActive: boolean }).isTransactionActive = open),
    seed: (live, searchSchema) => {
      // Told what connecting would have told it: the schema names need no qualifying in (PostgreSQL).
      if (searchSchema !== undefined) (runner.connection.driver as { searchSchema?: string }).searchSchema = searchSchema;
      live.forEach((t) => {
        const table = t.clone();
        tables.set(table.name.split('.').pop() as string, table);
      });
    },
  };
  const self = runner as unknown as Record<string | symbol, unknown>;
  const nameOf = (t: Table | string) => (typeof t === 'string' ? t : t.name);
  const original = {
    createTable: runner.createTable.bind(runner),
    dropTable: runner.dropTable.bind(runner),
    replaceCachedTable: (self.replaceCachedTable as (a: Table, b: Table) => void).bind(runner),
  };

  // The last stage, where a run's statements would reach the server: here they are kept, or answered.
  routeThrough(runner, [
    () => async (sql, parameters) => {
      const text = sql.trim();
      if (parameters === SCRIPT_NOTE) {
        if (state.recording) state.statements.push({ sql: text, note: true });
        return [];
      }
      // The transaction a recorded COMMIT ... BEGIN steps out of (a step outside the transaction).
      const shape = shapeOf(text, dialect.backend);
      if (shape.transaction) state.inTransaction(shape.transaction === 'begins');
      if (/^PRAGMA\s+foreign_keys\s*$/i.test(text)) return [{ foreign_keys: 0 }];
      if (/^SELECT\s+sql\s+FROM\s+sqlite_master/i.test(text)) return [{ sql: '' }];
      if (shape.reads) return [];
      if (!state.recording) return [];
      if (parameters === EACH_RANGE) state.statements.push({ sql: text, eachRange: true });
      else state.statements.push({ sql: dialect.inlineParameters(text, (parameters as unknown[] | undefined) ?? []) });
      return [];
    },
  ]);
  self.loadTables = async (names?: string[]) =>
    (names ?? [...tables.keys()]).flatMap((n) => {
      const table = tables.get(n.split('.').pop() as string);
      return table ? [table.clone()] : [];
    });
  runner.hasTable = async (table: Table | string) => tables.has(nameOf(table));
  runner.hasColumn = async (table: Table | string, column: string) =>
    tables.get(nameOf(table))?.columns.some((c) => c.name === column) ?? false;
  runner.createTable = async (table: Table, ...rest: unknown[]) => {
    await (original.createTable as (...a: unknown[]) => Promise<void>)(table, ...rest);
    tables.set(table.name, table.clone());
  };
  runner.dropTable = async (table: Table | string, ...rest: unknown[]) => {
    await (original.dropTable as (...a: unknown[]) => Promise<void>)(table, ...rest);
    tables.delete(nameOf(table));
  };
  self.replaceCachedTable = (table: Table, changed: Table) => {
    original.replaceCachedTable(table, changed);
    tables.delete(table.name);
    tables.set(changed.name, changed.clone());
  };
  return state;
}
