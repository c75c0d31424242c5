import type { DataSource } from 'typeorm';
import { Dialect, dialectFor } from '../dialect';
import { Logger, silentLogger } from '../log';
import { connectionError, describeTarget, secretsOf } from './connect-error';
import { dataSourceOptions } from './data-source-options';
import { checkSqliteDirectory, DriverClient, openDriverClient } from './driver-client';
import { SqlExecutor } from './sql-executor';
import { SqlLogger } from './sql-logger';
import { ConnectionSpec, parseConnectionUrl } from './url';

/** What every session offers: where the database is, how its SQL is spelled, statements, a log. */
export interface SessionBase {
  spec: ConnectionSpec;
  dialect: Dialect;
  sql: SqlExecutor;
  log: Logger;
}

/**
 * One bare driver connection, without TypeORM, for work that is plain SQL (reading the version,
 * purge). It is a single connection, so temporary tables and transactions live on it.
 */
export interface DriverSession extends SessionBase {
  sql: DriverClient;
}

/** A connection through TypeORM, for what needs its schema API (migrations, autogenerate). */
export interface Session extends SessionBase {
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface OpenOptions {
  log?: Logger;
}

/**
 * Connects to the database named by a SQLAlchemy-style URL. TypeORM and the driver are loaded
 * here, on first use, so commands that do not touch a database start fast.
 */
export async function openSession(url: string, options: OpenOptions = {}): Promise<Session> {
  const spec = parseConnectionUrl(url);
  const log = options.log ?? silentLogger;
  log.verbose(`Connecting to ${spec.redactedUrl}`);
  const { DataSource } = await import('typeorm');
  const dataSource = new DataSource({
    ...dataSourceOptions(spec),
    logging: true,
    logger: new SqlLogger(log, secretsOf(spec)),
  });
  try {
    if (spec.backend === 'sqlite') checkSqliteDirectory(spec.sqlitePath ?? ':memory:');
    await dataSource.initialize();
    // better-sqlite3 opens any file; reading the schema is what finds one that is not a database.
    if (spec.backend === 'sqlite') await dataSource.query('SELECT count(*) FROM sqlite_master');
  } catch (cause) {
    await dataSource.destroy().catch(() => undefined);
    throw connectionError(spec, cause);
  }
  log.verbose(`Connected to ${describeTarget(spec)}`);
  return {
    spec,
    dialect: dialectFor(spec.backend),
    dataSource,
    sql: dataSource,
    log,
    close: () => (dataSource.isInitialized ? dataSource.destroy() : Promise.resolve()),
  };
}

/** Runs `work` with an open session and always closes it. */
export async function withSession<T>(url: string, options: OpenOptions, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(url, options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/**
 * Runs `work` on a bare driver connection and always closes it. Commands that need nothing of
 * TypeORM (version, current, history, purge) use it: loading TypeORM costs more than they do.
 */
export async function withDriverSession<T>(url: string, options: OpenOptions, work: (session: DriverSession) => Promise<T>): Promise<T> {
  const spec = parseConnectionUrl(url);
  const log = options.log ?? silentLogger;
  log.verbose(`Connecting to ${spec.redactedUrl}`);
  const client = await openDriverClient(spec, log, secretsOf(spec)).catch((cause: unknown) => {
    throw connectionError(spec, cause);
  });
  log.verbose(`Connected to ${describeTarget(spec)}`);
  try {
    return await work({ spec, dialect: dialectFor(spec.backend), sql: client, log });
  } finally {
    await client.close().catch(() => undefined);
  }
}
