import type { Table } from 'typeorm';
import { typeorm } from './typeorm-classes';
import type { Dialect } from '../dialect';
import type { ForeignKeyModel, TableModel } from '../schema/model';
import { ColumnDef, tableColumn } from './column';

/** A named constraint or index over some columns, as upstream names it. */
export interface NamedColumns {
  name: string;
  columns: string[];
}

/** `sa.ForeignKeyConstraint(columns, ['table.column', ...])`: unnamed, as in every Watcher revision. */
export interface ForeignKeyDef {
  columns: string[];
  /** `table.column` for each column, as SQLAlchemy writes it. */
  references: string[];
}

/** What `op.create_table(...)` says, backend-neutral. */
export interface TableDef {
  name: string;
  columns: ColumnDef[];
  primaryKey: string[];
  uniques?: NamedColumns[];
  foreignKeys?: ForeignKeyDef[];
  /** Plain indexes (`index=True` on a column gives `ix_<table>_<column>`). */
  indexes?: NamedColumns[];
}

/** The key as the schema model (and autogenerate) describes it. */
export function foreignKeyModel(def: ForeignKeyDef): ForeignKeyModel {
  const targets = def.references.map((ref) => {
    const dot = ref.lastIndexOf('.');
    if (dot <= 0) throw new Error(`Foreign key target "${ref}" is not of the form table.column`);
    return { table: ref.slice(0, dot), column: ref.slice(dot + 1) };
  });
  return { columns: def.columns, referencedTable: targets[0].table, referencedColumns: targets.map((t) => t.column) };
}

/**
 * The table as the schema model (and autogenerate) describes it. SQLAlchemy's autoincrement="auto"
 * rule decides which column numbers itself: the only column of the primary key, if it is an Integer
 * and not also a foreign key.
 */
export function tableModel(def: TableDef): TableModel {
  const foreignKeys = (def.foreignKeys ?? []).map(foreignKeyModel);
  const [only, ...more] = def.primaryKey;
  const numbered = (c: ColumnDef) => more.length === 0 && c.name === only && c.type.kind === 'integer' && !foreignKeys.some((fk) => fk.columns.includes(c.name));
  return {
    name: def.name,
    columns: def.columns.map((c) => ({ ...c, autoincrement: numbered(c) })),
    primaryKey: { columns: def.primaryKey },
    uniques: def.uniques ?? [],
    indexes: (def.indexes ?? []).map((i) => ({ ...i, unique: false })),
    foreignKeys,
  };
}

/**
 * The table in TypeORM's terms: same column order and types, and every key and index under the name
 * the reference's server gives it. On SQLite, what TypeORM's createTable writes; on the servers,
 * whose CREATE TABLE is the dialect's, how a new table is described to the runner's table cache
 * (each backend's implementation adds what its server makes of it: impl/mysql.ts).
 */
export function table(dialect: Dialect, model: TableModel): Table {
  const primaryKey = model.primaryKey.columns;
  const pkName = dialect.primaryKeyName(model.name);

  const columns = model.columns.map((c) =>
    tableColumn(dialect, c, primaryKey.includes(c.name) ? { primaryKeyName: pkName, autoIncrement: c.autoincrement === true } : undefined),
  );

  const foreignKeys = model.foreignKeys.map(
    (fk, i) =>
      new (typeorm().TableForeignKey)({
        name: dialect.foreignKeyName(model.name, fk.columns, i + 1),
        columnNames: fk.columns,
        referencedTableName: fk.referencedTable,
        referencedColumnNames: fk.referencedColumns,
      }),
  );

  return new (typeorm().Table)({
    name: model.name,
    columns,
    // Kept in upstream's order, which is the order of the table's CREATE text on SQLite.
    uniques: model.uniques.map((u) => new (typeorm().TableUnique)({ name: u.name, columnNames: u.columns })),
    foreignKeys,
    indices: model.indexes.map((i) => new (typeorm().TableIndex)({ name: i.name, columnNames: i.columns, isUnique: i.unique })),
    // TypeORM's default, written down because the spec requires InnoDB (foreign keys need it).
    engine: dialect.tableEngine,
  });
}
