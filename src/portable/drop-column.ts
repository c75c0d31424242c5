import type { QueryRunner } from 'typeorm';
import { backendOf } from './backend';
import { freshTable, replaceCachedTable } from './fresh-table';
import { withOnlineAlters } from './mysql-algorithm';
import { resumable } from './resumable';

/**
 * `op.drop_column(table, column)`, for plain columns (no key or index on them, as in every Watcher
 * downgrade). On SQLite this is SQLite's own `ALTER TABLE ... DROP COLUMN` (SQLite 3.35+, which
 * better-sqlite3 bundles) rather than TypeORM's rebuild of the whole table; see add-column.ts.
 */
export async function dropColumn(queryRunner: QueryRunner, tableName: string, columnName: string): Promise<void> {
  if (backendOf(queryRunner) === 'sqlite') {
    const driver = queryRunner.connection.driver;
    const table = await freshTable(queryRunner, tableName);
    await queryRunner.query(`ALTER TABLE ${driver.escape(tableName)} DROP COLUMN ${driver.escape(columnName)}`);
    const changed = table.clone();
    changed.columns = changed.columns.filter((c) => c.name !== columnName);
    replaceCachedTable(queryRunner, table, changed);
    return;
  }
  const table = await freshTable(queryRunner, tableName);
  // Dropped by an interrupted run of this revision (see resumable.ts).
  if (resumable(queryRunner) && !table.findColumnByName(columnName)) return;
  // MySQL: INSTANT (mysql-algorithm.ts).
  await withOnlineAlters(queryRunner, () => queryRunner.dropColumn(table, columnName));
}
