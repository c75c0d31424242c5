import type { Backend } from '../dialect/backend';
import {
  AddColumn, AddForeignKey, AddIndex, AddTable, AddUnique, AlterColumnDefault, AlterColumnNullability, AlterColumnType, DropColumn,
  DropForeignKey, DropIndex, DropTable, DropUnique, SchemaOperation,
} from '../operations';
import { ForeignKeyModel, IndexModel, KeyModel, SchemaModel, TableModel } from '../schema/model';
import { applyRenames, ColumnRename } from './renames';
import { sameStoredType } from './stored-type';
import { sameDefault } from '../schema/column-default';

/**
 * The operations that take the `live` schema to the `wanted` one (the entities'), in an order that
 * can run: keys that are going away are dropped before the columns and tables they use, new columns
 * and tables exist before keys are put on them. Reversing the list (each operation reversed) is then
 * an order that runs too.
 *
 * Detected: tables, columns, stored types, nullability, server defaults (by meaning, see
 * column-default.ts), unique constraints and indexes (by name and columns), foreign keys (by columns
 * and target). Not guessed: renames (a rename shows as a drop and an add unless it is among
 * `renames`, see renames.ts), autoincrement and primary keys.
 */
export function compareSchemas(backend: Backend, wanted: SchemaModel, current: SchemaModel, renames: ColumnRename[] = []): SchemaOperation[] {
  // The renames run first: every later operation, and every key it names, uses the new names.
  const { live, operations: renameColumns } = applyRenames(wanted, current, renames);
  const liveByName = new Map(live.tables.map((t) => [t.name, t]));
  const wantedNames = new Set(wanted.tables.map((t) => t.name));
  const pairs = wanted.tables.flatMap((w) => {
    const l = liveByName.get(w.name);
    return l ? [{ wanted: w, live: l }] : [];
  });

  const addTables = wanted.tables.filter((t) => !liveByName.has(t.name)).map((t) => new AddTable(t));
  // Referencing tables first (the reverse of dependency order): a table is never dropped while another
  // table still points at it (keys from kept tables are dropped earlier, with the other keys).
  const dropTables = live.tables.filter((t) => !wantedNames.has(t.name)).reverse().map((t) => new DropTable(t.name, t));

  const dropForeignKeys: SchemaOperation[] = [];
  const dropKeys: SchemaOperation[] = [];
  const addColumns: SchemaOperation[] = [];
  const alterColumns: SchemaOperation[] = [];
  const dropColumns: SchemaOperation[] = [];
  const addKeys: SchemaOperation[] = [];
  const addForeignKeys: SchemaOperation[] = [];

  for (const { wanted: w, live: l } of pairs) {
    const liveColumns = new Map(l.columns.map((c) => [c.name, c]));
    const wantedColumns = new Set(w.columns.map((c) => c.name));
    for (const column of w.columns) {
      const existing = liveColumns.get(column.name);
      if (!existing) {
        addColumns.push(new AddColumn(w.name, column));
        continue;
      }
      if (!sameStoredType(backend, existing.type, column.type)) {
        alterColumns.push(new AlterColumnType(w.name, column.name, existing.type, column.type, existing.nullable));
      }
      if (existing.nullable !== column.nullable) {
        alterColumns.push(new AlterColumnNullability(w.name, column.name, column.type, column.nullable));
      }
      if (!column.autoincrement && !sameDefault(column.type, existing.default, column.default)) {
        alterColumns.push(new AlterColumnDefault(w.name, column.name, column.default, { type: column.type, default: existing.default }));
      }
    }
    for (const column of l.columns) if (!wantedColumns.has(column.name)) dropColumns.push(new DropColumn(l.name, column.name, column));

    const keys = compareUniqueKeys(w, l);
    dropKeys.push(...keys.drop);
    addKeys.push(...keys.add);

    const plain = (t: TableModel) => t.indexes.filter((i) => !i.unique);
    for (const index of plain(l)) if (!plain(w).some((i) => sameIndex(i, index))) dropKeys.push(new DropIndex(l.name, index.name, index));
    for (const index of plain(w)) if (!plain(l).some((i) => sameIndex(i, index))) addKeys.push(new AddIndex(w.name, index));

    for (const fk of l.foreignKeys) if (!w.foreignKeys.some((f) => sameForeignKey(f, fk))) dropForeignKeys.push(new DropForeignKey(l.name, fk));
    for (const fk of w.foreignKeys) if (!l.foreignKeys.some((f) => sameForeignKey(f, fk))) addForeignKeys.push(new AddForeignKey(w.name, fk));
  }

  return [
    ...renameColumns,
    ...addTables,
    ...dropForeignKeys,
    ...dropKeys,
    ...addColumns,
    ...alterColumns,
    ...dropColumns,
    ...dropTables,
    ...addKeys,
    ...addForeignKeys,
  ];
}

/**
 * Unique constraints and unique indexes enforce the same thing, and MySQL does not tell them apart,
 * so they are matched together; what is added or dropped keeps the form it has on its side.
 */
function compareUniqueKeys(wanted: TableModel, live: TableModel): { add: SchemaOperation[]; drop: SchemaOperation[] } {
  type Key = { name?: string; columns: string[]; op: (table: string, adding: boolean) => SchemaOperation };
  const keysOf = (t: TableModel): Key[] => [
    ...t.uniques.map((u: KeyModel) => ({ ...u, op: (table: string, adding: boolean) => (adding ? new AddUnique(table, u) : new DropUnique(table, u)) })),
    ...t.indexes
      .filter((i) => i.unique)
      .map((i: IndexModel) => ({ name: i.name, columns: i.columns, op: (table: string, adding: boolean) => (adding ? new AddIndex(table, i) : new DropIndex(table, i.name, i)) })),
  ];
  const w = keysOf(wanted);
  const l = keysOf(live);
  // A primary key named like the unique key on the same columns stands for it: SQLAlchemy on
  // PostgreSQL folds `uniq_apscheduler_jobs0id UNIQUE (id)` into the primary key on (id).
  const pk = live.primaryKey;
  const existing = pk.name ? [...l, { name: pk.name, columns: pk.columns }] : l;
  return {
    add: w.filter((k) => !existing.some((o) => sameKey(k, o))).map((k) => k.op(wanted.name, true)),
    drop: l.filter((k) => !w.some((o) => sameKey(k, o))).map((k) => k.op(live.name, false)),
  };
}

/** Same columns, and the same name where both have one (SQLite keeps no names for some keys). */
function sameKey(a: { name?: string; columns: string[] }, b: { name?: string; columns: string[] }): boolean {
  return sameList(a.columns, b.columns) && (a.name === undefined || b.name === undefined || a.name === b.name);
}

function sameIndex(a: IndexModel, b: IndexModel): boolean {
  return a.name === b.name && sameList(a.columns, b.columns);
}

function sameForeignKey(a: ForeignKeyModel, b: ForeignKeyModel): boolean {
  return sameList(a.columns, b.columns) && a.referencedTable === b.referencedTable && sameList(a.referencedColumns, b.referencedColumns);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
