import { setTimeout as wait } from 'node:timers/promises';
import type { ConnectionSpec } from './url';

/**
 * When a long writer lets others have the write lock. SQLite has one writer and no queue: a
 * connection waiting for the lock polls from its busy handler, sleeping up to 100 ms between tries,
 * so a writer that commits and starts again at once can keep the lock from it for as long as it goes
 * on. Elsewhere, waiters are queued and this costs nothing.
 *
 * SQLite cannot show a waiter (it sleeps in its own process and leaves no trace on the file), and a
 * pause after every transaction made an upgrade from empty to head 5 times slower for nobody. What
 * it can show is that others write: PRAGMA data_version changes when another connection committed.
 * So the pause (GAP_MS, before the writer takes the lock again: never after its last transaction)
 * is taken
 * - before every transaction once another connection has committed during the run: the services
 *   write, so one may be waiting right now; it waits at most one transaction and the gap;
 * - otherwise once the writer has held the lock TURN_MS without a gap: a first waiter, which has
 *   not committed yet, waits at most about TURN_MS, one transaction and the gap;
 * - never on an in-memory database, which no other connection can open.
 * Until a turn is due, a writer that has several things to do (an upgrade's revisions) does them in
 * the transaction it has open (mayHoldOn) rather than committing each: a commit costs a journal and
 * its fsyncs, and a waiter gets the lock no sooner for it.
 */
export interface WriteLockTurns {
  /** Before the BEGIN of a write transaction: leaves the lock free first when a turn is due. */
  beforeWrite(): Promise<void>;
  /** Right after that BEGIN: notes whether another connection committed since the last one. */
  began(): Promise<void>;
  /** After its COMMIT or ROLLBACK. */
  released(): void;
  /**
   * Inside a transaction: whether more work may go into it before it commits, because no turn is
   * due yet (no other writer seen, the lock held less than TURN_MS). False where there are no turns.
   */
  mayHoldOn(): boolean;
}

/** Longer than the busy handler's longest sleep, so that every waiter tries once while the lock is free. */
export const GAP_MS = 110;
/**
 * How long a writer that has seen no other writer may go on before it leaves a gap: a first waiter
 * then waits well under the shortest busy timeout in use (this tool's 2 s; Python's sqlite3 has 5 s),
 * and an upgrade from empty to head (about 100 ms of lock on an idle machine, 400 ms on a loaded one)
 * never pauses.
 */
export const TURN_MS = 500;

/** `query` runs a statement on the writer's own connection (data_version is per connection). */
export function writeLockTurns(spec: Pick<ConnectionSpec, 'backend' | 'sqlitePath'>, query: (sql: string) => Promise<unknown>): WriteLockTurns {
  // Only a SQLite URL names a file; an in-memory database is this connection's alone.
  const shared = spec.sqlitePath !== undefined && spec.sqlitePath !== ':memory:';
  return shared ? new SqliteTurns(query) : NO_TURNS;
}

/** For servers that queue waiters, and databases no one else can open. */
export const NO_TURNS: WriteLockTurns = { beforeWrite: async () => undefined, began: async () => undefined, released: () => undefined, mayHoldOn: () => false };

class SqliteTurns implements WriteLockTurns {
  /** When the current stretch of back-to-back transactions began. */
  private busySince = 0;
  /** When the last transaction ended; undefined before the first. */
  private releasedAt?: number;
  private dataVersion?: number;
  /** Another connection committed during the run: the services write. */
  private othersWrite = false;

  constructor(private readonly query: (sql: string) => Promise<unknown>) {}

  async beforeWrite(): Promise<void> {
    const now = performance.now();
    if (this.releasedAt === undefined || now - this.releasedAt >= GAP_MS) {
      // The lock has been free long enough for any waiter (or this is the first transaction).
      this.busySince = now;
      return;
    }
    if (!this.turnDue(now)) return;
    await wait(GAP_MS - (now - this.releasedAt));
    this.busySince = performance.now();
  }

  async began(): Promise<void> {
    const [row] = (await this.query('PRAGMA data_version')) as { data_version: number }[];
    const version = Number(row?.data_version);
    if (this.dataVersion !== undefined && version !== this.dataVersion) this.othersWrite = true;
    this.dataVersion = version;
  }

  released(): void {
    this.releasedAt = performance.now();
  }

  mayHoldOn(): boolean {
    return !this.turnDue(performance.now());
  }

  /** Whether a waiter may be owed the lock: the same test before a BEGIN and before more work in a transaction. */
  private turnDue(now: number): boolean {
    return this.othersWrite || now - this.busySince >= TURN_MS;
  }
}
