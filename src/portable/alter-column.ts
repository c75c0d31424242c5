import type { QueryRunner } from 'typeorm';
import { backendOf } from './backend';
import { column, tableColumn } from './column';
import { freshTable } from './fresh-table';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';
import type { SqlType } from './types';

/**
 * `op.alter_column(table, column, existing_type=T, nullable=N)`, with Alembic's semantics: the
 * column's type is whatever `existing_type` claims, and only nullability is asked to change. What
 * that does depends on the backend, and the reference's results are the target:
 * - PostgreSQL: `ALTER COLUMN ... DROP NOT NULL` (or SET NOT NULL); the real type is left alone,
 *   even when it is not `existing_type`.
 * - MySQL can only restate the whole column (`MODIFY col T NULL`), so the column BECOMES
 *   `existing_type`, converting the stored values.
 * - SQLite: the reference fails (no ALTER COLUMN). We rebuild the table with the column declared as
 *   `existing_type` with the new nullability, as on MySQL.
 *
 * TypeORM's changeColumn gives exactly these statements when told that the column currently is
 * `existing_type` with the opposite nullability: it then sees a nullability change only, which it
 * renders as DROP/SET NOT NULL on PostgreSQL and as `CHANGE col col T NULL` on MySQL. (Told the real
 * type instead, it would see a type change and drop and re-add the column, losing its data.)
 */
export async function alterColumnNullability(
  queryRunner: QueryRunner,
  tableName: string,
  columnName: string,
  existingType: SqlType,
  nullable: boolean,
): Promise<void> {
  const backend = backendOf(queryRunner);
  const claimedOld = tableColumn(backend, column(columnName, existingType, { nullable: !nullable }));
  const wanted = tableColumn(backend, column(columnName, existingType, { nullable }));
  if (backend === 'sqlite') {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () =>
      queryRunner.changeColumn(await sqliteTableForRebuild(queryRunner, tableName), claimedOld, wanted),
    );
    return;
  }
  await queryRunner.changeColumn(await freshTable(queryRunner, tableName), claimedOld, wanted);
}
