import type { Backend } from './backend';
import { Dialect } from './dialect';
import { MysqlDialect } from './mysql';
import { PostgresDialect } from './postgres';
import { SqliteDialect } from './sqlite';

export { Backend, Dialect };

/** Dialects hold no state: one of each serves every connection. */
const DIALECTS: { [B in Backend]: Dialect } = {
  postgres: new PostgresDialect(),
  mysql: new MysqlDialect(),
  sqlite: new SqliteDialect(),
};

export function dialectFor(backend: Backend): Dialect {
  return DIALECTS[backend];
}

/** TypeORM's driver types: MariaDB is MySQL here, and SQLite is driven by better-sqlite3. */
const DRIVER_TYPES: Record<string, Backend> = { postgres: 'postgres', mysql: 'mysql', mariadb: 'mysql', 'better-sqlite3': 'sqlite' };

/** The dialect of a TypeORM DataSource's `type` option. */
export function dialectOfDriverType(type: string): Dialect {
  const backend = DRIVER_TYPES[type];
  if (!backend) throw new Error(`Watcher revisions do not support the "${type}" database driver`);
  return DIALECTS[backend];
}
