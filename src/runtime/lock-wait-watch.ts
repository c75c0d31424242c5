import { describeLockWait, LockWait } from '../connection/lock-holders';
import type { Dialect } from '../dialect';
import type { SqlExecutor } from '../connection/sql-executor';
import type { Stage } from '../connection/statement-stages';

/**
 * Asks the server, while a statement of the run's connection waits, what it waits for: the table
 * of the lock not granted and who holds it. Once the lock timeout fires the wait is gone from the
 * server's tables, so it is asked during the wait: a statement still running after half the
 * timeout is looked at then, and again every half timeout while it runs, which sees every wait
 * that lasts the whole timeout. A statement that ends sooner (nearly all) costs a timer only.
 *
 * What was seen is kept with the error the statement failed with, for the warning (waitOf).
 */
export class LockWaitWatch {
  private readonly seen = new WeakMap<object, LockWait>();

  constructor(
    private readonly dialect: Dialect,
    /** Another connection: the waiting one cannot ask while it waits. */
    private readonly observer: SqlExecutor,
    private readonly waiter: number,
    private readonly timeoutSeconds: number,
  ) {}

  /** The stage that watches every statement on its way to the server. */
  readonly stage: Stage = (send) => (...args) => this.watch(() => send(...args));

  /** The wait the statement that failed with `error` was in, when the server told. */
  waitOf(error: unknown): LockWait | undefined {
    return typeof error === 'object' && error !== null ? this.seen.get(error) : undefined;
  }

  private async watch<T>(run: () => Promise<T>): Promise<T> {
    let last: LockWait | undefined;
    let asking: Promise<void> | undefined;
    const ask = () => {
      if (asking) return;
      asking = describeLockWait(this.observer, this.dialect, this.waiter).then((wait) => {
        if (wait) last = wait;
        asking = undefined;
      });
    };
    const timer = setInterval(ask, Math.max(10, (this.timeoutSeconds * 1000) / 2));
    try {
      return await run();
    } catch (error) {
      if (asking) await asking;
      if (last && typeof error === 'object' && error !== null) this.seen.set(error, last);
      throw error;
    } finally {
      clearInterval(timer);
    }
  }
}
