import type { QueryRunner, Table } from 'typeorm';

/**
 * The table as the database has it now. TypeORM's query runner keeps a cache of tables it has read
 * and trusts it for addColumn/dropColumn/changeColumn; statements a revision sends itself (or an
 * earlier revision run on the same query runner) leave that cache stale, and a stale Table makes
 * SQLite's table rebuild silently drop columns. So every kit operation re-reads the table first.
 */
export async function freshTable(queryRunner: QueryRunner, name: string): Promise<Table> {
  const table = await queryRunner.getTable(name);
  if (!table) throw new Error(`Table "${name}" does not exist`);
  return table;
}

/** TypeORM's own cache update (protected in its types), for changes a kit operation makes with raw SQL. */
export function replaceCachedTable(queryRunner: QueryRunner, table: Table, changed: Table): void {
  (queryRunner as unknown as { replaceCachedTable(t: Table, c: Table): void }).replaceCachedTable(table, changed);
}

/** The table as TypeORM's runner has it cached (read once if it is not): what its own operations work from. */
export function cachedTable(queryRunner: QueryRunner, name: string): Promise<Table> {
  // Looked up by the path TypeORM's own operations use (`database.table` on MySQL), or it is read again.
  const self = queryRunner as unknown as { getCachedTable(path: string): Promise<Table>; getTablePath(name: string): string };
  return self.getCachedTable(self.getTablePath(name));
}

/** Tells the runner's table cache of a table just created with raw SQL (an offline run reads it back from there). */
export function cacheNewTable(queryRunner: QueryRunner, table: Table): void {
  replaceCachedTable(queryRunner, table, table);
}
