import type { DataSource } from 'typeorm';
import { Dialect, dialectFor } from '../dialect';
import { Logger, silentLogger } from '../log';
import { connectionError, describeTarget, secretsOf } from './connect-error';
import { dataSourceOptions } from './data-source-options';
import { SqlLogger } from './sql-logger';
import { ConnectionSpec, parseConnectionUrl } from './url';

/** An open connection to the database a command works on. */
export interface Session {
  spec: ConnectionSpec;
  dialect: Dialect;
  dataSource: DataSource;
  log: Logger;
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
    await dataSource.initialize();
  } catch (cause) {
    await dataSource.destroy().catch(() => undefined);
    throw connectionError(spec, cause);
  }
  log.verbose(`Connected to ${describeTarget(spec)}`);
  return {
    spec,
    dialect: dialectFor(spec.backend),
    dataSource,
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
