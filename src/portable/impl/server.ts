import type { TableForeignKey } from 'typeorm';
import type { MigrationContext } from '../context';
import type { ColumnType } from '../../schema/model';
import type { ServerDefault } from '../../schema/server-default';
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
  protected abstract alter(db: MigrationContext, statement: string): Promise<void>;

  async addColumn(db: MigrationContext, tableName: string, def: ColumnDef): Promise<void> {
    const table = await freshTable(db.runner, tableName);
    // Added by an interrupted run of this revision (see resumable.ts).
    if (resumable(db) && table.findColumnByName(def.name)) return;
    // MySQL: INSTANT (mysql-algorithm.ts).
    await withOnlineAlters(db, () => db.runner.addColumn(table, tableColumn(db.dialect, def)));
  }

  async dropColumn(db: MigrationContext, tableName: string, columnName: string): Promise<void> {
    const table = await freshTable(db.runner, tableName);
    // Dropped by an interrupted run of this revision (see resumable.ts).
    if (resumable(db) && !table.findColumnByName(columnName)) return;
    // MySQL: INSTANT (mysql-algorithm.ts).
    await withOnlineAlters(db, () => db.runner.dropColumn(table, columnName));
  }

  renameColumn(db: MigrationContext, statement: string): Promise<void> {
    return this.alter(db, statement);
  }

  /**
   * TypeORM's changeColumn, told that the column currently is `existingType` with the opposite
   * nullability: it then sees a nullability change only (alter-column.ts says why).
   */
  async alterColumnNullability(db: MigrationContext, tableName: string, columnName: string, existingType: ColumnType, nullable: boolean): Promise<void> {
    const dialect = db.dialect;
    const claimedOld = tableColumn(dialect, column(columnName, existingType, { nullable: !nullable }));
    const wanted = tableColumn(dialect, column(columnName, existingType, { nullable }));
    const table = await freshTable(db.runner, tableName);
    await withOnlineAlters(db, () => db.runner.changeColumn(table, claimedOld, wanted));
  }

  /** The stored values are converted, never dropped (TypeORM's changeColumn would drop and re-add the column). */
  async alterColumnType(db: MigrationContext, tableName: string, columnName: string, types: { from: ColumnType; to: ColumnType; nullable: boolean }): Promise<void> {
    const newColumn = tableColumn(db.dialect, column(columnName, types.to, { nullable: types.nullable }));
    const driver = db.runner.connection.driver;
    await withTableChange(
      db.runner,
      tableName,
      async (table) => {
        if (!table.findColumnByName(columnName)) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
        await this.changeType(db, driver.escape(tableName), driver.escape(columnName), driver.createFullType(newColumn), types.nullable);
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
  protected abstract changeType(db: MigrationContext, table: string, column: string, fullType: string, nullable: boolean): Promise<void>;

  async alterColumnDefault(db: MigrationContext, tableName: string, columnName: string, value: ServerDefault | null): Promise<void> {
    const sql = value === null ? undefined : db.dialect.defaultSql(value);
    const q = (name: string) => db.runner.connection.driver.escape(name);
    await withTableChange(
      db.runner,
      tableName,
      async (table) => {
        if (!table.findColumnByName(columnName)) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
        await this.alter(db, `ALTER TABLE ${q(tableName)} ALTER COLUMN ${q(columnName)} ${sql === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${sql}`}`);
      },
      (changed) => {
        const target = changed.findColumnByName(columnName);
        if (target) target.default = sql;
      },
    );
  }

  abstract createIndex(db: MigrationContext, tableName: string, def: IndexDef): Promise<void>;
  abstract dropIndex(db: MigrationContext, tableName: string, name: string): Promise<void>;

  async hasIndex(db: MigrationContext, tableName: string, name: string): Promise<boolean> {
    return (await freshTable(db.runner, tableName)).indices.some((i) => i.name === name);
  }

  abstract addUnique(db: MigrationContext, tableName: string, def: UniqueDef): Promise<void>;
  abstract dropUnique(db: MigrationContext, tableName: string, def: UniqueDef, matches: (u: { name?: string; columnNames: string[] }) => boolean): Promise<void>;
  abstract addForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void>;

  async dropForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void> {
    const fk = (await freshTable(db.runner, tableName)).foreignKeys.find(matchingForeignKey(def));
    // Dropped by an interrupted run of this revision (see resumable.ts); its index may still be there.
    if (!fk && !resumable(db)) throw missingForeignKey(tableName, def);
    if (!fk) return;
    // MySQL: DROP FOREIGN KEY is INSTANT (mysql-algorithm.ts); PostgreSQL drops it at once.
    await withOnlineAlters(db, () =>
      withTableChange(
        db.runner,
        tableName,
        (t) => db.runner.dropForeignKey(t, fk.name as string),
        (t) => t.removeForeignKey(t.foreignKeys.find((k) => k.name === fk.name) as TableForeignKey),
      ),
    );
  }
}
