import type { QueryRunner, Table, TableIndex } from 'typeorm';
import type { IndexDef } from './create-index';
import { typeorm } from './typeorm-classes';
import { freshTable, replaceCachedTable } from './fresh-table';

/**
 * Runs one TypeORM operation on a fresh copy of the table and tells the runner's table cache what
 * the table looks like afterwards. Some TypeORM operations only update the Table object they are
 * given, and an offline (`--sql`) run has no database to read the change back from; `change` says
 * what the operation did to the table, so the next operation sees it either way.
 */
export async function withTableChange(
  queryRunner: QueryRunner,
  tableName: string,
  work: (table: Table) => Promise<void>,
  change: (table: Table) => void,
): Promise<void> {
  const table = await freshTable(queryRunner, tableName);
  const before = table.clone();
  await work(table);
  const changed = before.clone();
  change(changed);
  replaceCachedTable(queryRunner, before, changed);
}

/** The index as TypeORM describes it. */
export function tableIndexOf(def: IndexDef): TableIndex {
  return new (typeorm().TableIndex)({ name: def.name, columnNames: def.columns, isUnique: def.unique === true });
}

/** What creating the index does to the cached table (nothing when it already has it). */
export const addsIndex = (def: IndexDef) => (table: Table) => {
  if (!table.indices.some((i) => i.name === def.name)) table.addIndex(tableIndexOf(def));
};

/** What dropping the index does to the cached table. */
export const dropsIndex = (name: string) => (table: Table) => {
  const found = table.indices.find((i) => i.name === name);
  if (found) table.removeIndex(found);
};
