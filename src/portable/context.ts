import type { QueryRunner } from 'typeorm';
import { Dialect, dialectOfDriverType } from '../dialect';
import type { OfflineUse } from './offline';
import type { TransactionControl } from './outside-transaction';
import type { ProgressListener } from './progress';

/**
 * What a revision is handed, and what every kit function takes first: the TypeORM runner its
 * statements go through, the backend's dialect, and what the runtime lends this run (Alembic's
 * MigrationContext behind `op`). It is passed, not hung on the runner, so that what a kit function
 * may do is in its signature and two runs on one runner cannot see each other's settings.
 */
export interface MigrationContext {
  readonly runner: QueryRunner;
  readonly dialect: Dialect;
  /**
   * Set when nothing reaches a server: a script (`--sql`), or the run recorded for `--plan`. Reads
   * then return nothing, so revisions that need data write set-based SQL instead (offline.ts).
   */
  readonly offline?: OfflineUse;
  /** How to step out of the revision's transaction, lent by the runtime that owns it (outside-transaction.ts). */
  readonly transactions?: TransactionControl;
  /** The most rows one statement of a batched data change may change (a Galera cluster's write-set limits). */
  readonly rowsPerTransaction?: number;
  /** Told how far a long step has got. */
  readonly onProgress?: ProgressListener;
  /**
   * Whether part of the revision now running is already committed (a step outside its transaction,
   * or an interrupted run's), so that a retry finds some of its work done and skips it (resumable.ts).
   * The runtime sets it when a revision starts; stepping outside the transaction sets it too.
   */
  committedPart: boolean;
}

/** What a runtime lends a run; everything is optional, so a bare runner makes a context too (tests, tools). */
export type Lent = Partial<Omit<MigrationContext, 'runner' | 'dialect' | 'committedPart'>>;

/** A context for `runner`, of `dialect` (by default read from the runner's driver options). */
export function migrationContext(runner: QueryRunner, lent: Lent = {}, dialect = dialectOfDriverType(String(runner.connection.driver.options.type))): MigrationContext {
  return { runner, dialect, ...lent, committedPart: false };
}
