import type { QueryRunner, TableForeignKey } from 'typeorm';
import type { ColumnType } from '../../schema/model';
import type { ServerDefault } from '../../schema/server-default';
import { dialectOf } from '../backend';
import { withTableChange } from '../cached-change';
import { column, ColumnDef, tableColumn } from '../column';
import type { IndexDef } from '../create-index';
import { matchingForeignKey, missingForeignKey } from '../foreign-key';
import { freshTable } from '../fresh-table';
import { withOnlineAlters } from '../mysql-algorithm';
import { resumable } from '../resumable';
import type { ForeignKeyDef } from '../table';
import type { UniqueDef } from '../unique';
import type { KitImpl } from './kit-impl';

/**
 * What PostgreSQL and MySQL do alike: TypeORM's ALTER TABLE statements, each sent in the least
 * blocking form the server accepts (mysql-algorithm.ts; a no-op on PostgreSQL), skipped where an
 * interrupted run of the revision already made the change (resumable.ts).
 */
export abstract class ServerKit implements KitImpl {
  /** Sends one ALTER TABLE the kit wrote itself (MySQL: in its least blocking form). */
  protected abstract alter(queryRunner: QueryRunner, statement: string): Promise<void>;

  async addColumn(queryRunner: QueryRunner, tableName: string, def: ColumnDef): Promise<void> {
    const table = await freshTable(queryRunner, tableName);
    // Added by an interrupted run of this revision (see resumable.ts).
    if (resumable(queryRunner) && table.findColumnByName(def.name)) return;
    // MySQL: INSTANT (mysql-algorithm.ts).
    await withOnlineAlters(queryRunner, () => queryRunner.addColumn(table, tableColumn(dialectOf(queryRunner), def)));
  }

  async dropColumn(queryRunner: QueryRunner, tableName: string, columnName: string): Promise<void> {
    const table = await freshTable(queryRunner, tableName);
    // Dropped by an interrupted run of this revision (see resumable.ts).
    if (resumable(queryRunner) && !table.findColumnByName(columnName)) return;
    // MySQL: INSTANT (mysql-algorithm.ts).
    await withOnlineAlters(queryRunner, () => queryRunner.dropColumn(table, columnName));
  }

  renameColumn(queryRunner: QueryRunner, statement: string): Promise<void> {
    return this.alter(queryRunner, statement);
  }

  /**
   * TypeORM's changeColumn, told that the column currently is `existingType` with the opposite
   * nullability: it then sees a nullability change only (alter-column.ts says why).
   */
  async alterColumnNullability(queryRunner: QueryRunner, tableName: string, columnName: string, existingType: ColumnType, nullable: boolean): Promise<void> {
    const dialect = dialectOf(queryRunner);
    const claimedOld = tableColumn(dialect, column(columnName, existingType, { nullable: !nullable }));
    const wanted = tableColumn(dialect, column(columnName, existingType, { nullable }));
    const table = await freshTable(queryRunner, tableName);
    await withOnlineAlters(queryRunner, () => queryRunner.changeColumn(table, claimedOld, wanted));
  }

  /** The stored values are converted, never dropped (TypeORM's changeColumn would drop and re-add the column). */
  async alterColumnType(queryRunner: QueryRunner, tableName: string, columnName: string, types: { from: ColumnType; to: ColumnType; nullable: boolean }): Promise<void> {
    const newColumn = tableColumn(dialectOf(queryRunner), column(columnName, types.to, { nullable: types.nullable }));
    const driver = queryRunner.connection.driver;
    await withTableChange(
      queryRunner,
      tableName,
      async (table) => {
        if (!table.findColumnByName(columnName)) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
        await this.changeType(queryRunner, driver.escape(tableName), driver.escape(columnName), driver.createFullType(newColumn), types.nullable);
      },
      (changed) => {
        const target = changed.findColumnByName(columnName);
        if (target) {
          target.type = newColumn.type;
          target.length = newColumn.length;
        }
      },
    );
  }

  /** The one statement that changes the column's type; `table` and `column` are quoted. */
  protected abstract changeType(queryRunner: QueryRunner, table: string, column: string, fullType: string, nullable: boolean): Promise<void>;

  async alterColumnDefault(queryRunner: QueryRunner, tableName: string, columnName: string, value: ServerDefault | null): Promise<void> {
    const sql = value === null ? undefined : dialectOf(queryRunner).defaultSql(value);
    const q = (name: string) => queryRunner.connection.driver.escape(name);
    await withTableChange(
      queryRunner,
      tableName,
      async (table) => {
        if (!table.findColumnByName(columnName)) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
        await this.alter(queryRunner, `ALTER TABLE ${q(tableName)} ALTER COLUMN ${q(columnName)} ${sql === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${sql}`}`);
      },
      (changed) => {
        const target = changed.findColumnByName(columnName);
        if (target) target.default = sql;
      },
    );
  }

  abstract createIndex(queryRunner: QueryRunner, tableName: string, def: IndexDef): Promise<void>;
  abstract dropIndex(queryRunner: QueryRunner, tableName: string, name: string): Promise<void>;

  async hasIndex(queryRunner: QueryRunner, tableName: string, name: string): Promise<boolean> {
    return (await freshTable(queryRunner, tableName)).indices.some((i) => i.name === name);
  }

  abstract addUnique(queryRunner: QueryRunner, tableName: string, def: UniqueDef): Promise<void>;
  abstract dropUnique(queryRunner: QueryRunner, tableName: string, def: UniqueDef, matches: (u: { name?: string; columnNames: string[] }) => boolean): Promise<void>;
  abstract addForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void>;

  async dropForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
    const fk = (await freshTable(queryRunner, tableName)).foreignKeys.find(matchingForeignKey(def));
    // Dropped by an interrupted run of this revision (see resumable.ts); its index may still be there.
    if (!fk && !resumable(queryRunner)) throw missingForeignKey(tableName, def);
    if (!fk) return;
    // MySQL: DROP FOREIGN KEY is INSTANT (mysql-algorithm.ts); PostgreSQL drops it at once.
    await withOnlineAlters(queryRunner, () =>
      withTableChange(
        queryRunner,
        tableName,
        (t) => queryRunner.dropForeignKey(t, fk.name as string),
        (t) => t.removeForeignKey(t.foreignKeys.find((k) => k.name === fk.name) as TableForeignKey),
      ),
    );
  }
}
