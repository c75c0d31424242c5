import type { Table } from 'typeorm';
import type { MigrationContext } from './context';
import { withTableChange } from './cached-change';
import { replaceCachedTable } from './fresh-table';
import { kitImplOf } from './impl/kit-impl';
import { isOffline } from './offline';
import { resumable } from './resumable';

/**
 * `op.alter_column(table, from, new_column_name=to)`: the column keeps its data, type, keys and
 * indexes (their names included) under its new name.
 *
 * All three take `ALTER TABLE t RENAME COLUMN a TO b`, which changes the catalog only: PostgreSQL
 * at once; MariaDB 10.5+ INSTANT (asked for, as every ALTER the kit sends, see mysql-algorithm.ts);
 * SQLite 3.25+ edits the schema text in place, the indexes and other tables' REFERENCES included.
 * TypeORM's own renameColumn is not used: on MySQL it restates the whole column (CHANGE, which can
 * copy the table), on SQLite it rebuilds the table, and it renames indexes named by its naming
 * strategy, which are not Watcher's names.
 */
export async function renameColumn(db: MigrationContext, tableName: string, from: string, to: string): Promise<void> {
  const driver = db.runner.connection.driver;
  await withTableChange(
    db.runner,
    tableName,
    async (table) => {
      // Renamed by an interrupted run of this revision (see resumable.ts): MySQL commits the statement
      // at once, so a rerun finds the old name gone and the new one there.
      if (resumable(db) && !table.findColumnByName(from) && table.findColumnByName(to)) return;
      const statement = `ALTER TABLE ${driver.escape(tableName)} RENAME COLUMN ${driver.escape(from)} TO ${driver.escape(to)}`;
      await kitImplOf(db).renameColumn(db, statement);
    },
    // The runner's table cache (an offline run has no other source); a no-op once renamed.
    (changed) => renameIn(changed, tableName, from, to),
  );
  if (isOffline(db)) {
    // Other tables' foreign keys name the column too; online, every kit call reads them afresh.
    for (const other of await db.runner.getTables()) {
      if (other.name === tableName || !other.foreignKeys.some((fk) => references(fk.referencedTableName, tableName))) continue;
      const updated = other.clone();
      renameIn(updated, tableName, from, to);
      replaceCachedTable(db.runner, other, updated);
    }
  }
}

/** `name` as a TypeORM table path (`schema.table` on PostgreSQL) names `table`. */
function references(name: string, table: string): boolean {
  return name.split('.').pop() === table;
}

/** Column `table.from` called `to` in `t`: its own column and keys if `t` is `table`, and foreign keys pointing at it. */
function renameIn(t: Table, table: string, from: string, to: string): void {
  const swap = (names: string[]) => names.map((n) => (n === from ? to : n));
  if (t.name === table || references(t.name, table)) {
    for (const c of t.columns) if (c.name === from) c.name = to;
    for (const i of t.indices) i.columnNames = swap(i.columnNames);
    for (const u of t.uniques) u.columnNames = swap(u.columnNames);
    for (const c of t.checks) if (c.columnNames) c.columnNames = swap(c.columnNames);
    for (const fk of t.foreignKeys) fk.columnNames = swap(fk.columnNames);
  }
  for (const fk of t.foreignKeys) if (references(fk.referencedTableName, table)) fk.referencedColumnNames = swap(fk.referencedColumnNames);
}
