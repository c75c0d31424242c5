import { AddUnique, DropUnique } from '../operations';
import type { KeyModel } from '../schema/model';
import { apply } from './apply';
import type { MigrationContext } from './context';

/** A unique constraint; SQLite may hold unnamed ones, which are found by their columns. */
export type UniqueDef = KeyModel;

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
  await apply(db, new AddUnique(tableName, def));
}

/** `op.drop_constraint(name, table, type_='unique')`, per backend as addUnique. */
export async function dropUnique(db: MigrationContext, tableName: string, def: UniqueDef): Promise<void> {
  await apply(db, new DropUnique(tableName, def));
}
