import { UserError } from '../errors';
import { RenameColumn } from '../operations';
import { SchemaModel, TableModel } from '../schema/model';

/** A column the developer says was renamed (`revision --autogenerate --rename table.from=to`). */
export interface ColumnRename {
  table: string;
  from: string;
  to: string;
}

/**
 * The live schema as it will be once `renames` have run, and the operations that run them. The
 * comparison then starts from the renamed schema, so the renamed column is neither dropped nor added,
 * and whatever else differs about it (its type, its nullability) is found as for any kept column.
 *
 * A comparison cannot tell a rename from a drop and an add, so each rename is checked against both
 * sides, in the order given (after the ones before it): the old name must be a column of the database
 * that the entities no longer have, the new name one the entities have and the database has not yet.
 */
export function applyRenames(wanted: SchemaModel, live: SchemaModel, renames: ColumnRename[]): { live: SchemaModel; operations: RenameColumn[] } {
  let tables = live.tables;
  const operations: RenameColumn[] = [];
  for (const rename of renames) {
    checkRename(wanted, tables, rename);
    tables = tables.map((t) => renamedIn(t, rename));
    operations.push(new RenameColumn(rename.table, rename.from, rename.to));
  }
  return { live: { ...live, tables }, operations };
}

function checkRename(wanted: SchemaModel, live: TableModel[], rename: ColumnRename): void {
  const why = whyNot(wanted, live, rename);
  if (why) throw new UserError(`Cannot rename ${rename.table}.${rename.from} to ${rename.to}: ${why}`);
}

function whyNot(wanted: SchemaModel, live: TableModel[], { table, from, to }: ColumnRename): string | undefined {
  const l = live.find((t) => t.name === table);
  const w = wanted.tables.find((t) => t.name === table);
  if (!l) return `the database has no table ${table}`;
  if (!w) return `the entities have no table ${table}`;
  const inLive = (name: string) => l.columns.some((c) => c.name === name);
  const inWanted = (name: string) => w.columns.some((c) => c.name === name);
  if (from === to) return 'the new name is the old one';
  if (!inLive(from)) return `the database has no column ${table}.${from}`;
  if (inWanted(from)) return `the entities still have a column ${table}.${from}`;
  if (!inWanted(to)) return `the entities have no column ${table}.${to}`;
  if (inLive(to)) return `the database already has a column ${table}.${to}`;
  return undefined;
}

/** `t` with `rename` applied: the column and its name in the table's keys, and in foreign keys that point at it. */
function renamedIn(t: TableModel, { table, from, to }: ColumnRename): TableModel {
  const swap = (names: string[]) => names.map((n) => (n === from ? to : n));
  const foreignKeys = t.foreignKeys.map((fk) => ({
    ...fk,
    columns: t.name === table ? swap(fk.columns) : fk.columns,
    referencedColumns: fk.referencedTable === table ? swap(fk.referencedColumns) : fk.referencedColumns,
  }));
  if (t.name !== table) return { ...t, foreignKeys };
  return {
    ...t,
    columns: t.columns.map((c) => (c.name === from ? { ...c, name: to } : c)),
    primaryKey: { ...t.primaryKey, columns: swap(t.primaryKey.columns) },
    uniques: t.uniques.map((u) => ({ ...u, columns: swap(u.columns) })),
    indexes: t.indexes.map((i) => ({ ...i, columns: swap(i.columns) })),
    foreignKeys,
  };
}
