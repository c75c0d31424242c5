import { ConnectionError, EnvironmentError, UserError } from '../errors';

/** Driver error codes that mean the server ended the connection, not that the statement was wrong. */
const LOST_CONNECTION = new Set([
  'PROTOCOL_CONNECTION_LOST', // mysql2: the server closed the connection
  'ER_CONNECTION_KILLED', // MySQL/MariaDB: KILL of this connection
  'ECONNRESET',
  'EPIPE',
  '57P01', // PostgreSQL admin_shutdown: pg_terminate_backend, server stop
  '57P02', // crash_shutdown
]);

/** Driver error codes for a full disk or table. */
const NO_SPACE = new Set([
  'SQLITE_FULL',
  '53100', // PostgreSQL disk_full
  'ER_RECORD_FILE_FULL', // MySQL: the table is full
  'ER_DISK_FULL',
  'ENOSPC',
]);

/**
 * The failure as one line for operators when the connection was lost or the disk is full; undefined
 * for any other error. Those get no "run with --debug" hint: the stack trace would not help.
 */
export function environmentFailure(error: unknown): UserError | undefined {
  const err = error as { code?: string; message?: string; fatal?: boolean; driverError?: { fatal?: boolean } } | undefined;
  // mysql2 marks fatal the errors after which its connection is closed. Some carry no code: a
  // statement sent after the server dropped the connection fails with "Can't add new command when
  // connection is in closed state".
  if (err && !err.code && (err.fatal === true || err.driverError?.fatal === true)) {
    return new ConnectionError(`Lost the connection to the database: ${String(err.message).replace(/\s*\n\s*/g, ' ')}`);
  }
  const code = err?.code;
  if (!code) return undefined;
  const reason = String(err.message ?? code).replace(/\s*\n\s*/g, ' ');
  if (LOST_CONNECTION.has(code)) return new ConnectionError(`Lost the connection to the database: ${reason}`);
  if (NO_SPACE.has(code)) return new EnvironmentError(`The database ran out of space: ${reason}`);
  return undefined;
}
