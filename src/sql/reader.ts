import type { Backend } from '../dialect/backend';
import type { SqlExecutor } from '../connection/sql-executor';
import type { Classifier } from './classify';
import { loadMysqlFacts, MysqlClassifier } from './classify-mysql';
import { loadPostgresFacts, PostgresClassifier } from './classify-postgres';
import { SqliteClassifier } from './classify-sqlite';

/**
 * The backend's statement reader, with what it needs to know of the server's catalog read (only
 * read) from it first: PostgreSQL's and MySQL's readers refine rewrites and scans with the live
 * columns, constraints and indexes; SQLite's needs nothing.
 */
export function loadStatementReader(sql: SqlExecutor, backend: Backend): Promise<Classifier> {
  return READERS[backend](sql);
}

const READERS: { [B in Backend]: (sql: SqlExecutor) => Promise<Classifier> } = {
  postgres: async (sql) => new PostgresClassifier(await loadPostgresFacts(sql)),
  mysql: async (sql) => new MysqlClassifier(await loadMysqlFacts(sql)),
  sqlite: async () => new SqliteClassifier(),
};
