import type { MigrationContext } from './context';
import { isOffline } from './offline';
import { hasCommittedPart } from './outside-transaction';

/**
 * Whether the kit's operations skip a step whose work is already in the database.
 *
 * MySQL commits each DDL statement at once, and the version row moves only after the whole revision.
 * A run that stops in the middle of a revision (killed, connection lost, server restarted) therefore
 * leaves part of it applied with alembic_version still at the previous revision, and the rerun starts
 * that revision again from its first step: without this, it stops at once ("Table 'goals' already
 * exists", "Duplicate column name 'data'") and the operator has to repair by hand. So, on MySQL only,
 * creating a table or adding a column that is already there, and dropping one that is already gone,
 * does nothing; every revision then resumes where the interrupted run stopped.
 *
 * PostgreSQL and SQLite roll an interrupted revision back whole, so there such a step finding its
 * work done means the database is not what the chain says it is, and it fails, as with Alembic.
 * The same holds there for a revision retried after one of its steps ran outside its transaction
 * (outside-transaction.ts) and so committed what came before it.
 * Offline scripts read nothing and check nothing.
 */
export function resumable(db: MigrationContext): boolean {
  if (isOffline(db)) return false;
  return !db.dialect.transactionalDdl || hasCommittedPart(db);
}
