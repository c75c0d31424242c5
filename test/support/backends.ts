// Temporary databases on the three backends, and a way to query them, for the mocha tests.
// Everything goes through the CLI clients (psql, mariadb, sqlite3) on purpose: the helpers must not share
// drivers or code with the tool under test, or a bug there could hide itself.
// The servers come from test/support/run-with-servers.js (via `npm test`), which sets WDM_TEST_*_URL.
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

export type Backend = 'sqlite' | 'postgresql' | 'mysql';
export const BACKENDS: Backend[] = ['sqlite', 'postgresql', 'mysql'];

export interface TempDatabase {
  /** SQLAlchemy-style URL: sqlite:////abs/path, postgresql://user@host:port/db, mysql+pymysql://user@host:port/db */
  url: string;
  /** database name (for sqlite: the file path) */
  name: string;
  drop(): Promise<void>;
}

const SERVER_ENV: Record<Exclude<Backend, 'sqlite'>, string> = {
  postgresql: 'WDM_TEST_PG_URL',
  mysql: 'WDM_TEST_MYSQL_URL',
};

/** The backend a SQLAlchemy-style URL points at (`postgresql+psycopg2://` counts as postgresql). */
export function backendOf(url: string): Backend {
  const scheme = url.slice(0, url.indexOf(':')).split('+')[0];
  if (scheme === 'sqlite' || scheme === 'postgresql' || scheme === 'mysql') return scheme;
  if (scheme === 'postgres') return 'postgresql';
  throw new Error(`unsupported database URL: ${url}`);
}

/** File path of a sqlite:///relative or sqlite:////absolute URL. */
export function sqlitePath(url: string): string {
  const m = /^sqlite:\/\/\/(.+)$/.exec(url);
  if (!m) throw new Error(`not a file-based sqlite URL: ${url}`);
  return m[1];
}

/** The same server with another database name. */
function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export function serverUrl(backend: Exclude<Backend, 'sqlite'>): string {
  const name = SERVER_ENV[backend];
  const url = process.env[name];
  if (!url) {
    // A missing server must fail the run: a silently skipped backend is how backend bugs ship.
    throw new Error(`${name} is not set: run the tests via \`npm test\` (test/support/run-with-servers.js starts the database servers)`);
  }
  return url;
}

/** A binary of the PostgreSQL version the test server runs (pg_dump refuses older servers' newer peers). */
export function pgTool(name: string): string {
  const dir = process.env.WDM_TEST_PG_BIN;
  return dir ? path.join(dir, name) : name;
}

/** Connection arguments for the mariadb/mysqldump clients, and the password (if any) for MYSQL_PWD. */
export function mysqlClientArgs(url: string): { args: string[]; env: NodeJS.ProcessEnv; database: string } {
  const u = new URL(url);
  const args = ['--no-defaults', '--protocol=TCP', '-h', u.hostname || '127.0.0.1', '-P', u.port || '3306', '-u', decodeURIComponent(u.username || 'root')];
  const env = { ...process.env, MYSQL_PWD: decodeURIComponent(u.password) };
  return { args, env, database: decodeURIComponent(u.pathname.replace(/^\//, '')) };
}

/** libpq takes a URI without the SQLAlchemy driver suffix. */
export function libpqUrl(url: string): string {
  return url.replace(/^postgresql\+[a-z0-9]+:/, 'postgresql:');
}

/**
 * Run SQL through the backend's CLI client and return its stdout. Output formats differ per client:
 * psql -At: `|`-separated, NULL is empty; mariadb -N -B: tab-separated, NULL is `NULL`;
 * sqlite3: `|`-separated, NULL is empty. Any SQL error throws (with the client's message).
 */
export function sqlQuery(url: string, sql: string): string {
  // Up to 1 GB of output: whole-table snapshots of the fault tests can be large.
  const opts = { input: sql, encoding: 'utf8' as const, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'] };
  switch (backendOf(url)) {
    case 'postgresql':
      return execFileSync(pgTool('psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', libpqUrl(url), '-f', '-'], opts);
    case 'mysql': {
      const { args, env, database } = mysqlClientArgs(url);
      return execFileSync('mariadb', [...args, '-N', '-B', database], { ...opts, env });
    }
    case 'sqlite':
      return execFileSync('sqlite3', ['-bail', sqlitePath(url)], opts);
  }
}

function randomName(): string {
  return `wdm_test_${randomBytes(6).toString('hex')}`;
}

/** A new empty database (PostgreSQL: a copy of `postgresTemplate` if given); `drop()` removes it (for sqlite: its directory). */
export async function createTempDatabase(backend: Backend, options: { postgresTemplate?: string } = {}): Promise<TempDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'wdm-sqlite-'));
    const file = path.join(dir, 'x.sqlite');
    return { url: `sqlite:///${file}`, name: file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = serverUrl(backend);
  const name = randomName();
  if (backend === 'postgresql') {
    sqlQuery(admin, `CREATE DATABASE ${name}${options.postgresTemplate ? ` TEMPLATE ${options.postgresTemplate}` : ''};`);
    // FORCE: a test that failed may have left a connection open; dropping must still work.
    return { url: withDatabase(admin, name), name, drop: async () => void sqlQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE);`) };
  }
  sqlQuery(admin, `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;`);
  return { url: withDatabase(admin, name), name, drop: async () => void sqlQuery(admin, `DROP DATABASE IF EXISTS ${name};`) };
}
