import type { DataSource } from 'typeorm';
import { Dialect, dialectFor } from '../dialect';
import { Logger, silentLogger } from '../log';
import { connectionError, describeTarget, isTransientConnectError, secretsOf } from './connect-error';
import { dataSourceOptions } from './data-source-options';
import { loadTypeorm } from './typeorm-load';
import { environmentFailure } from './environment-failure';
import { DriverClient, openDriverClient } from './driver-client';
import { driverFor } from './drivers/driver';
import { NO_RETRY, RetryPolicy, withRetries } from './retry';
import { SqlExecutor } from './sql-executor';
import { SqlLogger } from './sql-logger';
import { ConnectionSpec, parseConnectionUrl } from './url';
import { GALERA_SESSION_STATEMENTS, GaleraNode, GaleraNodeNotReady, describeForLog, notReadyReason } from './galera';

/** What every session offers: where the database is, how its SQL is spelled, statements, a log. */
export interface SessionBase {
  spec: ConnectionSpec;
  dialect: Dialect;
  sql: SqlExecutor;
  log: Logger;
  /** The Galera node behind a MySQL connection, when the server is one (galera.ts). */
  galera?: GaleraNode;
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
  /** Applies the server's session settings to a connection of the pool (withRunner calls it). */
  prepareConnection(sql: SqlExecutor): Promise<void>;
  /** Those settings' statements, which --plan shows first, as the run sends them first. */
  readonly sessionStatements: readonly string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  log?: Logger;
  /** How often to try the initial connection again when the server is not there yet; default once. */
  retry?: RetryPolicy;
}

/** Runs one connection attempt under the retry policy; the final failure becomes a ConnectionError. */
async function connectWithRetries<T>(spec: ConnectionSpec, options: OpenOptions, log: Logger, attempt: () => Promise<T>): Promise<T> {
  const hooks = {
    isTransient: (cause: unknown) => isTransientConnectError(spec, cause),
    describe: (cause: unknown) => connectionError(spec, cause).message,
    log,
  };
  try {
    return await withRetries(options.retry ?? NO_RETRY, hooks, attempt);
  } catch (cause) {
    throw connectionError(spec, cause);
  }
}

/**
 * Connects to the database named by a SQLAlchemy-style URL. TypeORM and the driver are loaded
 * here, on first use, so commands that do not touch a database start fast.
 */
export async function openSession(url: string, options: OpenOptions = {}): Promise<Session> {
  const spec = parseConnectionUrl(url);
  const log = options.log ?? silentLogger;
  log.verbose(`Connecting to ${spec.redactedUrl}`);
  const { DataSource } = loadTypeorm();
  // A DataSource whose initialize() failed is not reused: each attempt starts from a new one.
  const { dataSource, galera } = await connectWithRetries(spec, options, log, async () => {
    const attempt = new DataSource({
      ...dataSourceOptions(spec),
      logging: true,
      logger: new SqlLogger(log, secretsOf(spec)),
    });
    try {
      const driver = driverFor(spec.backend);
      driver.beforeConnect?.(spec);
      await attempt.initialize();
      await driver.afterConnect?.(attempt);
      return { dataSource: attempt, galera: await inspectServer(spec, attempt) };
    } catch (cause) {
      await attempt.destroy().catch(() => undefined);
      throw cause;
    }
  });
  log.verbose(`Connected to ${describeTarget(spec)}`);
  if (galera) log.verbose(describeForLog(galera));
  return {
    spec,
    dialect: dialectFor(spec.backend),
    dataSource,
    sql: dataSource,
    log,
    galera,
    prepareConnection: (sql) => applySessionSettings(galera, sql),
    sessionStatements: sessionStatements(galera),
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
  const { client, galera } = await connectWithRetries(spec, options, log, async () => {
    const attempt = await openDriverClient(spec, log, secretsOf(spec));
    try {
      const node = await inspectServer(spec, attempt);
      await applySessionSettings(node, attempt);
      return { client: attempt, galera: node };
    } catch (cause) {
      await attempt.close().catch(() => undefined);
      throw cause;
    }
  });
  log.verbose(`Connected to ${describeTarget(spec)}`);
  if (galera) log.verbose(describeForLog(galera));
  try {
    return await work({ spec, dialect: dialectFor(spec.backend), sql: client, log, galera });
  } catch (error) {
    // As withRunner does for TypeORM's connections (all TypeORM work goes through it).
    throw environmentFailure(error) ?? error;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * What the server behind a new connection is, when that changes what the tool does: a Galera node
 * (MySQL backends only). A node that may not be used yet fails the attempt with an error that the
 * connection retries treat as a server still starting.
 */
async function inspectServer(spec: ConnectionSpec, sql: SqlExecutor): Promise<GaleraNode | undefined> {
  const node = await driverFor(spec.backend).describeCluster?.(sql);
  const notReady = node && notReadyReason(node);
  if (notReady) throw new GaleraNodeNotReady(notReady);
  return node;
}

/**
 * One more connection to the session's database, with the same settings, for work that must go on
 * while the session's own connection is busy (the Galera run lock's heartbeat). Closed by the caller.
 */
export async function openSideConnection(session: SessionBase): Promise<DriverClient> {
  const client = await openDriverClient(session.spec, session.log, secretsOf(session.spec));
  try {
    await applySessionSettings(session.galera, client);
    return client;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

/** The session settings every connection to this server needs (Galera's causal reads). */
function sessionStatements(galera: GaleraNode | undefined): readonly string[] {
  return galera ? GALERA_SESSION_STATEMENTS : [];
}

async function applySessionSettings(galera: GaleraNode | undefined, sql: SqlExecutor): Promise<void> {
  for (const statement of sessionStatements(galera)) await sql.query(statement);
}
