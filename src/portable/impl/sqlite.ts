import type { QueryRunner, Table } from 'typeorm';
import type { ColumnType } from '../../schema/model';
import { isConstantDefault, ServerDefault } from '../../schema/server-default';
import { dialectOf } from '../backend';
import { withTableChange } from '../cached-change';
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
  async addColumn(queryRunner: QueryRunner, tableName: string, def: ColumnDef): Promise<void> {
    const column = tableColumn(dialectOf(queryRunner), def);
    if (!def.nullable && !isConstantDefault(def.default)) {
      await withSqliteForeignKeysOff(queryRunner, tableName, async () =>
        queryRunner.addColumn(await sqliteTableForRebuild(queryRunner, tableName), column),
      );
      return;
    }
    const driver = queryRunner.connection.driver;
    // The runner's table cache learns it, as from its own addColumn (an offline run has no other source).
    await withTableChange(
      queryRunner,
      tableName,
      async () => {
        await queryRunner.query(`ALTER TABLE ${driver.escape(tableName)} ADD COLUMN ${driver.escape(def.name)} ${driver.createFullType(column)}${columnClauses(column)}`);
      },
      (changed) => changed.addColumn(column),
    );
  }

  async dropColumn(queryRunner: QueryRunner, tableName: string, columnName: string): Promise<void> {
    const driver = queryRunner.connection.driver;
    await withTableChange(
      queryRunner,
      tableName,
      async () => {
        await queryRunner.query(`ALTER TABLE ${driver.escape(tableName)} DROP COLUMN ${driver.escape(columnName)}`);
      },
      (changed) => {
        changed.columns = changed.columns.filter((c) => c.name !== columnName);
      },
    );
  }

  async renameColumn(queryRunner: QueryRunner, statement: string): Promise<void> {
    await queryRunner.query(statement);
  }

  /** The table rebuilt with the column declared as `existing_type` with the new nullability, as on MySQL. */
  async alterColumnNullability(queryRunner: QueryRunner, tableName: string, columnName: string, existingType: ColumnType, nullable: boolean): Promise<void> {
    const dialect = dialectOf(queryRunner);
    const claimedOld = tableColumn(dialect, column(columnName, existingType, { nullable: !nullable }));
    const wanted = tableColumn(dialect, column(columnName, existingType, { nullable }));
    await withSqliteForeignKeysOff(queryRunner, tableName, async () =>
      queryRunner.changeColumn(await sqliteTableForRebuild(queryRunner, tableName), claimedOld, wanted),
    );
  }

  /** The table rebuilt with the new declared type, keeping its rows. */
  async alterColumnType(queryRunner: QueryRunner, tableName: string, columnName: string, types: { from: ColumnType; to: ColumnType; nullable: boolean }): Promise<void> {
    const newColumn = tableColumn(dialectOf(queryRunner), column(columnName, types.to, { nullable: types.nullable }));
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
      const table = await sqliteTableForRebuild(queryRunner, tableName);
      const existing = table.columns.find((c) => c.name === columnName);
      if (!existing) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
      newColumn.isPrimary = existing.isPrimary;
      await queryRunner.changeColumn(table, existing, newColumn);
    });
  }

  /** A default cannot change in place: the table is rebuilt with it, as for any column change. */
  async alterColumnDefault(queryRunner: QueryRunner, tableName: string, columnName: string, value: ServerDefault | null): Promise<void> {
    const sql = value === null ? undefined : dialectOf(queryRunner).defaultSql(value);
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
      const table = await sqliteTableForRebuild(queryRunner, tableName);
      const old = table.findColumnByName(columnName);
      if (!old) throw new Error(`Table "${tableName}" has no column "${columnName}"`);
      const changed = old.clone();
      changed.default = sql;
      await queryRunner.changeColumn(table, old, changed);
    });
  }

  async createIndex(queryRunner: QueryRunner, tableName: string, def: IndexDef): Promise<void> {
    const index = () => new (typeorm().TableIndex)({ name: def.name, columnNames: def.columns, isUnique: def.unique === true });
    return withTableChange(
      queryRunner,
      tableName,
      (table) => queryRunner.createIndex(table, index()),
      (table: Table) => {
        if (!table.indices.some((i) => i.name === def.name)) table.addIndex(index());
      },
    );
  }

  async hasIndex(queryRunner: QueryRunner, tableName: string, name: string): Promise<boolean> {
    return (await freshTable(queryRunner, tableName)).indices.some((i) => i.name === name);
  }

  async dropIndex(queryRunner: QueryRunner, tableName: string, name: string): Promise<void> {
    return withTableChange(
      queryRunner,
      tableName,
      (table) => queryRunner.dropIndex(table, name),
      (table: Table) => {
        const found = table.indices.find((i) => i.name === name);
        if (found) table.removeIndex(found);
      },
    );
  }

  async addUnique(queryRunner: QueryRunner, tableName: string, def: UniqueDef): Promise<void> {
    const unique = new (typeorm().TableUnique)({ name: def.name, columnNames: def.columns });
    await withSqliteForeignKeysOff(queryRunner, tableName, async () =>
      queryRunner.createUniqueConstraint(await sqliteTableForRebuild(queryRunner, tableName), unique),
    );
  }

  async dropUnique(queryRunner: QueryRunner, tableName: string, def: UniqueDef, matches: (u: { name?: string; columnNames: string[] }) => boolean): Promise<void> {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
      const table = await sqliteTableForRebuild(queryRunner, tableName);
      const unique = table.uniques.find(matches);
      if (!unique) throw new Error(`Table "${tableName}" has no unique constraint on (${def.columns.join(', ')})`);
      await queryRunner.dropUniqueConstraint(table, unique);
    });
  }

  async addForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
    const { key } = foreignKeyOf(tableName, def);
    const name = dialectOf(queryRunner).foreignKeyName(tableName, def.columns, 1);
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => queryRunner.createForeignKey(await sqliteTableForRebuild(queryRunner, tableName), key(name)));
  }

  async dropForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
      const table = await sqliteTableForRebuild(queryRunner, tableName);
      const fk = table.foreignKeys.find(matchingForeignKey(def));
      if (!fk) throw missingForeignKey(tableName, def);
      await queryRunner.dropForeignKey(table, fk);
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
