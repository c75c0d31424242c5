import type { TableForeignKey } from 'typeorm';
import type { AddColumn, AlterColumnDefault, AlterColumnNullability, AlterColumnType, DropColumn, DropForeignKey } from '../../operations';
import type { MigrationContext } from '../context';
import { withTableChange } from '../cached-change';
import { column, tableColumn } from '../column';
import { matchingForeignKey, missingForeignKey } from '../foreign-key';
import { freshTable } from '../fresh-table';
import { withOnlineAlters } from '../mysql-algorithm';
import { resumable } from '../resumable';
import { KitImpl } from './kit-impl';

/**
 * What PostgreSQL and MySQL do alike: TypeORM's ALTER TABLE statements, each sent in the least
 * blocking form the server accepts (mysql-algorithm.ts; a no-op on PostgreSQL), skipped where an
 * interrupted run of the revision already made the change (resumable.ts).
 */
export abstract class ServerKit extends KitImpl {
  /** Sends one ALTER TABLE the kit wrote itself (MySQL: in its least blocking form). */
  protected abstract alter(db: MigrationContext, statement: string): Promise<void>;

  protected sendRename(db: MigrationContext, statement: string): Promise<void> {
    return this.alter(db, statement);
  }

  async addColumn(db: MigrationContext, op: AddColumn): Promise<void> {
    const table = await freshTable(db.runner, op.table);
    // Added by an interrupted run of this revision (see resumable.ts).
    if (resumable(db) && table.findColumnByName(op.column.name)) return;
    // MySQL: INSTANT (mysql-algorithm.ts).
    await withOnlineAlters(db, () => db.runner.addColumn(table, tableColumn(db.dialect, op.column)));
  }

  async dropColumn(db: MigrationContext, op: DropColumn): Promise<void> {
    const table = await freshTable(db.runner, op.table);
    // Dropped by an interrupted run of this revision (see resumable.ts).
    if (resumable(db) && !table.findColumnByName(op.name)) return;
    // MySQL: INSTANT (mysql-algorithm.ts).
    await withOnlineAlters(db, () => db.runner.dropColumn(table, op.name));
  }

  /**
   * TypeORM's changeColumn, told that the column currently is `existingType` with the opposite
   * nullability: it then sees a nullability change only (alter-column.ts says why).
   */
  async alterColumnNullability(db: MigrationContext, op: AlterColumnNullability): Promise<void> {
    const dialect = db.dialect;
    const claimedOld = tableColumn(dialect, column(op.column, op.type, { nullable: !op.nullable }));
    const wanted = tableColumn(dialect, column(op.column, op.type, { nullable: op.nullable }));
    const table = await freshTable(db.runner, op.table);
    await withOnlineAlters(db, () => db.runner.changeColumn(table, claimedOld, wanted));
  }

  /** The stored values are converted, never dropped (TypeORM's changeColumn would drop and re-add the column). */
  async alterColumnType(db: MigrationContext, op: AlterColumnType): Promise<void> {
    const newColumn = tableColumn(db.dialect, column(op.column, op.to, { nullable: op.nullable }));
    const driver = db.runner.connection.driver;
    await withTableChange(
      db.runner,
      op.table,
      async (table) => {
        if (!table.findColumnByName(op.column)) throw new Error(`Table "${op.table}" has no column "${op.column}"`);
        await this.changeType(db, driver.escape(op.table), driver.escape(op.column), driver.createFullType(newColumn), op.nullable);
      },
      (changed) => {
        const target = changed.findColumnByName(op.column);
        if (target) {
          target.type = newColumn.type;
          target.length = newColumn.length;
        }
      },
    );
  }

  /** The one statement that changes the column's type; `table` and `column` are quoted. */
  protected abstract changeType(db: MigrationContext, table: string, column: string, fullType: string, nullable: boolean): Promise<void>;

  async alterColumnDefault(db: MigrationContext, op: AlterColumnDefault): Promise<void> {
    const sql = op.to === undefined ? undefined : db.dialect.defaultSql(op.to);
    const q = (name: string) => db.runner.connection.driver.escape(name);
    await withTableChange(
      db.runner,
      op.table,
      async (table) => {
        if (!table.findColumnByName(op.column)) throw new Error(`Table "${op.table}" has no column "${op.column}"`);
        await this.alter(db, `ALTER TABLE ${q(op.table)} ALTER COLUMN ${q(op.column)} ${sql === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${sql}`}`);
      },
      (changed) => {
        const target = changed.findColumnByName(op.column);
        if (target) target.default = sql;
      },
    );
  }

  async dropForeignKey(db: MigrationContext, op: DropForeignKey): Promise<void> {
    const fk = (await freshTable(db.runner, op.table)).foreignKeys.find(matchingForeignKey(op.foreignKey));
    // Dropped by an interrupted run of this revision (see resumable.ts); its index may still be there.
    if (!fk && !resumable(db)) throw missingForeignKey(op);
    if (!fk) return;
    // MySQL: DROP FOREIGN KEY is INSTANT (mysql-algorithm.ts); PostgreSQL drops it at once.
    await withOnlineAlters(db, () =>
      withTableChange(
        db.runner,
        op.table,
        (t) => db.runner.dropForeignKey(t, fk.name as string),
        (t) => t.removeForeignKey(t.foreignKeys.find((k) => k.name === fk.name) as TableForeignKey),
      ),
    );
  }
}
