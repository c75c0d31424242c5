import { kitImplOf } from './impl/kit-impl';
import type { MigrationContext } from './context';
import { resumable } from './resumable';

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
  await kitImplOf(db).createIndex(db, tableName, def);
}

/**
 * `op.drop_index`, as createIndex builds it: PostgreSQL `DROP INDEX CONCURRENTLY` outside the
 * revision's transaction (which also drops an INVALID one), MySQL `ALTER TABLE ... DROP INDEX` in the
 * least blocking form, SQLite DROP INDEX. An index already dropped by an interrupted run of this
 * revision is not asked for again (resumable.ts).
 */
export async function dropIndex(db: MigrationContext, tableName: string, name: string): Promise<void> {
  const impl = kitImplOf(db);
  if (!(await impl.hasIndex(db, tableName, name))) {
    if (resumable(db)) return;
    throw new Error(`Table "${tableName}" has no index "${name}"`);
  }
  await impl.dropIndex(db, tableName, name);
}
