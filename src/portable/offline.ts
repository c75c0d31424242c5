import type { QueryRunner } from 'typeorm';

/**
 * Offline (`--sql`) runs hand revisions a query runner that records SQL instead of sending it and
 * answers every read with nothing. Revisions that must read data to decide what to write ask here,
 * and emit a set-based statement instead.
 */
export const OFFLINE_MARK = Symbol.for('watcher-db-manage.offline');

export function isOffline(queryRunner: QueryRunner): boolean {
  return Boolean((queryRunner as unknown as Record<symbol, unknown>)[OFFLINE_MARK]);
}
