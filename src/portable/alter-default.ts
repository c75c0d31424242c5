import type { ServerDefault } from '../schema/server-default';
import type { MigrationContext } from './context';
import { AlterColumnDefault } from '../operations';
import { apply } from './apply';

/**
 * `op.alter_column(table, column, server_default=...)`: sets the column's server default, or drops
 * it (`null`). Existing rows keep their values; the default is for rows inserted afterwards.
 * - PostgreSQL: `ALTER COLUMN ... SET DEFAULT` / `DROP DEFAULT`, a catalog change under a moment's
 *   ACCESS EXCLUSIVE lock (no scan, no rewrite), so the lock policy's timeout bounds its wait.
 * - MySQL: the same statement, INSTANT (a data dictionary change only).
 * - SQLite cannot change a default in place: the table is rebuilt with it, as for any column change.
 */
export async function alterColumnDefault(
  db: MigrationContext,
  tableName: string,
  columnName: string,
  value: ServerDefault | null,
): Promise<void> {
  await apply(db, new AlterColumnDefault(tableName, columnName, value ?? undefined));
}
