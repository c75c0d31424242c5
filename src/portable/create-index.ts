import { AddIndex, DropIndex } from '../operations';
import { apply } from './apply';
import type { MigrationContext } from './context';

/** An index as upstream declares it (`op.create_index(name, table, columns, unique=...)`). */
export interface IndexDef {
  name: string;
  columns: string[];
  unique?: boolean;
}

/**
 * `op.create_index`: the same index on every backend, built in the least blocking way each offers:
 * - PostgreSQL: `CREATE [UNIQUE] INDEX CONCURRENTLY` outside the revision's transaction (a plain
 *   CREATE INDEX blocks writes for the whole build); see buildIndexConcurrently. Inside a transaction
 *   the runtime lent no way out of, the plain CREATE INDEX.
 * - MySQL: `ALTER TABLE ... ADD [UNIQUE] INDEX`, asked for INPLACE with LOCK=NONE (mysql-algorithm.ts).
 * - SQLite: CREATE INDEX (no other writer runs during a migration anyway).
 */
export async function createIndex(db: MigrationContext, tableName: string, def: IndexDef): Promise<void> {
  await apply(db, new AddIndex(tableName, { ...def, unique: def.unique === true }));
}

/**
 * `op.drop_index`, as createIndex builds it: PostgreSQL `DROP INDEX CONCURRENTLY` outside the
 * revision's transaction (which also drops an INVALID one), MySQL `ALTER TABLE ... DROP INDEX` in the
 * least blocking form, SQLite DROP INDEX. An index already dropped by an interrupted run of this
 * revision is not asked for again (resumable.ts).
 */
export async function dropIndex(db: MigrationContext, tableName: string, name: string): Promise<void> {
  await apply(db, new DropIndex(tableName, name));
}
