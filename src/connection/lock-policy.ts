import { UserError } from '../errors';
import { Logger } from '../log';
import { setTimeout as wait } from 'node:timers/promises';

/**
 * How long the tool lets one of its statements wait for a lock held by someone else (Watcher's
 * services, a slow report, another tool), and how often it tries a transaction again that lost to
 * such a lock. One policy for every command that writes while the services run: a wait is always
 * bounded, and each one that runs out is said in one line.
 */
export interface LockPolicy {
  /** Longest wait for one lock, in seconds: PostgreSQL lock_timeout, MySQL lock waits, SQLite busy timeout. */
  timeoutSeconds: number;
  /** Attempts after the first when a transaction fails on a lock conflict (0: fail at once). */
  retries: number;
}

export const DEFAULT_LOCK_POLICY: LockPolicy = { timeoutSeconds: 2, retries: 30 };

/** What kind of lock conflict made a statement fail. */
export type LockConflict =
  | 'deadlock'
  | 'certification conflict'
  | 'deadlock or certification conflict'
  | 'serialization failure'
  | 'lock timeout'
  | 'database is locked';

/**
 * The lock conflict an error reports, or undefined when it is something else. These failures say
 * nothing about the statement itself: the same transaction, run again a little later, may pass.
 *
 * A Galera node aborts a transaction that conflicts with one another node committed first (it lost
 * certification, or the applier of the other's write set needed its locks). MariaDB 10.11 reports
 * that as a plain deadlock (1213, InnoDB's "Deadlock found when trying to get lock", measured at
 * the next statement and at COMMIT); other builds say "WSREP detected deadlock/conflict and aborted
 * the transaction" or "Deadlock: wsrep aborted transaction", with 1213 or as ER_ERROR_DURING_COMMIT
 * (1180, "Got error 35 '...' during COMMIT"): for those two codes the text decides, since 1180 is
 * also what wsrep_max_ws_rows fails with, which no retry cures. `options.galera` names a bare 1213
 * for what it may be there.
 */
export function lockConflict(error: unknown, options: { galera?: boolean } = {}): LockConflict | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const wsrepAborted = /WSREP detected deadlock\/conflict|wsrep aborted transaction/i.test(String(message ?? ''));
  if (wsrepAborted && (code === 'ER_LOCK_DEADLOCK' || code === 'ER_ERROR_DURING_COMMIT')) return 'certification conflict';
  switch (code) {
    case '40P01': // PostgreSQL deadlock_detected
    case 'ER_LOCK_DEADLOCK': // MySQL 1213
      return options.galera ? 'deadlock or certification conflict' : 'deadlock';
    case '40001': // PostgreSQL serialization_failure
      return 'serialization failure';
    case '55P03': // PostgreSQL lock_not_available: lock_timeout ran out
    case 'ER_LOCK_WAIT_TIMEOUT': // MySQL 1205
      return 'lock timeout';
  }
  // better-sqlite3: SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, ...), SQLITE_LOCKED.
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) return 'database is locked';
  return undefined;
}

/** The pause before retry `n` (1-based): 0.25 s doubling up to 8 s, jittered so that runs that collided do not collide again. */
export function backoffMs(n: number, random: () => number = Math.random): number {
  const base = Math.min(8000, 250 * 2 ** Math.min(n - 1, 5));
  return Math.round(base * (0.75 + random() / 2));
}

/** Raised when a transaction kept losing to lock conflicts and the retries ran out. */
export class LockConflictError extends UserError {}

export interface ConflictRetryOptions {
  policy: LockPolicy;
  log: Logger;
  /** What is being retried, for the warning and the error: "purge batch 3 of 10". */
  what: string;
  /** Where the failure happened ("on actions, held by pid 42 ..."), when the caller can tell. */
  where?(error: unknown): string | undefined | Promise<string | undefined>;
  /** The server is a Galera node: a deadlock there may be a certification conflict (lockConflict). */
  galera?: boolean;
  /** Other failures worth a retry in this caller's context, with the name to give them. */
  alsoRetry?(error: unknown): string | undefined;
  /** Appended to the final error: what the failure left behind. */
  outcome?: string;
  sleep?: (ms: number) => Promise<void>;
}


/**
 * Runs `attempt` (one whole transaction, which must have rolled back when it throws) until it
 * succeeds, fails on something that is not a lock conflict (rethrown as is), or has failed
 * `policy.retries + 1` times (then a LockConflictError, one line).
 */
export async function retryOnLockConflict<T>(options: ConflictRetryOptions, attempt: () => Promise<T>): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => wait(ms));
  const total = options.policy.retries + 1;
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      const conflict = lockConflict(error, { galera: options.galera }) ?? options.alsoRetry?.(error);
      if (conflict === undefined) throw error;
      const where = await options.where?.(error);
      const reason = `${conflict}${where ? ` ${where}` : ''} (${oneLine(error)})`;
      if (tried >= total) {
        const outcome = options.outcome ? `; ${options.outcome}` : '';
        throw new LockConflictError(`${options.what} failed ${tried} time(s) on lock conflicts, last: ${reason}${outcome}`);
      }
      const pause = backoffMs(tried);
      options.log.warning(`${options.what}: ${reason}; retrying in ${(pause / 1000).toFixed(1)} s (attempt ${tried + 1} of ${total})`);
      await sleep(pause);
    }
  }
}

function oneLine(error: unknown): string {
  return String((error as Error)?.message ?? error).replace(/\s*\n\s*/g, ' ');
}
