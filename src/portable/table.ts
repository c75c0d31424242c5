import type { Table, TableIndex } from 'typeorm';
import { typeorm } from './typeorm-classes';
import type { Backend } from '../dialect/backend';
import { dialectFor } from '../dialect';
import { ColumnDef, tableColumn } from './column';
import { foreignKeyIndexName } from './names';

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

/**
 * The TypeORM Table that `queryRunner.createTable` turns into the same schema SQLAlchemy creates on
 * this backend: same column order and types, and every key and index under the name the reference's
 * server gives it.
 */
export function table(backend: Backend, def: TableDef): Table {
  const uniques = def.uniques ?? [];
  const foreignKeys = def.foreignKeys ?? [];
  const indexes = def.indexes ?? [];
  const autoIncrement = isAutoIncrementKey(def);
  const dialect = dialectFor(backend);
  const pkName = dialect.primaryKeyName(def.name);

  const columns = def.columns.map((c) =>
    tableColumn(dialect, c, def.primaryKey.includes(c.name) ? { primaryKeyName: pkName, autoIncrement } : undefined),
  );

  const typeormForeignKeys = foreignKeys.map((fk, i) => {
    const targets = fk.references.map(splitReference);
    return new (typeorm().TableForeignKey)({
      name: dialect.foreignKeyName(def.name, fk.columns, i + 1),
      columnNames: fk.columns,
      referencedTableName: targets[0].table,
      referencedColumnNames: targets.map((t) => t.column),
    });
  });

  // MySQL: the index each foreign key needs, named as MySQL names it for an unnamed key. They come
  // first because SQLAlchemy's CREATE TABLE creates them (with the keys) before its CREATE INDEX
  // statements, and MySQL lists non-unique indexes in creation order.
  const keyIndexes: TableIndex[] = [];
  if (dialect.foreignKeysNeedAnIndex) {
    const covered = [def.primaryKey, ...uniques.map((u) => u.columns), ...indexes.map((i) => i.columns)];
    for (const fk of foreignKeys) {
      if (covered.some((cols) => startsWith(cols, fk.columns))) continue;
      keyIndexes.push(new (typeorm().TableIndex)({ name: foreignKeyIndexName(fk.columns), columnNames: fk.columns }));
      covered.push(fk.columns);
    }
  }

  return new (typeorm().Table)({
    name: def.name,
    columns,
    // Kept in upstream's order: MySQL lists unique keys of the same kind in creation order.
    uniques: uniques.map((u) => new (typeorm().TableUnique)({ name: u.name, columnNames: u.columns })),
    foreignKeys: typeormForeignKeys,
    indices: [...keyIndexes, ...indexes.map((i) => new (typeorm().TableIndex)({ name: i.name, columnNames: i.columns }))],
    // TypeORM's default, written down because the spec requires InnoDB (foreign keys need it).
    engine: dialect.tableEngine,
  });
}

/**
 * SQLAlchemy's autoincrement="auto" rule: a primary key of exactly one Integer column that is not
 * also a foreign key numbers itself.
 */
function isAutoIncrementKey(def: TableDef): boolean {
  if (def.primaryKey.length !== 1) return false;
  const [name] = def.primaryKey;
  const col = def.columns.find((c) => c.name === name);
  const isForeign = (def.foreignKeys ?? []).some((fk) => fk.columns.includes(name));
  return col !== undefined && col.type.kind === 'integer' && !isForeign;
}

function splitReference(ref: string): { table: string; column: string } {
  const dot = ref.lastIndexOf('.');
  if (dot <= 0) throw new Error(`Foreign key target "${ref}" is not of the form table.column`);
  return { table: ref.slice(0, dot), column: ref.slice(dot + 1) };
}

function startsWith(columns: string[], prefix: string[]): boolean {
  return prefix.every((c, i) => columns[i] === c);
}
