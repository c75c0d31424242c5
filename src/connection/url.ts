import * as path from 'node:path';
import { UrlError } from '../errors';
import { redactUrl } from './redact';
import { QueryPair, parseQsl, splitUrl, unquote } from './url-syntax';

import type { Backend } from '../dialect/backend';

export type { Backend };

export interface ConnectionSpec {
  backend: Backend;
  /** The URL as given. Holds the password: never print it, print redactedUrl. */
  url: string;
  redactedUrl: string;
  /** The DBAPI named after '+', e.g. 'pymysql'; undefined for a bare scheme. */
  driver?: string;
  /** Without brackets for IPv6. Undefined when the URL has none: the connector decides. */
  host?: string;
  /** Undefined when the URL has none: the connector applies 5432 / 3306. */
  port?: number;
  username?: string;
  /** Decoded; from the user-info or the query (`?password=`, MySQL also `?passwd=`), as the drivers read it. */
  password?: string;
  database?: string;
  /** MySQL `?unix_socket=/path`, or PostgreSQL `?host=/dir` (the directory of the socket). */
  socketPath?: string;
  /** SQLite only: an absolute path, or ':memory:'. */
  sqlitePath?: string;
  /** Query options other than the ones above (charset, sslmode, connect_timeout, ...). */
  options: Record<string, string>;
}

/** Accepted schemes (in the order error messages list them) and what they mean. */
const SCHEMES = new Map<string, { backend: Backend; driver?: string }>([
  ['sqlite', { backend: 'sqlite' }],
  ['mysql', { backend: 'mysql' }],
  ['mysql+pymysql', { backend: 'mysql', driver: 'pymysql' }],
  ['mysql+mysqldb', { backend: 'mysql', driver: 'mysqldb' }],
  ['mysql+mysqlconnector', { backend: 'mysql', driver: 'mysqlconnector' }],
  ['postgresql', { backend: 'postgres' }],
  ['postgresql+psycopg2', { backend: 'postgres', driver: 'psycopg2' }],
  ['postgres', { backend: 'postgres' }],
]);

/**
 * Parses a SQLAlchemy database URL as Watcher's config holds it (see SCHEMES for the accepted
 * schemes). Relative SQLite paths (`sqlite:///watcher.db`) are resolved against `cwd`.
 */
export function parseConnectionUrl(url: string, cwd: string = process.cwd()): ConnectionSpec {
  const redactedUrl = redactUrl(url);
  const fail = (why: string): never => {
    throw new UrlError(`Invalid database URL ${oneLine(redactedUrl)}: ${why}`);
  };

  // The grammar's character classes match line breaks, but a URL never holds one: it comes
  // from a config value continued by an indented line.
  if (/[\r\n]/.test(url)) fail('it spans more than one line');
  const m = splitUrl(url) ?? fail('expected scheme://[user[:password]@][host][:port][/database][?options]');
  const scheme = SCHEMES.get(m.scheme);
  if (!scheme) {
    throw new UrlError(
      `Unsupported database URL scheme '${m.scheme}' in ${oneLine(redactedUrl)}; accepted: ${[...SCHEMES.keys()].join(', ')}`,
    );
  }

  const query = parseQsl(m.query);
  const spec: ConnectionSpec = { ...scheme, url, redactedUrl, options: optionsOf(query) };
  if (m.username !== undefined) spec.username = unquote(m.username);
  if (m.password !== undefined) spec.password = unquote(m.password);
  const host = m.ipv6host ?? m.ipv4host;
  if (host?.includes('@')) {
    // SQLAlchemy would take the password to end at the first '@' and the rest as host name.
    fail("more than one '@' (write '@' in a user name or password as %40)");
  }
  if (host !== undefined) spec.host = host;
  if (m.port !== undefined) {
    // SQLAlchemy does int(port): an empty or non-numeric port is an error.
    const port = /^\d{1,5}$/.test(m.port) ? Number(m.port) : NaN;
    if (!(port >= 1 && port <= 65535)) fail(`port '${m.port}' is not a number from 1 to 65535`);
    spec.port = port;
  }
  if (m.database !== undefined) spec.database = m.database; // SQLAlchemy does not unquote it

  if (spec.options.connect_timeout !== undefined && !/^\d+$/.test(spec.options.connect_timeout)) {
    fail(`connect_timeout '${spec.options.connect_timeout}' is not a whole number of seconds`);
  }

  switch (spec.backend) {
    case 'sqlite':
      if (host !== undefined || m.username !== undefined || m.port !== undefined) {
        // `sqlite://dir/x.db` would otherwise quietly open an in-memory or wrong database.
        fail('SQLite takes no host, user or port (use sqlite:///relative/path or sqlite:////absolute/path)');
      }
      spec.sqlitePath = !spec.database || spec.database === ':memory:' ? ':memory:' : path.resolve(cwd, spec.database);
      break;
    case 'mysql': {
      const socket = takeOption(spec.options, 'unix_socket');
      if (socket !== undefined) spec.socketPath = socket;
      // SQLAlchemy passes the query to PyMySQL as connect arguments after the URL's own, so
      // `password` wins over the user-info one, and PyMySQL takes `passwd` only when that is empty.
      const password = takeOption(spec.options, 'password') ?? spec.password;
      const passwd = takeOption(spec.options, 'passwd');
      const chosen = password || passwd;
      if (chosen !== undefined) spec.password = chosen;
      break;
    }
    case 'postgres': {
      // psycopg2 hands the query to libpq as connection parameters, after the URL's own.
      const password = takeOption(spec.options, 'password');
      if (password !== undefined) spec.password = password;
      // libpq: a `host` option that is a path names the socket directory; otherwise a host.
      const queryHost = takeOption(spec.options, 'host');
      if (queryHost?.startsWith('/')) spec.socketPath = queryHost;
      else if (queryHost !== undefined) spec.host = queryHost;
      break;
    }
  }
  return spec;
}

/**
 * The query's options, decoded (parseQsl). A repeated key keeps its last value. A password key
 * that the backend does not read stays here, unused (redaction still hides it: redact.ts).
 */
function optionsOf(query: QueryPair[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (const { key, value } of query) options[key] = value;
  return options;
}

function takeOption(options: Record<string, string>, key: string): string | undefined {
  const value = options[key];
  delete options[key];
  return value;
}

/** Messages are one line: show a URL with control characters quoted and escaped. */
function oneLine(text: string): string {
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text) : text;
}
