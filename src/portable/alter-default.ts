import type { QueryRunner } from 'typeorm';
import { dialectOf } from './backend';
import { withTableChange } from './cached-change';
import { alterTableOnline } from './mysql-algorithm';
import type { ServerDefault } from '../schema/server-default';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';

/**
 * `op.alter_column(table, column, server_default=...)`: sets the column's server default, or drops
 * it (`null`). Existing rows keep their values; the default is for rows inserted afterwards.
 * - PostgreSQL: `ALTER COLUMN ... SET DEFAULT` / `DROP DEFAULT`, a catalog change under a moment's
 *   ACCESS EXCLUSIVE lock (no scan, no rewrite), so the lock policy's timeout bounds its wait.
 * - MySQL: the same statement, INSTANT (a data dictionary change only).
 * - SQLite cannot change a default in place: the table is rebuilt with it, as for any column change.
 */
export async function alterColumnDefault(
  queryRunner: QueryRunner,
  tableName: string,
  columnName: string,
  value: ServerDefault | null,
): Promise<void> {
  const dialect = dialectOf(queryRunner);
  const backend = dialect.backend;
  const sql = value === null ? undefined : dialect.defaultSql(value);
  if (backend === 'sqlite') {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
      const table = await sqliteTableForRebuild(queryRunner, tableName);
      const old = table.findColumnByName(columnName);
      if (!old) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
      const changed = old.clone();
      changed.default = sql;
      await queryRunner.changeColumn(table, old, changed);
    });
    return;
  }
  const q = (name: string) => queryRunner.connection.driver.escape(name);
  await withTableChange(
    queryRunner,
    tableName,
    async (table) => {
      if (!table.findColumnByName(columnName)) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
      const statement = `ALTER TABLE ${q(tableName)} ALTER COLUMN ${q(columnName)} ${sql === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${sql}`}`;
      if (backend === 'mysql') await alterTableOnline(queryRunner, statement);
      else await queryRunner.query(statement);
    },
    (changed) => {
      const target = changed.findColumnByName(columnName);
      if (target) target.default = sql;
    },
  );
}
