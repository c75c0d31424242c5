import type { Table } from 'typeorm';
import type { Backend } from '../dialect/backend';
import type { SqlExecutor } from '../connection/sql-executor';
import { Classified, Classifier, classifyInput } from './classify';
import { loadMysqlFacts, MysqlClassifier } from './classify-mysql';
import { loadPostgresFacts, PostgresClassifier } from './classify-postgres';
import { SqliteClassifier } from './classify-sqlite';

/** A statement as the reader takes it: its text, the tables just before it, whether the version table sent it. */
export interface StatementToRead {
  sql: string;
  schema: ReadonlyMap<string, Table>;
  version: boolean;
}

/** Reads statements in the order they run (a reading may depend on those before it: Classifier). */
export interface StatementReader {
  read(statement: StatementToRead): Classified;
}

/**
 * The backend's statement reader, with what it needs to know of the server's catalog read (only
 * read) from it first: PostgreSQL's and MySQL's readers refine rewrites and scans with the live
 * columns, constraints and indexes; SQLite's needs nothing.
 */
export async function loadStatementReader(sql: SqlExecutor, backend: Backend): Promise<StatementReader> {
  const classifier = await READERS[backend](sql);
  return { read: (s) => classifier.classify(classifyInput(backend, s.sql, s.schema, s.version)) };
}

const READERS: { [B in Backend]: (sql: SqlExecutor) => Promise<Classifier> } = {
  postgres: async (sql) => new PostgresClassifier(await loadPostgresFacts(sql)),
  mysql: async (sql) => new MysqlClassifier(await loadMysqlFacts(sql)),
  sqlite: async () => new SqliteClassifier(),
};
