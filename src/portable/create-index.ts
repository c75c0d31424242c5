import type { QueryRunner, TableIndex } from 'typeorm';
import { typeorm } from './typeorm-classes';
import { withTableChange } from './cached-change';
import { freshTable } from './fresh-table';

/** An index as upstream declares it (`op.create_index(name, table, columns, unique=...)`). */
export interface IndexDef {
  name: string;
  columns: string[];
  unique?: boolean;
}

/** `op.create_index`: CREATE [UNIQUE] INDEX on every backend, no table rebuild. */
export async function createIndex(queryRunner: QueryRunner, tableName: string, def: IndexDef): Promise<void> {
  const index = () => new (typeorm().TableIndex)({ name: def.name, columnNames: def.columns, isUnique: def.unique === true });
  await withTableChange(
    queryRunner,
    tableName,
    (table) => queryRunner.createIndex(table, index()),
    (table) => table.addIndex(index()),
  );
}

/** `op.drop_index`. */
export async function dropIndex(queryRunner: QueryRunner, tableName: string, name: string): Promise<void> {
  const found = (await freshTable(queryRunner, tableName)).indices.find((i) => i.name === name);
  if (!found) throw new Error(`Table "${tableName}" has no index "${name}"`);
  await withTableChange(
    queryRunner,
    tableName,
    (table) => queryRunner.dropIndex(table, name),
    (table) => table.removeIndex(table.indices.find((i) => i.name === name) as TableIndex),
  );
}
