import type { SqlExecutor } from '../connection/sql-executor';
import type { Dialect } from '../dialect';
import type { RowsSource } from './types';

export interface RowEstimate {
  rows: number | null;
  source: RowsSource | null;
}

/**
 * Above this many rows a count stops: counting a large table that has no statistics would cost what
 * the plan is meant to warn about. The estimate is then "at least" this many.
 */
export const COUNT_CAP = 1_000_000;

/**
 * The number of rows of each table, as cheaply as the server can tell:
 * - PostgreSQL: pg_class.reltuples, kept by ANALYZE and autovacuum; -1 means the table was never
 *   analyzed (a restored dump, a table filled since its creation), and it is counted instead;
 * - MariaDB: information_schema.TABLES.TABLE_ROWS, InnoDB's running estimate;
 * - SQLite: sqlite_stat1 when ANALYZE has run for the table, else count(*), which SQLite answers from
 *   the table's b-tree.
 * A table that does not exist (yet) gets null.
 */
export async function estimateRows(sql: SqlExecutor, dialect: Dialect, tables: string[]): Promise<Map<string, RowEstimate>> {
  const found = new Map<string, RowEstimate>();
  for (const table of tables) found.set(table, await estimateOne(sql, dialect, table));
  return found;
}

async function estimateOne(sql: SqlExecutor, dialect: Dialect, table: string): Promise<RowEstimate> {
  const exists = dialect.tableExistsQuery(table);
  if (((await sql.query(exists.sql, exists.parameters)) as unknown[]).length === 0) return { rows: null, source: null };
  const statistics = await dialect.tableStatistics(sql, table);
  if (statistics !== undefined) return { rows: statistics, source: 'statistics' };
  return cappedCount(sql, dialect, table);
}

/**
 * count(*) of the table's rows (those where `nonNullColumn` IS NOT NULL, when given), stopping at
 * COUNT_CAP. A plain SELECT: it takes no lock that Watcher's services would wait for.
 */
export async function cappedCount(sql: SqlExecutor, dialect: Dialect, table: string, nonNullColumn?: string): Promise<RowEstimate> {
  const where = nonNullColumn === undefined ? '' : ` WHERE ${dialect.quote(nonNullColumn)} IS NOT NULL`;
  const [row] = (await sql.query(`SELECT count(*) AS n FROM (SELECT 1 AS one FROM ${dialect.quote(table)}${where} LIMIT ${COUNT_CAP + 1}) capped`)) as { n: number | string }[];
  const n = Number(row?.n ?? 0);
  return n > COUNT_CAP ? { rows: COUNT_CAP, source: 'count-at-least' } : { rows: n, source: 'count' };
}
