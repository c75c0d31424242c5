import type { DataSource } from 'typeorm';
import { Dialect, dialectFor } from '../dialect';
import { Logger, silentLogger } from '../log';
import { connectionError, describeTarget, secretsOf } from './connect-error';
import { dataSourceOptions } from './data-source-options';
import { checkSqliteDirectory, openDriverClient } from './driver-client';
import { SqlExecutor } from './sql-executor';
import { SqlLogger } from './sql-logger';
import { ConnectionSpec, parseConnectionUrl } from './url';

/** A database to read from: where it is, how its SQL is spelled, and a way to run statements. */
export interface ReadSession {
  spec: ConnectionSpec;
  dialect: Dialect;
  sql: SqlExecutor;
  log: Logger;
}

/** An open connection to the database a command works on, through TypeORM. */
export interface Session extends ReadSession {
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
 * Runs `work` on a bare driver connection, for commands that only read (version, current, history):
 * they answer in a fraction of the time it takes to load TypeORM.
 */
export async function withReadSession<T>(url: string, options: OpenOptions, work: (session: ReadSession) => Promise<T>): Promise<T> {
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
