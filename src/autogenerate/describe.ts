import type { QueryRunner, Table, TableIndex } from 'typeorm';
import { UserError } from '../errors';
import { Backend, backendOf } from '../portable/backend';
import { declaredUniques } from '../portable/sqlite-rebuild';
import { ColumnModel, IndexModel, KeyModel, SchemaModel, TableModel } from '../schema/model';
import { sortByDependency } from '../schema/sort-tables';
import { KeyColumns, keyColumnOrder, keyId } from './key-columns';
import { dialectFor } from '../dialect';
import type { ServerDefault } from '../schema/server-default';
import { defaultOfType } from '../schema/column-default';

import { CLUSTER_LOCK_TABLE } from '../runtime/cluster-lock';

/**
 * Tables that are not the application's: Alembic's bookkeeping (shared with the reference), and the
 * Galera run lock's, which exists only while a run holds the lock (or after one was killed).
 */
const IGNORED_TABLES = new Set(['alembic_version', CLUSTER_LOCK_TABLE]);

/**
 * The live schema, in the same neutral model the entities are turned into, so the two can be
 * compared field by field. TypeORM's `getTables()` reads columns, keys and indexes on every backend;
 * what it reads differently per backend is evened out here:
 * - MySQL has no unique constraints apart from unique indexes: every unique index is a unique key.
 *   Types come from COLUMN_TYPE (TypeORM drops tinyint(1)'s width and varchar(255)'s length).
 *   The index MySQL keeps for each foreign key (named after its first column, or after the
 *   constraint) is part of the key, not an index of its own.
 * - SQLite keeps no constraint names (TypeORM invents hashed ones for tables SQLAlchemy wrote) and
 *   folds a UNIQUE on the primary key into it: unique keys are read from the CREATE TABLE text.
 * - PostgreSQL lists a unique constraint once (not also as its index).
 * - Everywhere, the column order of keys comes from the catalogs (see key-columns.ts), and types
 *   that no generic type stores are an error rather than a guess.
 * - Server defaults come from the catalogs (Dialect.columnDefaults).
 */
export async function describeDatabase(queryRunner: QueryRunner): Promise<SchemaModel> {
  const backend = backendOf(queryRunner);
  const names = (await dialectFor(backend).ownTables(queryRunner)).filter((n) => !IGNORED_TABLES.has(n));
  const tables = names.length > 0 ? await queryRunner.getTables(names) : [];
  const mysqlTypes = backend === 'mysql' ? await mysqlColumnTypes(queryRunner) : new Map<string, string>();
  const sqliteSql = backend === 'sqlite' ? await sqliteCreateStatements(queryRunner) : new Map<string, string>();
  const order = await keyColumnOrder(queryRunner, backend);
  const defaults = await dialectFor(backend).columnDefaults(queryRunner);
  const models = tables.map((t) => tableModel(backend, t, mysqlTypes, sqliteSql.get(t.name) ?? '', order, defaults));
  return { tables: sortByDependency(models) };
}

function tableModel(
  backend: Backend,
  table: Table,
  mysqlTypes: Map<string, string>,
  sqliteSql: string,
  order: Map<string, KeyColumns>,
  defaults: Map<string, ServerDefault | undefined>,
): TableModel {
  const keyColumns = (name: string | undefined, columns: string[]) => order.get(keyId('k', table.name, name))?.columns ?? [...columns];
  const columns: ColumnModel[] = table.columns.map((c) => {
    const raw = { type: c.type.toLowerCase(), length: c.length, columnType: mysqlTypes.get(`${table.name}.${c.name}`) };
    const type = dialectFor(backend).columnTypeOf(raw);
    if (!type) {
      throw new UserError(
        `Column ${table.name}.${c.name} has type ${raw.columnType ?? raw.type}${raw.length ? `(${raw.length})` : ''}, which no portable type stores; autogenerate cannot compare it`,
      );
    }
    const autoincrement = c.isGenerated && c.generationStrategy === 'increment';
    // A serial column's nextval() is how it numbers itself, not a default anyone declared.
    const value = autoincrement ? undefined : defaultOfType(type, defaults.get(`${table.name}.${c.name}`));
    return { name: c.name, type, nullable: c.isNullable && !c.isPrimary, autoincrement, ...(value === undefined ? {} : { default: value }) };
  });

  const foreignKeys = table.foreignKeys.map((fk) => {
    const ordered = order.get(keyId('f', table.name, fk.name));
    return {
      name: fk.name,
      columns: ordered?.columns ?? [...fk.columnNames],
      referencedTable: unqualified(fk.referencedTableName),
      referencedColumns: ordered?.referencedColumns ?? [...fk.referencedColumnNames],
    };
  });

  let uniques: KeyModel[] = table.uniques.map((u) => ({ name: u.name, columns: keyColumns(u.name, u.columnNames) }));
  let indices: TableIndex[] = table.indices;
  if (backend === 'mysql') {
    uniques = indices.filter((i) => i.isUnique).map((i) => ({ name: i.name, columns: keyColumns(i.name, i.columnNames) }));
    indices = indices.filter((i) => !i.isUnique && !foreignKeys.some((fk) => backsForeignKey(i, fk)));
  }
  if (backend === 'sqlite') {
    // The CREATE TABLE text is the truth: it has the names (TypeORM invents hashed ones for tables
    // SQLAlchemy wrote) and keys SQLite folds into another index (UNIQUE (id) on the primary key
    // gets no index of its own). Unnamed ones TypeORM found elsewhere (a column's UNIQUE) are kept.
    const declared: KeyModel[] = declaredUniques(sqliteSql);
    uniques = [...declared, ...uniques.filter((u) => !declared.some((d) => sameSet(d.columns, u.columns))).map((u) => ({ columns: u.columns }))];
  }
  const indexes: IndexModel[] = indices.map((i) => ({ name: i.name as string, columns: keyColumns(i.name, i.columnNames), unique: Boolean(i.isUnique) }));

  return {
    name: table.name,
    columns,
    primaryKey: {
      name: table.columns.find((c) => c.isPrimary)?.primaryKeyConstraintName,
      columns: table.columns.filter((c) => c.isPrimary).map((c) => c.name),
    },
    uniques,
    indexes,
    foreignKeys,
  };
}

/** The index MySQL made (or our kit made, under MySQL's name) so that a foreign key has one. */
function backsForeignKey(index: TableIndex, fk: { name?: string; columns: string[] }): boolean {
  return sameColumns(index.columnNames, fk.columns) && (index.name === fk.columns[0] || index.name === fk.name);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function unqualified(name: string): string {
  return name.split('.').pop() as string;
}

async function mysqlColumnTypes(queryRunner: QueryRunner): Promise<Map<string, string>> {
  const rows = (await queryRunner.query(
    'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()',
  )) as { t: string; c: string; type: string | Buffer }[];
  return new Map(rows.map((r) => [`${r.t}.${r.c}`, String(r.type)]));
}

async function sqliteCreateStatements(queryRunner: QueryRunner): Promise<Map<string, string>> {
  const rows = (await queryRunner.query(`SELECT name, sql FROM sqlite_master WHERE type = 'table'`)) as { name: string; sql: string | null }[];
  return new Map(rows.map((r) => [r.name, r.sql ?? '']));
}
