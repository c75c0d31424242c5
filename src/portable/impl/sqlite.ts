import type {
  AddColumn, AddForeignKey, AddIndex, AddTable, AddUnique, AlterColumnDefault, AlterColumnNullability, AlterColumnType, DropColumn, DropForeignKey,
  DropUnique,
} from '../../operations';
import type { MigrationContext } from '../context';
import { isConstantDefault } from '../../schema/server-default';
import { addsIndex, dropsIndex, tableIndexOf, withTableChange } from '../cached-change';
import { column, tableColumn } from '../column';
import { matchingForeignKey, missingForeignKey, typeormForeignKey } from '../foreign-key';
import { resumable } from '../resumable';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from '../sqlite-rebuild';
import { table } from '../table';
import { typeorm } from '../typeorm-classes';
import { KitImpl, UniqueMatch } from './kit-impl';

/**
 * SQLite. ALTER TABLE can add, drop and rename a column, and little else: every other change
 * rebuilds the table (TypeORM copies its rows into a new table, drops the old one and renames the
 * new one), with foreign keys off around it, since dropping a table that other tables' rows
 * reference fails while they are enforced (sqlite-rebuild.ts). The reference cannot make these
 * changes at all (no ALTER COLUMN on SQLite).
 */
class SqliteKit extends KitImpl {
  /**
   * TypeORM's CREATE TABLE, not the dialect's: SQLite keeps each table's text as written, and every
   * later change but an added column is TypeORM's rebuild, which writes the table in TypeORM's words
   * under a quoted name. Written so from the start, a table reads the same after a change and its
   * undoing (a downgrade gives back the text, not only the structure).
   */
  async addTable(db: MigrationContext, op: AddTable): Promise<void> {
    await db.runner.createTable(table(db.dialect, op.definition), resumable(db));
  }

  /**
   * `ALTER TABLE ... ADD COLUMN`, as Alembic emits, unless the column is NOT NULL without a constant
   * default, which SQLite refuses to add in place: then it is the rebuild, in which the existing rows
   * get the default.
   */
  async addColumn(db: MigrationContext, op: AddColumn): Promise<void> {
    const def = op.column;
    const column = tableColumn(db.dialect, def);
    if (!def.nullable && !isConstantDefault(def.default)) {
      await withSqliteForeignKeysOff(db.runner, op.table, async () =>
        db.runner.addColumn(await sqliteTableForRebuild(db.runner, op.table), column),
      );
      return;
    }
    const driver = db.runner.connection.driver;
    // The runner's table cache learns it, as from its own addColumn (an offline run has no other source).
    await withTableChange(
      db.runner,
      op.table,
      async () => {
        await db.runner.query(`ALTER TABLE ${driver.escape(op.table)} ADD COLUMN ${driver.escape(def.name)} ${driver.createFullType(column)}${columnClauses(column)}`);
      },
      (changed) => changed.addColumn(column),
    );
  }

  async dropColumn(db: MigrationContext, op: DropColumn): Promise<void> {
    const driver = db.runner.connection.driver;
    await withTableChange(
      db.runner,
      op.table,
      async () => {
        await db.runner.query(`ALTER TABLE ${driver.escape(op.table)} DROP COLUMN ${driver.escape(op.name)}`);
      },
      (changed) => {
        changed.columns = changed.columns.filter((c) => c.name !== op.name);
      },
    );
  }

  protected async sendRename(db: MigrationContext, statement: string): Promise<void> {
    await db.runner.query(statement);
  }

  /** The table rebuilt with the column declared as `existing_type` with the new nullability, as on MySQL. */
  async alterColumnNullability(db: MigrationContext, op: AlterColumnNullability): Promise<void> {
    const dialect = db.dialect;
    const claimedOld = tableColumn(dialect, column(op.column, op.type, { nullable: !op.nullable }));
    const wanted = tableColumn(dialect, column(op.column, op.type, { nullable: op.nullable }));
    await withSqliteForeignKeysOff(db.runner, op.table, async () =>
      db.runner.changeColumn(await sqliteTableForRebuild(db.runner, op.table), claimedOld, wanted),
    );
  }

  /** The table rebuilt with the new declared type, keeping its rows. */
  async alterColumnType(db: MigrationContext, op: AlterColumnType): Promise<void> {
    const newColumn = tableColumn(db.dialect, column(op.column, op.to, { nullable: op.nullable }));
    await withSqliteForeignKeysOff(db.runner, op.table, async () => {
      const table = await sqliteTableForRebuild(db.runner, op.table);
      const existing = table.columns.find((c) => c.name === op.column);
      if (!existing) throw new Error(`Table "${op.table}" has no column "${op.column}"`);
      newColumn.isPrimary = existing.isPrimary;
      await db.runner.changeColumn(table, existing, newColumn);
    });
  }

  /** A default cannot change in place: the table is rebuilt with it, as for any column change. */
  async alterColumnDefault(db: MigrationContext, op: AlterColumnDefault): Promise<void> {
    const sql = op.to === undefined ? undefined : db.dialect.defaultSql(op.to);
    await withSqliteForeignKeysOff(db.runner, op.table, async () => {
      const table = await sqliteTableForRebuild(db.runner, op.table);
      const old = table.findColumnByName(op.column);
      if (!old) throw new Error(`Table "${op.table}" has no column "${op.column}"`);
      const changed = old.clone();
      changed.default = sql;
      await db.runner.changeColumn(table, old, changed);
    });
  }

  async createIndex(db: MigrationContext, op: AddIndex): Promise<void> {
    return withTableChange(db.runner, op.table, (table) => db.runner.createIndex(table, tableIndexOf(op.index)), addsIndex(op.index));
  }

  protected async removeIndex(db: MigrationContext, tableName: string, name: string): Promise<void> {
    return withTableChange(db.runner, tableName, (table) => db.runner.dropIndex(table, name), dropsIndex(name));
  }

  async addUnique(db: MigrationContext, op: AddUnique): Promise<void> {
    const unique = new (typeorm().TableUnique)({ name: op.unique.name, columnNames: op.unique.columns });
    await withSqliteForeignKeysOff(db.runner, op.table, async () =>
      db.runner.createUniqueConstraint(await sqliteTableForRebuild(db.runner, op.table), unique),
    );
  }

  protected async removeUnique(db: MigrationContext, op: DropUnique, matches: UniqueMatch): Promise<void> {
    await withSqliteForeignKeysOff(db.runner, op.table, async () => {
      const table = await sqliteTableForRebuild(db.runner, op.table);
      const unique = table.uniques.find(matches);
      if (!unique) throw new Error(`Table "${op.table}" has no unique constraint on (${op.unique.columns.join(', ')})`);
      await db.runner.dropUniqueConstraint(table, unique);
    });
  }

  async addForeignKey(db: MigrationContext, op: AddForeignKey): Promise<void> {
    const { key } = typeormForeignKey(op.foreignKey);
    const name = db.dialect.foreignKeyName(op.table, op.foreignKey.columns, 1);
    await withSqliteForeignKeysOff(db.runner, op.table, async () => db.runner.createForeignKey(await sqliteTableForRebuild(db.runner, op.table), key(name)));
  }

  async dropForeignKey(db: MigrationContext, op: DropForeignKey): Promise<void> {
    await withSqliteForeignKeysOff(db.runner, op.table, async () => {
      const table = await sqliteTableForRebuild(db.runner, op.table);
      const fk = table.foreignKeys.find(matchingForeignKey(op.foreignKey));
      if (!fk) throw missingForeignKey(op);
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
