import type { DataSourceOptions } from 'typeorm';
import { ConnectionSpec } from './url';

/** Seconds to wait for a server before giving up, when the URL's connect_timeout does not say. */
export const DEFAULT_CONNECT_TIMEOUT_S = 10;

/**
 * TypeORM options for a parsed connection URL. A command-line tool needs one connection (plus one
 * for TypeORM's own bookkeeping), never a pool.
 */
export function dataSourceOptions(spec: ConnectionSpec): DataSourceOptions {
  const timeoutS = Number(spec.options.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_S);
  const timeoutMs = Math.max(1, Number.isFinite(timeoutS) ? timeoutS : DEFAULT_CONNECT_TIMEOUT_S) * 1000;
  switch (spec.backend) {
    case 'sqlite':
      return { type: 'better-sqlite3', database: spec.sqlitePath ?? ':memory:', timeout: timeoutMs };
    case 'postgres':
      return {
        type: 'postgres',
        // libpq's host=/dir (or a host starting with /) is a socket directory; pg accepts the same.
        host: spec.socketPath ?? spec.host ?? 'localhost',
        port: spec.port,
        username: spec.username,
        password: spec.password,
        database: spec.database,
        connectTimeoutMS: timeoutMs,
        ssl: postgresSsl(spec.options.sslmode),
        applicationName: 'watcher-db-manage',
        poolSize: 2,
      };
    case 'mysql':
      return {
        type: 'mysql',
        host: spec.host ?? 'localhost',
        port: spec.port,
        socketPath: spec.socketPath,
        username: spec.username,
        password: spec.password,
        database: spec.database,
        charset: spec.options.charset ?? 'utf8mb4',
        connectTimeout: timeoutMs,
        ssl: spec.options.ssl_ca ? { ca: spec.options.ssl_ca } : undefined,
        poolSize: 2,
        // Keep DATETIME values as the strings the server sends: no time zone shifting.
        dateStrings: true,
      };
  }
}

function postgresSsl(sslmode: string | undefined): boolean | { rejectUnauthorized: boolean } | undefined {
  switch (sslmode) {
    case undefined:
    case 'disable':
    case 'allow':
    case 'prefer':
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    default:
      // verify-ca, verify-full
      return { rejectUnauthorized: true };
  }
}
