import { Backend, Dialect } from './dialect';
import { MysqlDialect } from './mysql';
import { PostgresDialect } from './postgres';
import { SqliteDialect } from './sqlite';

export { Backend, Dialect };

export function dialectFor(backend: Backend): Dialect {
  switch (backend) {
    case 'postgres':
      return new PostgresDialect();
    case 'mysql':
      return new MysqlDialect();
    case 'sqlite':
      return new SqliteDialect();
  }
}
