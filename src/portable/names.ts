import type { Backend } from './backend';

/*
 * Upstream leaves primary and foreign keys unnamed, so each server names them itself, and later
 * migrations (Watcher's and operators' own) drop them by those names. TypeORM would instead invent
 * hashed names (PK_..., FK_...), so we compute the server's own names and pass them explicitly.
 */

/** PostgreSQL names an unnamed primary key `<table>_pkey`. MySQL's is always PRIMARY; SQLite has none. */
export function primaryKeyName(backend: Backend, table: string): string | undefined {
  return backend === 'postgres' ? `${table}_pkey` : undefined;
}

/**
 * The name the server gives an unnamed foreign key: PostgreSQL `<table>_<first column>_fkey`, MySQL
 * `<table>_ibfk_<n>` (n counts the table's foreign keys from 1, in declaration order).
 * SQLite keeps no names for foreign keys, but TypeORM always writes `CONSTRAINT "<name>"` into the
 * CREATE TABLE text (and reads it back when it rebuilds a table), so we give it the PostgreSQL-style
 * name rather than a hash: readable, stable across rebuilds, and nothing can refer to it anyway.
 */
export function foreignKeyName(backend: Backend, table: string, columns: string[], ordinal: number): string {
  return backend === 'mysql' ? `${table}_ibfk_${ordinal}` : `${table}_${columns[0]}_fkey`;
}

/**
 * MySQL needs an index on a foreign key's columns and creates one when the table has none; since
 * our constraint is named, MySQL would name that index after the constraint (`<table>_ibfk_1`). For an
 * unnamed constraint, as upstream creates it, the index is named after the first column (`goal_id`),
 * so we create that index ourselves, under that name, before the constraint needs it.
 */
export function foreignKeyIndexName(columns: string[]): string {
  return columns[0];
}
