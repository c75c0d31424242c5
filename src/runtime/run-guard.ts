import type { QueryRunner } from 'typeorm';
import type { Backend } from '../dialect/backend';
import { DatabaseStateError } from '../errors';
import { Logger } from '../log';
import { SessionBase, openSideConnection } from '../connection/session';
import type { ClusterLock } from './cluster-lock';
import type { RunLockStatements } from './run-lock-statements';
import { WriteLockTurns, writeLockTurns } from '../connection/write-lock-turns';
import type { TransactionControl } from '../portable/outside-transaction';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How one backend keeps a migration run safe: a lock held for the whole run where the server has
 * one, so that two runs started together apply each revision once, and an atomic section per
 * revision, out of which the kit may step (TransactionControl) for what cannot run in a transaction.
 */
export interface RunGuard extends TransactionControl {
  /** Takes the run lock, waiting (with a message) while another run holds it. */
  acquire(): Promise<void>;
  /**
   * Runs one revision and its version update, or several consecutive ones where mayContinue allows;
   * on PostgreSQL and SQLite all or nothing.
   */
  atomically<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Inside atomically, after a revision: whether the next one may run in the same transaction rather
   * than after its commit. Only SQLite says yes, while no waiting writer is owed the lock
   * (write-lock-turns.ts): a commit costs it a journal and its fsyncs. PostgreSQL keeps each
   * revision's table locks no longer than that revision; MySQL commits every DDL statement anyway.
   */
  mayContinue(): boolean;
  release(): Promise<void>;
  /** Throws when the run lock was lost meanwhile (only a Galera lease can be); called before each revision. */
  assertHeld(): void;
}

export const WAIT_MESSAGE = 'Another watcher-db-manage run holds the migration lock on this database; waiting for it to finish';
/** Arbitrary constants that identify our advisory lock among the application's (pg_locks shows them). */
const PG_LOCK_KEY = [0x77646d, 0x6d696772];
/** How often a waiting run asks for the run lock again. */
const POLL_MS = 250;

/** `what` names the run for other runs' waiting messages: "upgrade", "stamp". */
export function runGuardFor(runner: QueryRunner, session: SessionBase, what: string): RunGuard {
  return GUARDS[session.dialect.backend](runner, session, what);
}

/**
 * What the run lock of `session` sends that changes anything (run-lock-statements.ts), for --plan:
 * Galera's lease, on a connection that sends the session's settings first; nothing elsewhere.
 */
export function runLockStatements(session: SessionBase & { sessionStatements: readonly string[] }): RunLockStatements | undefined {
  if (!session.galera) return undefined;
  const { LEASE_STATEMENTS } = require('./cluster-lock') as typeof import('./cluster-lock'); // Galera's alone
  return { ...LEASE_STATEMENTS, taking: [...session.sessionStatements, ...LEASE_STATEMENTS.taking] };
}

/** Each backend's run lock: an advisory lock, GET_LOCK (a lock row on Galera), or SQLite's write lock taken in turns. */
const GUARDS: { [B in Backend]: (runner: QueryRunner, session: SessionBase, what: string) => RunGuard } = {
  postgres: (runner, session) => new PostgresGuard(runner, session.log),
  mysql: (runner, session, what) => (session.galera ? new GaleraGuard(session, what) : new MysqlGuard(runner, session.log)),
  sqlite: (runner, session) => new SqliteGuard(runner, writeLockTurns(session.spec, (sql) => runner.query(sql))),
};

class PostgresGuard implements RunGuard {
  constructor(
    private readonly runner: QueryRunner,
    private readonly log: Logger,
  ) {}

  /**
   * Polled with pg_try_advisory_lock: a waiting pg_advisory_lock would be cut short by the session's
   * lock_timeout, which bounds waits on the services' locks, not on another run of ours.
   */
  async acquire(): Promise<void> {
    for (let announced = false; ; announced = true) {
      const [row] = await this.runner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', PG_LOCK_KEY);
      if (row.locked) return;
      if (!announced) this.log.info(WAIT_MESSAGE);
      await sleep(POLL_MS);
    }
  }

