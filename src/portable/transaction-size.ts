import type { QueryRunner } from 'typeorm';

/**
 * How many rows one statement of a revision that commits on its own (a batched data change) may
 * change, when the server limits it: on a Galera cluster, the write-set limits and the other nodes'
 * stall (src/connection/galera.ts). The runtime sets it on the runner it hands revisions.
 */
const LIMIT = Symbol.for('watcher-db-manage.rows-per-transaction');

export function setRowsPerTransaction(queryRunner: QueryRunner, rows: number | undefined): void {
  (queryRunner as unknown as Record<symbol, unknown>)[LIMIT] = rows;
}

/** The limit, or undefined when the server has none. */
export function rowsPerTransaction(queryRunner: QueryRunner): number | undefined {
  return (queryRunner as unknown as Record<symbol, unknown>)[LIMIT] as number | undefined;
}
