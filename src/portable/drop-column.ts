import { DropColumn } from '../operations';
import { apply } from './apply';
import type { MigrationContext } from './context';

/**
 * `op.drop_column(table, column)`, for plain columns (no key or index on them, as in every Watcher
 * downgrade). On SQLite this is SQLite's own `ALTER TABLE ... DROP COLUMN` (SQLite 3.35+, which
 * better-sqlite3 bundles) rather than TypeORM's rebuild of the whole table; see add-column.ts.
 */
export async function dropColumn(db: MigrationContext, tableName: string, columnName: string): Promise<void> {
  await apply(db, new DropColumn(tableName, columnName));
}
