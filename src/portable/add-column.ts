import type { QueryRunner } from 'typeorm';
import { backendOf } from './backend';
import { ColumnDef, tableColumn } from './column';
import { freshTable, replaceCachedTable } from './fresh-table';
import { withOnlineAlters } from './mysql-algorithm';
import { resumable } from './resumable';

/**
 * `op.add_column(table, column)`: the column goes at the end of the table, as on the reference.
 *
 * PostgreSQL and MySQL get TypeORM's `ALTER TABLE ... ADD`. On SQLite TypeORM would rebuild the whole
 * table (copy every row, drop the old table, rename the new one); SQLite adds a nullable column in
 * place with `ALTER TABLE ... ADD COLUMN`, which is also what Alembic emits. The rebuild is not only
 * slower: dropping a table that other tables' rows reference fails while foreign keys are enforced.
 */
export async function addColumn(queryRunner: QueryRunner, tableName: string, def: ColumnDef): Promise<void> {
  const backend = backendOf(queryRunner);
  const column = tableColumn(backend, def);
  if (backend === 'sqlite') {
    // SQLite cannot add a NOT NULL column without a default; no Watcher revision needs to.
    if (!def.nullable) throw new Error(`SQLite cannot add the NOT NULL column ${tableName}.${def.name} in place`);
    const driver = queryRunner.connection.driver;
    const table = await freshTable(queryRunner, tableName);
    await queryRunner.query(
      `ALTER TABLE ${driver.escape(tableName)} ADD COLUMN ${driver.escape(def.name)} ${driver.createFullType(column)}`,
    );
    // Tell the runner's table cache, as its own addColumn would (an offline run has no other source).
    const changed = table.clone();
    changed.addColumn(column);
    replaceCachedTable(queryRunner, table, changed);
    return;
  }
  const table = await freshTable(queryRunner, tableName);
  // Added by an interrupted run of this revision (see resumable.ts).
  if (resumable(queryRunner) && table.findColumnByName(def.name)) return;
  // MySQL: INSTANT (mysql-algorithm.ts).
  await withOnlineAlters(queryRunner, () => queryRunner.addColumn(table, column));
}
