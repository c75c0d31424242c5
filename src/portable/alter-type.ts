import type { ColumnType } from '../schema/model';
import type { MigrationContext } from './context';
import { AlterColumnType } from '../operations';
import { apply } from './apply';

/**
 * `op.alter_column(table, column, type_=TO, existing_type=FROM, existing_nullable=N)`: the stored
 * values are converted, never dropped. TypeORM's changeColumn would drop and re-add a column whose
 * type changes on the servers (losing its data), so the statements are Alembic's own:
 * - PostgreSQL: `ALTER COLUMN c TYPE T USING c::T` (the cast lets text become a number too);
 * - MySQL: `MODIFY c T [NOT] NULL`, which restates the whole column, hence `nullable`;
 * - SQLite: the table is rebuilt with the new declared type, keeping its rows.
 */
export async function alterColumnType(
  db: MigrationContext,
  tableName: string,
  columnName: string,
  types: { from: ColumnType; to: ColumnType; nullable: boolean },
): Promise<void> {
  await apply(db, new AlterColumnType(tableName, columnName, types.from, types.to, types.nullable));
}
