import * as fs from 'node:fs';
import * as path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type * as Pg from 'pg';
import type * as Mysql2 from 'mysql2/promise';
import { Logger } from '../log';
import { connectTimeoutMs, serverParameters } from './connect-parameters';
import { SqlExecutor } from './sql-executor';
import { SqlLogger } from './sql-logger';
import { ConnectionSpec } from './url';

/** A bare driver connection: statements with bound parameters, and nothing of TypeORM. */
export interface DriverClient extends SqlExecutor {
  /** Runs a statement that changes rows (INSERT, UPDATE, DELETE) and returns how many it changed. */
  affected(sql: string, parameters?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** What each driver gives back for a statement: its rows, and how many rows it changed. */
type Execute = (sql: string, parameters: unknown[]) => Promise<{ rows: unknown[]; changed: number }>;

/**
 * Opens the driver itself, without TypeORM, for commands that only read a little (version, current,
 * history): loading TypeORM costs more than the whole rest of such a command. Driver errors are
 * thrown as the driver raised them, so the caller explains them as it does for TypeORM's.
 */
export async function openDriverClient(spec: ConnectionSpec, log: Logger, secrets: string[]): Promise<DriverClient> {
  const { execute, close } = await connect(spec);
  const sqlLog = new SqlLogger(log, secrets);
  const run = async (sql: string, parameters: unknown[]) => {
    sqlLog.logQuery(sql, parameters);
    try {
      return await execute(sql, parameters);
    } catch (error) {
      sqlLog.logQueryError(error as Error, sql);
      throw error;
    }
  };
  return {
    query: async (sql: string, parameters: unknown[] = []) => (await run(sql, parameters)).rows,
    affected: async (sql: string, parameters: unknown[] = []) => (await run(sql, parameters)).changed,
    close,
  };
}

async function connect(spec: ConnectionSpec): Promise<{ execute: Execute; close: () => Promise<void> }> {
  switch (spec.backend) {
    case 'sqlite':
      return connectSqlite(spec.sqlitePath ?? ':memory:', connectTimeoutMs(spec));
    case 'postgres':
      return connectPostgres(spec);
    case 'mysql':
      return connectMysql(spec);
  }
}

/**
 * As SQLAlchemy: a missing database file is created, a missing directory is an error. (TypeORM would
 * create the directories, so a typo in the path would quietly start a new database somewhere.)
 */
export function checkSqliteDirectory(file: string): void {
  if (file !== ':memory:' && !fs.existsSync(path.dirname(file))) {
    throw Object.assign(new Error('the directory does not exist'), { code: 'ENOENT' });
  }
}

function connectSqlite(file: string, busyTimeoutMs: number): { execute: Execute; close: () => Promise<void> } {
  checkSqliteDirectory(file);
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    // Opening does not read the file; reading its schema is what finds one that is not a database.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    // As TypeORM's driver does: SQLite checks foreign keys only when asked, per connection.
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    execute: async (sql, parameters) => {
      const statement = db.prepare(sql);
      if (statement.reader) return { rows: statement.all(...parameters), changed: 0 };
      return { rows: [], changed: statement.run(...parameters).changes };
    },
    close: async () => {
      db.close();
    },
  };
}

async function connectPostgres(spec: ConnectionSpec): Promise<{ execute: Execute; close: () => Promise<void> }> {
  const server = serverParameters(spec);
  const { Client } = require('pg') as typeof Pg;
  const client = new Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
    connectionTimeoutMillis: server.timeoutMs,
    ssl: server.ssl as Pg.ClientConfig['ssl'],
    application_name: 'watcher-db-manage',
  });
  // A server that goes away between queries emits 'error'; the next query reports it instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    execute: async (sql, parameters) => {
      const result = await client.query(sql, parameters);
      return { rows: result.rows ?? [], changed: result.rowCount ?? 0 };
    },
    close: () => client.end(),
  };
}

async function connectMysql(spec: ConnectionSpec): Promise<{ execute: Execute; close: () => Promise<void> }> {
  const server = serverParameters(spec);
  const mysql = require('mysql2/promise') as typeof Mysql2;
  const connection = await mysql.createConnection({
    host: server.host,
    port: server.port,
    socketPath: server.socketPath,
    user: server.user,
    password: server.password,
    database: server.database,
    charset: server.charset,
    connectTimeout: server.timeoutMs,
    ssl: server.ssl as Mysql2.ConnectionOptions['ssl'],
    dateStrings: true,
  });
  connection.on('error', () => undefined);
  return {
    execute: async (sql, parameters) => {
      const [result] = await connection.query(sql, parameters);
      if (Array.isArray(result)) return { rows: result as unknown[], changed: 0 };
      return { rows: [], changed: (result as Mysql2.ResultSetHeader).affectedRows ?? 0 };
    },
    close: () => connection.end(),
  };
}
