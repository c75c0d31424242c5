import type { DataSourceOptions } from 'typeorm';
import type { Backend } from '../../dialect/backend';
import type { GaleraNode } from '../galera';
import type { SqlExecutor } from '../sql-executor';
import type { ConnectionSpec } from '../url';

/** What a driver gives back for a statement: its rows, and how many rows it changed. */
export type Execute = (sql: string, parameters: unknown[]) => Promise<{ rows: unknown[]; changed: number }>;

/** A bare driver connection, before the SQL log and the rest of driver-client.ts wrap it. */
export interface DriverConnection {
  execute: Execute;
  close: () => Promise<void>;
}

/**
 * How the tool reaches one backend: the TypeORM options and the bare driver for a URL, and what a
 * connection failure means there. One implementation per backend (drivers/postgres.ts, mysql.ts,
 * sqlite.ts), loaded only for the backend a URL names.
 */
export interface BackendDriver {
  /** TypeORM DataSource options. A command-line tool needs one connection (plus one for TypeORM), never a pool. */
  dataSourceOptions(spec: ConnectionSpec): DataSourceOptions;
  /** Opens the driver itself, without TypeORM. Its errors are thrown as the driver raised them. */
  connect(spec: ConnectionSpec): Promise<DriverConnection>;
  /** Where we connect, as an operator would write it: host:port, socket or file. */
  describeTarget(spec: ConnectionSpec): string;
  /** What follows the target in a connection error: the database on a server; nothing for a file. */
  describeDatabase(spec: ConnectionSpec): string;
  /** Whether a failed connection may succeed if tried again (a server starting); never for a file. */
  readonly connectFailuresMayPass: boolean;
  /** What ENOENT means here: a missing socket, or a missing directory. */
  readonly missingPathReason: string;
  /** Checked before TypeORM connects (which would create a missing SQLite directory). */
  beforeConnect?(spec: ConnectionSpec): void;
  /** The cluster node behind a new connection, where the backend has such clusters (Galera). */
  describeCluster?(sql: SqlExecutor): Promise<GaleraNode | undefined>;
  /** Checked once TypeORM has connected (a file that is not a database is found only by reading it). */
  afterConnect?(sql: SqlExecutor): Promise<void>;
}

/** The driver of a backend, loaded on first use: a SQLite run does not load the servers' code. */
export function driverFor(backend: Backend): BackendDriver {
  return LOADERS[backend]();
}

const LOADERS: { [B in Backend]: () => BackendDriver } = {
  postgres: () => (require('./postgres') as typeof import('./postgres')).postgresDriver,
  mysql: () => (require('./mysql') as typeof import('./mysql')).mysqlDriver,
  sqlite: () => (require('./sqlite') as typeof import('./sqlite')).sqliteDriver,
};

/** host:port, with IPv6 addresses in brackets; `socket /path` for a socket. */
export function serverTarget(spec: ConnectionSpec, defaultPort: number): string {
  if (spec.socketPath) return `socket ${spec.socketPath}`;
  const host = spec.host ?? 'localhost';
  return `${host.includes(':') ? `[${host}]` : host}:${spec.port ?? defaultPort}`;
}

/** The TypeORM options both servers take alike: one connection (plus one for TypeORM's own bookkeeping), never a pool. */
export function serverLogin(p: { host: string; port?: number; user?: string; password?: string; database?: string }) {
  return { host: p.host, port: p.port, username: p.user, password: p.password, database: p.database, poolSize: 2 };
}

export function serverDatabase(spec: ConnectionSpec): string {
  return spec.database ? ` (database '${spec.database}')` : '';
}
