import type { QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { typeorm } from './typeorm-classes';
import { backendOf } from './backend';
import { withTableChange } from './cached-change';
import { dropIndex } from './create-index';
import { freshTable } from './fresh-table';
import { foreignKeyIndexName, foreignKeyName } from './names';
import { sqliteTableForRebuild, withSqliteForeignKeysOff } from './sqlite-rebuild';
import type { ForeignKeyDef } from './table';

/**
 * `op.create_foreign_key(None, table, referred, columns, referred_columns)`: an unnamed key, under
 * the name the server would give it (see names.ts), so later revisions can find it:
 * - PostgreSQL `<table>_<column>_fkey`;
 * - MySQL `<table>_ibfk_<n>`, n one above the highest the table has, with its index named after the
 *   first column created first when no index starts with the key's columns (what MySQL does for an
 *   unnamed key);
 * - SQLite cannot add a constraint: the table is rebuilt with it.
 */
export async function addForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
  const backend = backendOf(queryRunner);
  const target = targetOf(def);
  const key = (name: string) =>
    new (typeorm().TableForeignKey)({ name, columnNames: def.columns, referencedTableName: target.table, referencedColumnNames: target.columns });
  if (backend === 'sqlite') {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () =>
      queryRunner.createForeignKey(await sqliteTableForRebuild(queryRunner, tableName), key(foreignKeyName(backend, tableName, def.columns, 1))),
    );
    return;
  }
  const current = await freshTable(queryRunner, tableName);
  let name = foreignKeyName(backend, tableName, def.columns, 1);
  if (backend === 'mysql') {
    name = foreignKeyName(backend, tableName, def.columns, highestOrdinal(current) + 1);
    if (!hasIndexFor(current, def.columns)) {
      const index = () => new (typeorm().TableIndex)({ name: foreignKeyIndexName(def.columns), columnNames: def.columns });
      await withTableChange(queryRunner, tableName, (t) => queryRunner.createIndex(t, index()), (t) => t.addIndex(index()));
    }
  }
  await withTableChange(queryRunner, tableName, (t) => queryRunner.createForeignKey(t, key(name)), (t) => t.addForeignKey(key(name)));
}

/**
 * `op.drop_constraint(name, table, type_='foreignkey')`, the key found by its columns and target
 * since its name depends on the backend. On MySQL the index MySQL made for the key (named after its
 * first column) goes with it, as addForeignKey made it.
 */
export async function dropForeignKey(queryRunner: QueryRunner, tableName: string, def: ForeignKeyDef): Promise<void> {
  const backend = backendOf(queryRunner);
  const target = targetOf(def);
  // Column pairs compared as a set: TypeORM reads key columns back in no particular order.
  const pairs = (columns: string[], referenced: string[]) => columns.map((c, i) => `${c}>${referenced[i]}`).sort().join(',');
  const wanted = pairs(def.columns, target.columns);
  const matches = (fk: TableForeignKey) =>
    fk.referencedTableName.split('.').pop() === target.table && pairs(fk.columnNames, fk.referencedColumnNames) === wanted;
  const missing = () => new Error(`Table "${tableName}" has no foreign key (${def.columns.join(', ')}) -> ${def.references.join(', ')}`);
  if (backend === 'sqlite') {
    await withSqliteForeignKeysOff(queryRunner, tableName, async () => {
      const table = await sqliteTableForRebuild(queryRunner, tableName);
      const fk = table.foreignKeys.find(matches);
      if (!fk) throw missing();
      await queryRunner.dropForeignKey(table, fk);
    });
    return;
  }
  const fk = (await freshTable(queryRunner, tableName)).foreignKeys.find(matches);
  if (!fk) throw missing();
  await withTableChange(
    queryRunner,
    tableName,
    (t) => queryRunner.dropForeignKey(t, fk.name as string),
    (t) => t.removeForeignKey(t.foreignKeys.find((k) => k.name === fk.name) as TableForeignKey),
  );
  if (backend === 'mysql') {
    const table = await freshTable(queryRunner, tableName);
    const indexName = foreignKeyIndexName(def.columns);
    const index = table.indices.find((i) => i.name === indexName && !i.isUnique && i.columnNames.join(',') === def.columns.join(','));
    const stillNeeded = table.foreignKeys.some((k) => k.columnNames.join(',') === def.columns.join(','));
    if (index && !stillNeeded) await dropIndex(queryRunner, tableName, indexName);
  }
}

function targetOf(def: ForeignKeyDef): { table: string; columns: string[] } {
  const parts = def.references.map((ref) => {
    const dot = ref.lastIndexOf('.');
    if (dot <= 0) throw new Error(`Foreign key target "${ref}" is not of the form table.column`);
    return { table: ref.slice(0, dot), column: ref.slice(dot + 1) };
  });
  return { table: parts[0].table, columns: parts.map((p) => p.column) };
}

/** The highest n among the table's `<table>_ibfk_<n>` keys; MySQL numbers a new unnamed key n + 1. */
function highestOrdinal(table: Table): number {
  const prefix = `${table.name}_ibfk_`;
  return Math.max(0, ...table.foreignKeys.map((fk) => (fk.name?.startsWith(prefix) ? Number(fk.name.slice(prefix.length)) || 0 : 0)));
}

/** Whether an index (or the primary key) already starts with `columns`, which MySQL then uses for the key. */
function hasIndexFor(table: Table, columns: string[]): boolean {
  const starts = (cols: string[]) => columns.every((c, i) => cols[i] === c);
  return starts(table.primaryColumns.map((c) => c.name)) || table.indices.some((i) => starts(i.columnNames));
}
