import type { ColumnType } from '../schema/model';
import type { MigrationContext } from './context';
import { AlterColumnNullability } from '../operations';
import { apply } from './apply';

/**
 * `op.alter_column(table, column, existing_type=T, nullable=N)`, with Alembic's semantics: the
 * column's type is whatever `existing_type` claims, and only nullability is asked to change. What
 * that does depends on the backend, and the reference's results are the target:
 * - PostgreSQL: `ALTER COLUMN ... DROP NOT NULL` (or SET NOT NULL); the real type is left alone,
 *   even when it is not `existing_type`. SET NOT NULL reads the whole table under ACCESS EXCLUSIVE;
 *   outside the revision's transaction it goes through a CHECK instead (setNotNullOnline).
 * - MySQL can only restate the whole column (`MODIFY col T NULL`), so the column BECOMES
 *   `existing_type`, converting the stored values; asked for the least blocking form
 *   (mysql-algorithm.ts: NOT NULL is rebuilt in place while writes go on).
 * - SQLite: the reference fails (no ALTER COLUMN). We rebuild the table with the column declared as
 *   `existing_type` with the new nullability, as on MySQL.
 *
 * TypeORM's changeColumn gives exactly these statements when told that the column currently is
 * `existing_type` with the opposite nullability: it then sees a nullability change only, which it
 * renders as DROP/SET NOT NULL on PostgreSQL and as `CHANGE col col T NULL` on MySQL. (Told the real
 * type instead, it would see a type change and drop and re-add the column, losing its data.)
 */
export async function alterColumnNullability(
  db: MigrationContext,
  tableName: string,
  columnName: string,
  existingType: ColumnType,
  nullable: boolean,
): Promise<void> {
  await apply(db, new AlterColumnNullability(tableName, columnName, existingType, nullable));
}
