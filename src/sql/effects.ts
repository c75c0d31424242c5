/**
 * What one SQL statement does to the server, as the statement reader (classify*.ts) tells it: the
 * words the plan prints and the runtime's lock policy acts on.
 */

/** A lock one statement takes on one table, in the server's own terms. */
export interface TableLock {
  table: string;
  mode: string;
}

export type StatementKind =
  /** Changes a table's definition (CREATE/ALTER/DROP TABLE, indexes, constraints). */
  | 'ddl'
  /** Reads or writes rows (a data revision's UPDATE, a table rebuild's copy). */
  | 'dml'
  /** The run's own bookkeeping: alembic_version created or moved to the next revision. */
  | 'version'
  /** BEGIN / COMMIT around a step that runs outside the revision's transaction: not a table statement. */
  | 'transaction'
  /** A session setting (SET ..., PRAGMA ...): not a table statement. */
  | 'session'
  /**
   * PostgreSQL: a table lock taken without queueing (LOCK TABLE ... NOWAIT) before the statement
   * that needs it: it waits for nobody, and fails at once when the lock is taken.
   */
  | 'lock'
  /** The run lock's own statements (Galera's lease: a row in a table of the tool's own, made and dropped by the run). */
  | 'run_lock'
  /** MariaDB: a form of ALTER (ALGORITHM=, LOCK=) the server refuses before touching the table; the run then sends the next form. */
  | 'refused'
  /** A statement the classifier does not know; shown as it is, with no claim about it. */
  | 'other';

export type MysqlAlgorithm = 'INSTANT' | 'INPLACE' | 'COPY';
export type MysqlLockLevel = 'NONE' | 'SHARED' | 'EXCLUSIVE';
