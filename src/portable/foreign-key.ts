import type { Table, TableForeignKey } from 'typeorm';
import type { MigrationContext } from './context';
import { typeorm } from './typeorm-classes';
import { kitImplOf } from './impl/kit-impl';
import type { KeyColumns } from './orphans';
import type { ForeignKeyDef } from './table';

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
  await kitImplOf(db).addForeignKey(db, tableName, def);
}

export function referencesSql(db: MigrationContext, key: KeyColumns): string {
  const q = (n: string) => db.runner.connection.driver.escape(n);
  return `FOREIGN KEY (${key.columns.map(q).join(', ')}) REFERENCES ${q(key.target.table)} (${key.target.columns.map(q).join(', ')})`;
}

/** A key on the same columns to the same target (TypeORM reads key columns back in no particular order). */
export function matchingForeignKey(def: ForeignKeyDef): (fk: TableForeignKey) => boolean {
  const target = targetOf(def);
  const pairs = (columns: string[], referenced: string[]) => columns.map((c, i) => `${c}>${referenced[i]}`).sort().join(',');
  const wanted = pairs(def.columns, target.columns);
  return (fk) => fk.referencedTableName.split('.').pop() === target.table && pairs(fk.columnNames, fk.referencedColumnNames) === wanted;
}

/**
 * `op.drop_constraint(name, table, type_='foreignkey')`, the key found by its columns and target
 * since its name depends on the backend. On MySQL the index MySQL made for the key (named after its
 * first column) goes with it, as addForeignKey made it.
 */
export async function dropForeignKey(db: MigrationContext, tableName: string, def: ForeignKeyDef): Promise<void> {
  await kitImplOf(db).dropForeignKey(db, tableName, def);
}

function targetOf(def: ForeignKeyDef): { table: string; columns: string[] } {
  const parts = def.references.map((ref) => {
    const dot = ref.lastIndexOf('.');
    if (dot <= 0) throw new Error(`Foreign key target "${ref}" is not of the form table.column`);
    return { table: ref.slice(0, dot), column: ref.slice(dot + 1) };
  });
  return { table: parts[0].table, columns: parts.map((p) => p.column) };
}

/** The error for a foreign key the revision names that the table does not have. */
export function missingForeignKey(tableName: string, def: ForeignKeyDef): Error {
  return new Error(`Table "${tableName}" has no foreign key (${def.columns.join(', ')}) -> ${def.references.join(', ')}`);
}

/**
 * The key as TypeORM describes it under a name, with what the runner's table cache must learn, and
 * its columns for the orphan counts.
 */
export function foreignKeyOf(tableName: string, def: ForeignKeyDef) {
  const target = targetOf(def);
  const key = (name: string) =>
    new (typeorm().TableForeignKey)({ name, columnNames: def.columns, referencedTableName: target.table, referencedColumnNames: target.columns });
  const cache = (name: string) => (t: Table) => {
    if (!t.foreignKeys.some((k) => k.name === name)) t.addForeignKey(key(name));
  };
  const columns: KeyColumns = { table: tableName, columns: def.columns, target };
  return { columns, key, cache };
}
