import { ConnectionError } from '../errors';
import { redactSecrets, secretsInUrl } from './redact';
import { isNodeNotReadyError } from './galera';
import { ConnectionSpec } from './url';
import { driverFor } from './drivers/driver';
import { dialectFor } from '../dialect';

/** Where we tried to connect, as an operator would write it: host:port, socket or file. */
export function describeTarget(spec: ConnectionSpec): string {
  return driverFor(spec.backend).describeTarget(spec);
}

/**
 * Turns a driver's connection failure into one line that names the server and the reason, and
 * never the password (drivers sometimes echo connection parameters).
 */
export function connectionError(spec: ConnectionSpec, cause: unknown): ConnectionError {
  const err = cause as { code?: string; errno?: number; message?: string };
  const reason = reasonFor(spec, err);
  const driver = driverFor(spec.backend);
  const line = `Cannot connect to ${dialectFor(spec.backend).displayName} at ${driver.describeTarget(spec)}${driver.describeDatabase(spec)}: ${reason}`;
  return new ConnectionError(redactSecrets(line.replace(/\s*\n\s*/g, ' '), secretsOf(spec)));
}

/**
 * Whether a failed connection may succeed if tried again (oslo.db retries what it maps to
 * DBConnectionError): the server is not listening yet, is starting up or shutting down, has no free
 * connection slot, or the network or DNS did not answer. A refused password, a missing database, a
 * bad URL or anything SQLite says will not change by waiting, so those fail at once.
 */
export function isTransientConnectError(spec: ConnectionSpec, cause: unknown): boolean {
  if (!driverFor(spec.backend).connectFailuresMayPass) return false;
  // A Galera node outside the primary component, donor, desynced or joining: it will be back.
  if (isNodeNotReadyError(cause)) return true;
  const err = cause as { code?: string; message?: string };
  switch (err.code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ENOENT': // a server socket that does not exist yet
    case '57P03': // PostgreSQL: the database system is starting up
    case '53300': // PostgreSQL: too many connections
    case 'ER_CON_COUNT_ERROR': // MySQL: too many connections
    case 'ER_SERVER_SHUTDOWN':
    case 'PROTOCOL_CONNECTION_LOST': // MySQL: the server went away
      return true;
  }
  // pg reports its own connect timeout and a server closing on it without a code.
  return /^(timeout expired|Connection terminated unexpectedly)/.test(err.message ?? '');
}

/** Every form of every password the connection's URL holds (user-info and query), raw and decoded. */
export function secretsOf(spec: ConnectionSpec): string[] {
  return [...new Set([...secretsInUrl(spec.url), ...(spec.password ? [spec.password] : [])])];
}

function reasonFor(spec: ConnectionSpec, err: { code?: string; message?: string }): string {
  if (err.code !== 'WDM_GALERA_NOT_READY' && isNodeNotReadyError(err)) {
    return `the Galera node is not ready (${(err.message ?? '').trim()})`;
  }
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running and listening there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `unknown host '${spec.host}'`;
    case 'ETIMEDOUT':
    case 'ETIMEOUT':
      return 'timed out';
    case 'ENOENT':
      return driverFor(spec.backend).missingPathReason;
    case 'EACCES':
      return 'permission denied';
    case '28P01':
    case '28000':
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return `access denied for user '${spec.username ?? ''}'`;
    case '3D000':
    case 'ER_BAD_DB_ERROR':
      return 'the database does not exist';
    case 'SQLITE_CANTOPEN':
      return 'cannot open the database file';
    case 'SQLITE_NOTADB':
      return 'the file is not an SQLite database';
  }
  const message = err.message ?? String(err);
  if (/timeout/i.test(message)) return 'timed out';
  if (/directory does not exist/i.test(message)) return 'the directory does not exist';
  return message;
}
