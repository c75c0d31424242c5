import type { QueryRunner } from 'typeorm';
import { DatabaseStateError } from '../errors';
import { dialectOf } from './backend';
import { column, tableColumn } from './column';
import { freshTable, replaceCachedTable } from './fresh-table';
import { withOnlineAlters } from './mysql-algorithm';
import { canRunOutsideTransaction, outsideTransaction } from './outside-transaction';
import { pgColumnNotNull, pgConstraint, pgIdentifier } from './pg-catalog';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';
import type { ColumnType } from '../schema/model';

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
  queryRunner: QueryRunner,
  tableName: string,
  columnName: string,
  existingType: ColumnType,
  nullable: boolean,
): Promise<void> {
  const dialect = dialectOf(queryRunner);
  const backend = dialect.backend;
  const claimedOld = tableColumn(dialect, column(columnName, existingType, { nullable: !nullable }));
  const wanted = tableColumn(dialect, column(columnName, existingType, { nullable }));
  if (backend === 'sqlite') {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () =>
      queryRunner.changeColumn(await sqliteTableForRebuild(queryRunner, tableName), claimedOld, wanted),
    );
    return;
  }
  const table = await freshTable(queryRunner, tableName);
  if (backend === 'postgres' && !nullable && canRunOutsideTransaction(queryRunner)) {
    if (!table.findColumnByName(columnName)) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
    await outsideTransaction(queryRunner, () => setNotNullOnline(queryRunner, tableName, columnName));
    const changed = table.clone();
    const target = changed.findColumnByName(columnName);
    if (target) target.isNullable = false;
    replaceCachedTable(queryRunner, table, changed);
    return;
  }
  await withOnlineAlters(queryRunner, () => queryRunner.changeColumn(table, claimedOld, wanted));
}

/** The CHECK setNotNullOnline makes and drops: a name of the kit's own, so that a rerun knows it. */
export function notNullCheckName(tableName: string, columnName: string): string {
  return pgIdentifier(`wdm_not_null_${tableName}_${columnName}`);
}

/**
 * PostgreSQL, outside any transaction, each statement committed by itself (PostgreSQL 12+):
 * 1. `ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID`: a moment's ACCESS EXCLUSIVE, no scan;
 * 2. `VALIDATE CONSTRAINT c`: the scan, under SHARE UPDATE EXCLUSIVE (reads and writes go on);
 * 3. `ALTER COLUMN col SET NOT NULL`: a moment's lock, the scan skipped because c proves it;
 * 4. `DROP CONSTRAINT c`.
 * A rerun finishes what an interrupted one left (c NOT VALID or validated, the column already NOT
 * NULL with c still there). When rows hold NULL, c (which would go on refusing NULLs in new rows) is
 * dropped again and their count is the error.
 */
async function setNotNullOnline(queryRunner: QueryRunner, tableName: string, columnName: string): Promise<void> {
  const q = (n: string) => queryRunner.connection.driver.escape(n);
  const t = q(tableName);
  const c = q(columnName);
  const check = notNullCheckName(tableName, columnName);
  let checkThere = (await pgConstraint(queryRunner, tableName, check))?.type === 'c';
  if ((await pgColumnNotNull(queryRunner, tableName, columnName)) !== true) {
    if (!checkThere) await queryRunner.query(`ALTER TABLE ${t} ADD CONSTRAINT ${q(check)} CHECK (${c} IS NOT NULL) NOT VALID`);
    checkThere = true;
    try {
      await queryRunner.query(`ALTER TABLE ${t} VALIDATE CONSTRAINT ${q(check)}`);
    } catch (error) {
      await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${q(check)}`).catch(() => undefined);
      if ((error as { code?: string }).code === '23514') {
        const [row] = (await queryRunner.query(`SELECT COUNT(*) AS n FROM ${t} WHERE ${c} IS NULL`)) as { n: string }[];
        const n = Number(row?.n ?? 0);
        throw new DatabaseStateError(
          `Cannot make ${tableName}.${columnName} NOT NULL: ${n === 1 ? '1 row holds' : `${n} rows hold`} NULL there; set a value in them, then run again`,
        );
      }
      throw error;
    }
    await queryRunner.query(`ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL`);
  }
  if (checkThere) await queryRunner.query(`ALTER TABLE ${t} DROP CONSTRAINT ${q(check)}`);
}
