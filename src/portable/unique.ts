import { kitImplOf } from './impl/kit-impl';
import type { MigrationContext } from './context';

/** A unique constraint; SQLite may hold unnamed ones, which are found by their columns. */
export interface UniqueDef {
  name?: string;
  columns: string[];
}

/**
 * `op.create_unique_constraint(name, table, columns)`. What each backend makes of it, as with the
 * reference, built in the least blocking way each offers:
 * - PostgreSQL: the constraint `name` UNIQUE (...). `ADD CONSTRAINT name UNIQUE (...)` would build its
 *   index under ACCESS EXCLUSIVE, blocking reads and writes for the whole build; instead, outside the
 *   revision's transaction, `CREATE UNIQUE INDEX CONCURRENTLY name` and then
 *   `ADD CONSTRAINT name UNIQUE USING INDEX name`, which only attaches it (the index keeps its name,
 *   which is the constraint's, as the reference has it). Inside a transaction the runtime lent no way
 *   out of, the plain ADD CONSTRAINT.
 * - MySQL: a unique constraint is a unique index (TypeORM refuses the constraint form there), added
 *   as createIndex adds one;
 * - SQLite cannot add a constraint: the table is rebuilt with it, keeping its rows.
 */
export async function addUnique(db: MigrationContext, tableName: string, def: UniqueDef): Promise<void> {
  await kitImplOf(db).addUnique(db, tableName, def);
}

/** `op.drop_constraint(name, table, type_='unique')`, per backend as addUnique. */
export async function dropUnique(db: MigrationContext, tableName: string, def: UniqueDef): Promise<void> {
  // TypeORM reads key columns back in no particular order (PostgreSQL's sorted by name).
  const wanted = [...def.columns].sort().join(',');
  const matches = (u: { name?: string; columnNames: string[] }) =>
    [...u.columnNames].sort().join(',') === wanted && (!def.name || !u.name || u.name === def.name);
  await kitImplOf(db).dropUnique(db, tableName, def, matches);
}
