import type { QueryRunner } from 'typeorm';
import { dialectOf } from './backend';
import { column, tableColumn } from './column';
import { freshTable, replaceCachedTable } from './fresh-table';
import { alterTableOnline } from './mysql-algorithm';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';
import type { ColumnType } from '../schema/model';

/**
 * `op.alter_column(table, column, type_=TO, existing_type=FROM, existing_nullable=N)`: the stored
 * values are converted, never dropped. TypeORM's changeColumn would drop and re-add a column whose
 * type changes on the servers (losing its data), so the statements are Alembic's own:
 * - PostgreSQL: `ALTER COLUMN c TYPE T USING c::T` (the cast lets text become a number too);
 * - MySQL: `MODIFY c T [NOT] NULL`, which restates the whole column, hence `nullable`;
 * - SQLite: the table is rebuilt with the new declared type, keeping its rows.
 */
export async function alterColumnType(
  queryRunner: QueryRunner,
  tableName: string,
  columnName: string,
  types: { from: ColumnType; to: ColumnType; nullable: boolean },
): Promise<void> {
  const dialect = dialectOf(queryRunner);
  const backend = dialect.backend;
  const newColumn = tableColumn(dialect, column(columnName, types.to, { nullable: types.nullable }));
  if (backend === 'sqlite') {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
      const table = await sqliteTableForRebuild(queryRunner, tableName);
      const existing = table.columns.find((c) => c.name === columnName);
      if (!existing) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
      newColumn.isPrimary = existing.isPrimary;
      await queryRunner.changeColumn(table, existing, newColumn);
    });
    return;
  }
  const driver = queryRunner.connection.driver;
  const table = await freshTable(queryRunner, tableName);
  const existing = table.findColumnByName(columnName);
  if (!existing) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
  const fullType = driver.createFullType(newColumn);
  const t = driver.escape(tableName);
  const c = driver.escape(columnName);
  if (backend === 'postgres') {
    await queryRunner.query(`ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${fullType} USING ${c}::${fullType}`);
  } else {
    // Most type changes copy the table (reads go on, writes wait); a varchar widened within the
    // same side of 255 bytes is INSTANT (mysql-algorithm.ts).
    await alterTableOnline(queryRunner, `ALTER TABLE ${t} MODIFY ${c} ${fullType}${types.nullable ? ' NULL' : ' NOT NULL'}`);
  }
  const changed = table.clone();
  const target = changed.findColumnByName(columnName);
  if (target) {
    target.type = newColumn.type;
    target.length = newColumn.length;
  }
  replaceCachedTable(queryRunner, table, changed);
}
