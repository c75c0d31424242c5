import type { MigrationContext } from '../context';
import type { ColumnType } from '../../schema/model';
import { isConstantDefault, ServerDefault } from '../../schema/server-default';
import { addsIndex, dropsIndex, tableIndexOf, withTableChange } from '../cached-change';
import { column, ColumnDef, tableColumn } from '../column';
import type { IndexDef } from '../create-index';
import { foreignKeyOf, matchingForeignKey, missingForeignKey } from '../foreign-key';
import { freshTable } from '../fresh-table';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from '../sqlite-rebuild';
import type { ForeignKeyDef } from '../table';
import { typeorm } from '../typeorm-classes';
import type { UniqueDef } from '../unique';
import type { KitImpl } from './kit-impl';

/**
 * SQLite. ALTER TABLE can add, drop and rename a column, and little else: every other change
 * rebuilds the table (TypeORM copies its rows into a new table, drops the old one and renames the
 * new one), with foreign keys off around it, since dropping a table that other tables' rows
 * reference fails while they are enforced (sqlite-rebuild.ts). The reference cannot make these
 * changes at all (no ALTER COLUMN on SQLite).
 */
class SqliteKit implements KitImpl {
  /**
   * `ALTER TABLE ... ADD COLUMN`, as Alembic emits, unless the column is NOT NULL without a constant
   * default, which SQLite refuses to add in place: then it is the rebuild, in which the existing rows
   * get the default.
   */
  async addColumn(db: MigrationContext, tableName: string, def: ColumnDef): Promise<void> {
    const column = tableColumn(db.dialect, def);
    if (!def.nullable && !isConstantDefault(def.default)) {
      await withSqliteForeignKeysOff(db.runner, tableName, async () =>
        db.runner.addColumn(await sqliteTableForRebuild(db.runner, tableName), column),
      );
      return;
    }
    const driver = db.runner.connection.driver;
    // The runner's table cache learns it, as from its own addColumn (an offline run has no other source).
    await withTableChange(
      db.runner,
      tableName,
      async () => {
        await db.runner.query(`ALTER TABLE ${driver.escape(tableName)} ADD COLUMN ${driver.escape(def.name)} ${driver.createFullType(column)}${columnClauses(column)}`);
      },
      (changed) => changed.addColumn(column),
    );
  }

  async dropColumn(db: MigrationContext, tableName: string, columnName: string): Promise<void> {
    const driver = db.runner.connection.driver;
    await withTableChange(
      db.runner,
      tableName,
      async () => {
        await db.runner.query(`ALTER TABLE ${driver.escape(tableName)} DROP COLUMN ${driver.escape(columnName)}`);
      },
      (changed) => {
        changed.columns = changed.columns.filter((c) => c.name !== columnName);
      },
    );
  }

  async renameColumn(db: MigrationContext, statement: string): Promise<void> {
    await db.runner.query(statement);
  }

  /** The table rebuilt with the column declared as `existing_type` with the new nullability, as on MySQL. */
  async alterColumnNullability(db: MigrationContext, tableName: string, columnName: string, existingType: ColumnType, nullable: boolean): Promise<void> {
    const dialect = db.dialect;
    const claimedOld = tableColumn(dialect, column(columnName, existingType, { nullable: !nullable }));
    const wanted = tableColumn(dialect, column(columnName, existingType, { nullable }));
    await withSqliteForeignKeysOff(db.runner, tableName, async () =>
      db.runner.changeColumn(await sqliteTableForRebuild(db.runner, tableName), claimedOld, wanted),
    );
  }

  /** The table rebuilt with the new declared type, keeping its rows. */
  async alterColumnType(db: MigrationContext, tableName: string, columnName: string, types: { from: ColumnType; to: ColumnType; nullable: boolean }): Promise<void> {
    const newColumn = tableColumn(db.dialect, column(columnName, types.to, { nullable: types.nullable }));
    await withSqliteForeignKeysOff(db.runner, tableName, async () => {
      const table = await sqliteTableForRebuild(db.runner, tableName);
      const existing = table.columns.find((c) => c.name === columnName);
      if (!existing) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
      newColumn.isPrimary = existing.isPrimary;
      await db.runner.changeColumn(table, existing, newColumn);
    });
  }

  /** A default cannot change in place: the table is rebuilt with it, as for any column change. */
  async alterColumnDefault(db: MigrationContext, tableName: string, columnName: string, value: ServerDefault | null): Promise<void> {
    const sql = value === null ? undefined : db.dialect.defaultSql(value);
    await withSqliteForeignKeysOff(db.runner, tableName, async () => {
      const table = await sqliteTableForRebuild(db.runner, tableName);
      const old = table.findColumnByName(columnName);
      if (!old) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
      const changed = old.clone();
      changed.default = sql;
      await db.runner.changeColumn(table, old, changed);
    });
  }

  async createIndex(db: MigrationContext, tableName: string, def: IndexDef): Promise<void> {
    return withTableChange(db.runner, tableName, (table) => db.runner.createIndex(table, tableIndexOf(def)), addsIndex(def));
  }

  async hasIndex(db: MigrationContext, tableName: string, name: string): Promise<boolean> {
    return (await freshTable(db.runner, tableName)).indices.some((i) => i.name === name);
  }

  async dropIndex(db: MigrationContext, tableName: string, name: string): Promise<void> {
    return withTableChange(db.runner, tableName, (table) => db.runner.dropIndex(table, name), dropsIndex(name));
  }

  async addUnique(db: MigrationContext, tableName: string, def: UniqueDef): Promise<void> {
    const unique = new (typeorm().TableUnique)({ name: def.name, columnNames: def.columns });
    await withSqliteForeignKeysOff(db.runner, tableName, async () =>
      db.runner.createUniqueConstraint(await sqliteTableForRebuild(db.runner, tableName), unique),
    );
  }

  async dropUnique(db: MigrationContext, tableName: string, def: UniqueDef, matches: (u: { name?: string; columnNames: string[] }) => boolean): Promise<void> {
    await withSqliteForeignKeysOff(db.runner, tableName, async () => {
      const table = await sqliteTableForRebuild(db.runner, tableName);
      const unique = table.uniques.find(matches);
      if (!unique) throw new Error(`Table "${tableName}" has no unique constraint on (${def.columns.join(', ')})`);
      await db.runner.dropUniqueConstraint(table, unique);
    });
  }

  async addForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void> {
    const { key } = foreignKeyOf(tableName, def);
    const name = db.dialect.foreignKeyName(tableName, def.columns, 1);
    await withSqliteForeignKeysOff(db.runner, tableName, async () => db.runner.createForeignKey(await sqliteTableForRebuild(db.runner, tableName), key(name)));
  }

  async dropForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void> {
    await withSqliteForeignKeysOff(db.runner, tableName, async () => {
      const table = await sqliteTableForRebuild(db.runner, tableName);
      const fk = table.foreignKeys.find(matchingForeignKey(def));
      if (!fk) throw missingForeignKey(tableName, def);
      await db.runner.dropForeignKey(table, fk);
    });
  }
}

/**
 * What follows the type in SQLite's ADD COLUMN: NOT NULL (only with a constant default), DEFAULT in
 * parentheses as TypeORM writes it when it rebuilds the table, so that a later rebuild (another
 * column's change, or a downgrade) gives the table back in the same words.
 */
function columnClauses(column: { isNullable: boolean; default?: unknown }): string {
  return `${column.isNullable ? '' : ' NOT NULL'}${column.default === undefined ? '' : ` DEFAULT (${String(column.default)})`}`;
}

export const sqliteKit = new SqliteKit();
