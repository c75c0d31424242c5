import type { QueryRunner, Table } from 'typeorm';
import { pgForeignKeys } from '../portable/pg-catalog';
import { typeorm } from '../portable/typeorm-classes';
import { classifyInput } from '../sql/classify';
import { PostgresClassifier } from '../sql/classify-postgres';
import type { TableLock } from '../sql/effects';

export type { TableLock } from '../sql/effects';

/** The lock modes that conflict with what Watcher's services take (ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE). */
const STALLS_THE_SERVICES = new Set(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);

/** The table by this name as it is now, with its foreign keys (undefined when there is none). */
export type TableOf = (name: string) => Promise<Table | undefined>;

/**
 * In a run: the table's foreign keys as the catalog has them, in one read (TypeORM's loadTables
 * would read the whole table in several, for every DROP a downgrade sends).
 */
export function catalogTables(runner: QueryRunner): TableOf {
  return async (name) => {
    const keys = await pgForeignKeys(runner, name);
    const { Table } = typeorm();
    return new Table({
      name,
      foreignKeys: keys.map((k) => ({ name: k.name, columnNames: k.columns, referencedTableName: k.references, referencedColumnNames: [] })),
    });
  };
}

/**
 * The table locks a schema statement will ask for that can stall the services, as `--plan` names
 * them (src/sql/classify-postgres.ts): one reading of the statement for what the tool says and for
 * what it does. A statement that drops something is read with its table as it is then (`tableOf`:
 * the catalog in a run, the offline runner's tables in a recording), so that a
 * foreign key dropped with its constraint, column or table gives the lock it takes on the table it
 * references too, which must not be asked for in the queue either. Read without the server's other
 * catalog facts, which only refine rewrites and scans. Data statements and CONCURRENTLY builds give
 * none.
 */
export async function tableLocks(sql: string, tableOf: TableOf): Promise<TableLock[]> {
  // A table that may not be there: the statement must find out, not a LOCK that would fail first.
  if (/^\s*(ALTER|DROP)\s+TABLE\s+IF\s+EXISTS\b/i.test(sql)) return [];
  const read = (schema: ReadonlyMap<string, Table>) =>
    new PostgresClassifier({ columns: new Map(), constraints: new Map(), indexes: new Map() }).classify(classifyInput('postgres', sql, schema, false));
  let classified = read(new Map());
  if (classified.kind !== 'ddl') return [];
  const table = classified.table;
  if (table && /\bDROP\b/i.test(sql)) {
    const known = await tableOf(table);
    if (known) classified = read(new Map([[table, known]]));
  }
  // The table a CREATE TABLE makes is not there yet to be locked, and nobody waits for it.
  const created = classified.effect?.created;
  return classified.locks.filter((lock) => STALLS_THE_SERVICES.has(lock.mode) && lock.table !== created);
}
