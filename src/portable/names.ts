/*
 * Upstream leaves primary and foreign keys unnamed, so each server names them itself, and later
 * migrations (Watcher's and operators' own) drop them by those names. TypeORM would instead invent
 * hashed names (PK_..., FK_...), so we compute the server's own names (Dialect.primaryKeyName, foreignKeyName) and pass them explicitly.
 */

/**
 * MySQL needs an index on a foreign key's columns and creates one when the table has none; since
 * our constraint is named, MySQL would name that index after the constraint (`<table>_ibfk_1`). For an
 * unnamed constraint, as upstream creates it, the index is named after the first column (`goal_id`),
 * so we create that index ourselves, under that name, before the constraint needs it.
 */
export function foreignKeyIndexName(columns: string[]): string {
  return columns[0];
}
