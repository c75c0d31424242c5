import { alterColumnNullability } from './alter-column';
import type { MigrationContext } from './context';
import { batchedUpdate } from './batched-update';
import type { ColumnDef } from './column';
import { freshTable } from './fresh-table';
import { apply } from './apply';
import { AddColumn } from '../operations';
import type { ServerDefault } from '../schema/server-default';

export interface AddColumnOptions {
  /**
   * The value the rows already in the table get, for a NOT NULL column without a server default
   * (which nothing else would fill): the column is added nullable, filled in batches, then made NOT
   * NULL in the online form (alter-column.ts), so no step holds a lock for the whole table's time.
   */
  fill?: ServerDefault;
}

/**
 * `op.add_column(table, column)`: the column goes at the end of the table, as on the reference.
 *
 * PostgreSQL and MySQL get TypeORM's `ALTER TABLE ... ADD`: with a constant default, a catalog
 * change on both (PostgreSQL 11+ keeps the default for the existing rows instead of writing them;
 * MySQL adds it INSTANT). On SQLite TypeORM would rebuild the whole table (copy every row, drop the
 * old table, rename the new one); SQLite adds a column in place with `ALTER TABLE ... ADD COLUMN`,
 * which is also what Alembic emits, unless the column is NOT NULL without a constant default, which
 * SQLite refuses to add in place: then it is the rebuild, in which the existing rows get the default.
 * The rebuild is not only slower: dropping a table that other tables' rows reference fails while
 * foreign keys are enforced (sqlite-rebuild.ts).
 */
export async function addColumn(db: MigrationContext, tableName: string, def: ColumnDef, options: AddColumnOptions = {}): Promise<void> {
  if (options.fill !== undefined) {
    await addColumn(db, tableName, { ...def, nullable: true });
    await fillColumn(db, tableName, def.name, options.fill);
    if (!def.nullable) await alterColumnNullability(db, tableName, def.name, def.type, false);
    return;
  }
  await apply(db, new AddColumn(tableName, def));
}

/**
 * Gives `value` to the rows whose column is NULL, by ranges of the integer primary key
 * (batched-update.ts: each range commits on its own, a rerun skips the rows already filled), or in
 * one statement where there is no such key.
 */
async function fillColumn(db: MigrationContext, tableName: string, columnName: string, value: ServerDefault): Promise<void> {
  const dialect = db.dialect;
  const q = (name: string) => db.runner.connection.driver.escape(name);
  const table = await freshTable(db.runner, tableName);
  const keys = table.primaryColumns;
  const set = `${q(columnName)} = ${dialect.defaultSql(value)}`;
  const where = `${q(columnName)} IS NULL`;
  if (keys.length !== 1 || !/int/i.test(keys[0].type)) {
    await db.runner.query(`UPDATE ${q(tableName)} SET ${set} WHERE ${where}`);
    return;
  }
  await batchedUpdate(db, { table: q(tableName), set, where, key: q(keys[0].name), what: `filling ${tableName}.${columnName}` });
}
