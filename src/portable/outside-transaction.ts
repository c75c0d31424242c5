import type { MigrationContext } from './context';

/**
 * Some steps must not run inside the revision's transaction: PostgreSQL refuses CREATE INDEX
 * CONCURRENTLY in a transaction block, a VALIDATE CONSTRAINT is only cheap when the ADD ... NOT VALID
 * before it has committed (else its lock is held through the scan), and a batched data change must
 * commit each batch so that its row locks do not pile up. The runtime, which owns the revision's
 * transaction, lends the kit a way to step out of it (Alembic's autocommit_block).
 */
export interface TransactionControl {
  /** Commits the revision's work so far, runs `work` outside any transaction, then opens a new one. */
  outside<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Runs `work` outside the revision's transaction, through the control the runtime lent (a run's; a
 * script's, COMMIT and BEGIN around it; the plan's recording, what the run does). Without one (a kit
 * function called on a bare runner) `work` just runs.
 */
export async function outsideTransaction<T>(db: MigrationContext, work: () => Promise<T>): Promise<T> {
  if (!db.transactions) return work();
  db.committedPart = true;
  return db.transactions.outside(work);
}

/**
 * Whether outsideTransaction really runs `work` outside any transaction: with a control lent, or on
 * a runner with no transaction open. A kit function called inside a transaction that nobody lent it
 * a way out of cannot use the forms PostgreSQL refuses there (CREATE INDEX CONCURRENTLY) or that
 * only help across transactions (NOT VALID, then VALIDATE): it uses the plain form, as before.
 */
export function canRunOutsideTransaction(db: MigrationContext): boolean {
  return db.transactions !== undefined || !db.runner.isTransactionActive;
}

/**
 * Whether part of the revision now running has already been committed (by an outsideTransaction
 * step), so that a retry of the revision finds some of its work done and must skip it, as on MySQL.
 */
export function hasCommittedPart(db: MigrationContext): boolean {
  return db.committedPart;
}
