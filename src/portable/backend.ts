import type { QueryRunner } from 'typeorm';
import type { Backend } from '../dialect/backend';
import { Dialect, dialectOfDriverType } from '../dialect';

export type { Backend };

/**
 * The dialect of the database a query runner talks to, read from the DataSource options the runtime
 * built (`type: 'postgres' | 'mysql' | 'mariadb' | 'better-sqlite3'`).
 */
export function dialectOf(queryRunner: QueryRunner): Dialect {
  return dialectOfDriverType(String(queryRunner.connection.driver.options.type));
}

/**
 * Which backend a query runner talks to. Revisions branch on this only where the backends really
 * differ (names, types, what an ALTER can do), never to pick a code path for taste.
 */
export function backendOf(queryRunner: QueryRunner): Backend {
  return dialectOf(queryRunner).backend;
}
