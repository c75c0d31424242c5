import type { Table, TableForeignKey } from 'typeorm';
import { AddForeignKey, DropForeignKey } from '../operations';
import type { ForeignKeyModel } from '../schema/model';
import { apply } from './apply';
import type { MigrationContext } from './context';
import { typeorm } from './typeorm-classes';
import { ForeignKeyDef, foreignKeyModel } from './table';

/**
 * `op.create_foreign_key(None, table, referred, columns, referred_columns)`: an unnamed key, under
 * the name the server would give it (see names.ts), so later revisions can find it:
 * - PostgreSQL `<table>_<column>_fkey`. A plain ADD FOREIGN KEY checks every row while it holds
 *   SHARE ROW EXCLUSIVE on both tables, blocking writes to either; outside the revision's
 *   transaction it is added `NOT VALID` (new rows checked from then on, a moment's lock) and checked
 *   by `VALIDATE CONSTRAINT` in a transaction of its own, which lets writes go on. Inside a
 *   transaction the runtime lent no way out of, the plain ADD FOREIGN KEY.
 * - MySQL `<table>_ibfk_<n>`, n one above the highest the table has, with its index named after the
 *   first column created first when no index starts with the key's columns (what MySQL does for an
 *   unnamed key). MariaDB adds a key without blocking writes only with foreign_key_checks = 0, and
 *   then does not look at the rows at all: so the kit counts the rows the key would reject itself
 *   first (and fails in one line if there are any), adds the key that way, and counts again for rows
 *   written meanwhile. Offline, the plain statement, which the server checks.
 * - SQLite cannot add a constraint: the table is rebuilt with it.
 * A key already added by an interrupted run of this revision is not added twice (resumable.ts).
 */
export async function addForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void> {
  await apply(db, new AddForeignKey(tableName, foreignKeyModel(def)));
}

/** `FOREIGN KEY (...) REFERENCES target (...)` for `op`'s key. */
export function referencesSql(db: MigrationContext, op: AddForeignKey): string {
  const q = (n: string) => db.runner.connection.driver.escape(n);
  const fk = op.foreignKey;
  return `FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${q(fk.referencedTable)} (${fk.referencedColumns.map(q).join(', ')})`;
}

/** A key on the same columns to the same target (TypeORM reads key columns back in no particular order). */
export function matchingForeignKey(model: ForeignKeyModel): (fk: TableForeignKey) => boolean {
  const pairs = (columns: string[], referenced: string[]) => columns.map((c, i) => `${c}>${referenced[i]}`).sort().join(',');
  const wanted = pairs(model.columns, model.referencedColumns);
  return (fk) => fk.referencedTableName.split('.').pop() === model.referencedTable && pairs(fk.columnNames, fk.referencedColumnNames) === wanted;
}

/**
 * `op.drop_constraint(name, table, type_='foreignkey')`, the key found by its columns and target
 * since its name depends on the backend. On MySQL the index MySQL made for the key (named after its
 * first column) goes with it, as addForeignKey made it.
 */
export async function dropForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void> {
  await apply(db, new DropForeignKey(tableName, foreignKeyModel(def)));
}

/** The error for a foreign key the revision names that the table does not have. */
export function missingForeignKey(op: DropForeignKey): Error {
  const fk = op.foreignKey;
  return new Error(`Table "${op.table}" has no foreign key (${fk.columns.join(', ')}) -> ${fk.referencedColumns.map((c) => `${fk.referencedTable}.${c}`).join(', ')}`);
}

/** The key as TypeORM describes it under `name`, and what the runner's table cache must learn when it is added. */
export function typeormForeignKey(model: ForeignKeyModel) {
  const key = (name: string) =>
    new (typeorm().TableForeignKey)({ name, columnNames: model.columns, referencedTableName: model.referencedTable, referencedColumnNames: model.referencedColumns });
  const cache = (name: string) => (t: Table) => {
    if (!t.foreignKeys.some((k) => k.name === name)) t.addForeignKey(key(name));
  };
  return { key, cache };
}
