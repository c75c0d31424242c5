import type { DataSourceOptions } from 'typeorm';
import { connectTimeoutMs, serverParameters } from './connect-parameters';
import { ConnectionSpec } from './url';

/**
 * TypeORM options for a parsed connection URL. A command-line tool needs one connection (plus one
 * for TypeORM's own bookkeeping), never a pool.
 */
export function dataSourceOptions(spec: ConnectionSpec): DataSourceOptions {
  if (spec.backend === 'sqlite') {
    return { type: 'better-sqlite3', database: spec.sqlitePath ?? ':memory:', timeout: connectTimeoutMs(spec) };
  }
  const server = serverParameters(spec);
  const common = {
    host: server.host,
    port: server.port,
    username: server.user,
    password: server.password,
    database: server.database,
    poolSize: 2,
  };
  if (spec.backend === 'postgres') {
    return {
      type: 'postgres',
      ...common,
      connectTimeoutMS: server.timeoutMs,
      ssl: server.ssl as { rejectUnauthorized: boolean } | undefined,
      applicationName: 'watcher-db-manage',
    };
  }
  return {
    type: 'mysql',
    ...common,
    socketPath: server.socketPath,
    charset: server.charset,
    connectTimeout: server.timeoutMs,
    ssl: server.ssl as { ca: string } | undefined,
    // Keep DATETIME values as the strings the server sends: no time zone shifting.
    dateStrings: true,
  };
}
