import type { Backend } from './backend';

/**
 * The n-th (1-based) bound parameter in SQL sent through `queryRunner.query(sql, params)`: pg numbers
 * them ($1, $2, ...), mysql2 and better-sqlite3 take positional `?`.
 */
export function placeholder(backend: Backend, n: number): string {
  return backend === 'postgres' ? `$${n}` : '?';
}
