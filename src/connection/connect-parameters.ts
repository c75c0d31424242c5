import { ConnectionSpec } from './url';

/** Seconds to wait for a server before giving up, when the URL's connect_timeout does not say. */
export const DEFAULT_CONNECT_TIMEOUT_S = 10;

/** How to reach a server, decided once from the URL for TypeORM and for the bare drivers alike. */
export interface ServerParameters {
  /** A host name or address; for PostgreSQL it may be the socket directory. */
  host: string;
  port?: number;
  /** MySQL only: the Unix socket file. */
  socketPath?: string;
  user?: string;
  password?: string;
  database?: string;
  timeoutMs: number;
  ssl?: boolean | { rejectUnauthorized: boolean } | { ca: string };
  /** MySQL only. */
  charset?: string;
}

export function connectTimeoutMs(spec: ConnectionSpec): number {
  const seconds = Number(spec.options.connect_timeout ?? DEFAULT_CONNECT_TIMEOUT_S);
  return Math.max(1, Number.isFinite(seconds) ? seconds : DEFAULT_CONNECT_TIMEOUT_S) * 1000;
}

export function serverParameters(spec: ConnectionSpec): ServerParameters {
  const common = {
    port: spec.port,
    user: spec.username,
    password: spec.password,
    database: spec.database,
    timeoutMs: connectTimeoutMs(spec),
  };
  if (spec.backend === 'postgres') {
    // libpq's host=/dir (or a host starting with /) is a socket directory; pg accepts the same.
    return { ...common, host: spec.socketPath ?? spec.host ?? 'localhost', ssl: postgresSsl(spec.options.sslmode) };
  }
  return {
    ...common,
    host: spec.host ?? 'localhost',
    socketPath: spec.socketPath,
    charset: spec.options.charset ?? 'utf8mb4',
    ssl: spec.options.ssl_ca ? { ca: spec.options.ssl_ca } : undefined,
  };
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
