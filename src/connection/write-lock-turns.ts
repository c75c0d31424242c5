import { setTimeout as wait } from 'node:timers/promises';
import type { ConnectionSpec } from './url';

/**
 * When a long writer lets others have the write lock. SQLite has one writer and no queue: a
 * connection waiting for the lock polls from its busy handler, sleeping up to 100 ms between tries,
 * so a writer that commits and starts again at once can keep the lock from it for as long as it goes
 * on. Elsewhere, waiters are queued and this costs nothing.
 *
 * SQLite cannot tell whether anyone waits (a waiter sleeps in its own process and leaves no trace
 * on the file), and a pause after every transaction made an upgrade from empty to head 5 times
 * slower for nobody. So the pause is taken only when it can matter: before the writer takes the
 * lock again (never after its last transaction), once it has run TURN_MS without leaving the lock
 * free for GAP_MS, and never on an in-memory database, which no other connection can open. A
 * waiter then waits at most about TURN_MS + one transaction + GAP_MS, under the busy timeouts of
 * Watcher's services (5 s, Python's default) and of this tool (--lock-timeout, 2 s).
 */
export interface WriteLockTurns {
  /** Before the BEGIN of a write transaction: leaves the lock free first when a turn is due. */
  beforeWrite(): Promise<void>;
  /** After its COMMIT or ROLLBACK. */
  released(): void;
}

/** Longer than the busy handler's longest sleep, so that every waiter tries once while the lock is free. */
export const GAP_MS = 110;
/** How long a writer may go on before it leaves a gap. */
export const TURN_MS = 250;

export function writeLockTurns(spec: Pick<ConnectionSpec, 'backend' | 'sqlitePath'>): WriteLockTurns {
  const shared = spec.backend === 'sqlite' && spec.sqlitePath !== undefined && spec.sqlitePath !== ':memory:';
  return shared ? new SqliteTurns() : NO_TURNS;
}

/** For servers that queue waiters. */
export const NO_TURNS: WriteLockTurns = { beforeWrite: async () => undefined, released: () => undefined };

class SqliteTurns implements WriteLockTurns {
  /** When the current stretch of back-to-back transactions began. */
  private busySince = 0;
  /** When the last transaction ended; undefined before the first. */
  private releasedAt?: number;

  async beforeWrite(): Promise<void> {
    const now = performance.now();
    if (this.releasedAt === undefined || now - this.releasedAt >= GAP_MS) {
      // The lock has been free long enough for any waiter (or this is the first transaction).
      this.busySince = now;
      return;
    }
    if (now - this.busySince < TURN_MS) return;
    await wait(GAP_MS - (now - this.releasedAt));
    this.busySince = performance.now();
  }

  released(): void {
    this.releasedAt = performance.now();
  }
}