  async atomically<T>(work: () => Promise<T>): Promise<T> {
    try {
      await this.runner.startTransaction();
      const result = await work();
      await this.runner.commitTransaction();
      return result;
    } catch (error) {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  async outside<T>(work: () => Promise<T>): Promise<T> {
    if (this.runner.isTransactionActive) await this.runner.commitTransaction();
    const result = await work();
    await this.runner.startTransaction();
    return result;
  }

  async release(): Promise<void> {
    await this.runner.query('SELECT pg_advisory_unlock($1, $2)', PG_LOCK_KEY);
  }

  assertHeld(): void {}

  mayContinue(): boolean {
    return false;
  }
}

/** MySQL commits each DDL statement at once: no atomic revision, but the version follows each one. */
class MysqlGuard implements RunGuard {
  private lockName = '';

  constructor(
    private readonly runner: QueryRunner,
    private readonly log: Logger,
  ) {}

  async acquire(): Promise<void> {
    const [db] = await this.runner.query('SELECT DATABASE() AS name');
    // GET_LOCK names are server-wide; one per database lets different databases migrate at once.
    this.lockName = `watcher-db-manage:${db.name ?? ''}`.slice(0, 64);
    const [first] = await this.runner.query('SELECT GET_LOCK(?, 0) AS locked', [this.lockName]);
    if (Number(first.locked) === 1) return;
    this.log.info(WAIT_MESSAGE);
    for (;;) {
      const [row] = await this.runner.query('SELECT GET_LOCK(?, 60) AS locked', [this.lockName]);
      if (Number(row.locked) === 1) return;
    }
  }

  atomically<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  outside<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  async release(): Promise<void> {
    await this.runner.query('SELECT RELEASE_LOCK(?)', [this.lockName]);
  }

  assertHeld(): void {}

  mayContinue(): boolean {
    return false;
  }
}

/**
 * MySQL's guard on a Galera cluster: the same, with a cluster-wide lease (cluster-lock.ts) for a run
 * lock, since GET_LOCK locks one node only.
 */
class GaleraGuard implements RunGuard {
  private lock?: ClusterLock;

  constructor(
    private readonly session: SessionBase,
    private readonly what: string,
  ) {}

  async acquire(): Promise<void> {
    const { ClusterLock } = require('./cluster-lock') as typeof import('./cluster-lock'); // Galera's alone
    const lock = new ClusterLock(await openSideConnection(this.session), this.session.log, this.what, WAIT_MESSAGE);
    try {
      await lock.acquire();
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
    this.lock = lock;
  }

  atomically<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  outside<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  assertHeld(): void {
    this.lock?.assertHeld();
  }

  mayContinue(): boolean {
    return false;
  }

  async release(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    await lock?.release();
  }
}

/**
 * SQLite has no run lock but its single write lock, so the revisions run in IMMEDIATE transactions
 * that commit whenever a waiting writer is owed the lock (write-lock-turns.ts: the services write
 * between two revisions, instead of waiting for the whole run; on an idle database the whole run is
 * one transaction), and the caller reads the version again inside each: a run that another one
 * overtook continues from where that one got. Foreign keys are off for the run (PRAGMA foreign_keys cannot change inside a transaction)
 * because SQLite cannot alter a column, so a column change copies the table, and a DROP of the old
 * table must not cascade or fail; each revision then checks them with foreign_key_check before it
 * counts as done (at the end of the transaction: what it commits has no dangling key).
 */
class SqliteGuard implements RunGuard {
  constructor(
    private readonly runner: QueryRunner,
    /** Waiting writers (Watcher's services) get the lock between two revisions when their turn is due. */
    private readonly turns: WriteLockTurns,
  ) {}

  async acquire(): Promise<void> {
    await this.runner.query('PRAGMA foreign_keys = OFF');
  }

  async atomically<T>(work: () => Promise<T>): Promise<T> {
    // Waits up to the busy timeout the lock policy set; SQLITE_BUSY then goes to the caller's retry.
    await this.begin();
    try {
      const result = await work();
      const violations: unknown[] = await this.runner.query('PRAGMA foreign_key_check');
      if (violations.length > 0) {
        throw new DatabaseStateError(`The revision(s) of the transaction left ${violations.length} row(s) whose foreign key points nowhere; they were rolled back`);
      }
      await this.commit();
      return result;
    } catch (error) {
      await this.runner.query('ROLLBACK').catch(() => undefined);
      this.turns.released();
      throw error;
    }
  }

  async outside<T>(work: () => Promise<T>): Promise<T> {
    await this.commit();
    const result = await work();
    await this.begin();
    return result;
  }

  private async begin(): Promise<void> {
    await this.turns.beforeWrite();
    await this.runner.query('BEGIN IMMEDIATE');
    try {
      await this.turns.began();
    } catch (error) {
      await this.runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async commit(): Promise<void> {
    await this.runner.query('COMMIT');
    this.turns.released();
  }

  async release(): Promise<void> {
    await this.runner.query('PRAGMA foreign_keys = ON');
  }

  assertHeld(): void {}

  mayContinue(): boolean {
    return this.turns.mayHoldOn();
  }
}

/**
 * Runs `work` under the run lock when the session's server is a Galera node, for commands that need
 * no revision guard but must not run beside another run of ours there (purge): on Galera two purges,
 * or a purge beside an upgrade's DDL, through two nodes would abort each other's transactions at
 * certification, so one waits instead. Elsewhere `work` runs as it always has.
 */
export async function underClusterRunLock<T>(session: SessionBase, what: string, work: () => Promise<T>): Promise<T> {
  if (!session.galera) return work();
  return whileHolding(new GaleraGuard(session, what), work);
}

/**
 * Takes the guard's run lock, runs `work` and releases the lock: the one place that says what a
 * failure does to the lock. What made the work fail is what the operator must read, not a release
 * that failed with it (a dropped connection, or SQLite rolling the whole transaction back when the
 * disk is full, whose COMMIT then says "no transaction is active"); lock and transaction end with
 * the connection anyway.
 */
export async function whileHolding<T>(guard: RunGuard, work: () => Promise<T>): Promise<T> {
  await guard.acquire();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await guard.release().catch(() => undefined);
    throw error;
  }
  await guard.release();
  return result;
}
