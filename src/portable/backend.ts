import type { QueryRunner } from 'typeorm';

/**
 * The three database families a revision has to serve. MariaDB is MySQL here: it names keys, types and
 * indexes the same way, and TypeORM drives both with one query runner.
 */
export type Backend = 'postgres' | 'mysql' | 'sqlite';

/**
 * Which backend a query runner talks to, read from the DataSource options the runtime built
 * (`type: 'postgres' | 'mysql' | 'mariadb' | 'better-sqlite3'`). Revisions branch on this only where
 * the backends really differ (names, types, what an ALTER can do), never to pick a code path for taste.
 */
export function backendOf(queryRunner: QueryRunner): Backend {
  const type = queryRunner.connection.driver.options.type;
  switch (type) {
    case 'postgres':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'better-sqlite3':
      return 'sqlite';
    default:
      throw new Error(`Watcher revisions do not support the "${type}" database driver`);
  }
}
