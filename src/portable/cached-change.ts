import type { QueryRunner, Table } from 'typeorm';
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
