import type { QueryRunner } from 'typeorm';
import { describeLockHolders, sessionId } from '../connection/lock-holders';
import { LockPolicy, lockWaitStatements, retryOnLockConflict } from '../connection/lock-policy';
import { statementTable } from '../connection/statement-table';
import type { SqlExecutor } from '../connection/sql-executor';
import { Dialect } from '../dialect';
import { Logger } from '../log';

/**
 * The lock policy applied to a migration run's connection (src/connection/lock-policy.ts): every
 * lock wait of its statements is bounded, and what runs out is retried where it is safe to:
 * - PostgreSQL and SQLite roll the revision's transaction back; the caller retries the revision;
 * - MySQL has committed every DDL statement before the one that waited, so only that statement is
 *   tried again (retryStatements).
 */
export class MigrationLockWaits {
  private waiter?: number;
  /** What the run is doing now ("upgrade A -> B"), for the warnings of retried statements. */
  doing = 'migration';

  constructor(
    private readonly runner: QueryRunner,
    private readonly dialect: Dialect,
    /** Another connection, to ask the server who holds a lock while this one is in a failed state. */
    private readonly observer: SqlExecutor,
    private readonly policy: LockPolicy,
    private readonly log: Logger,
  ) {}

  /** Bounds every lock wait of the run's connection. */
  async apply(): Promise<void> {
    for (const sql of lockWaitStatements(this.dialect.backend, this.policy.timeoutSeconds)) await this.runner.query(sql);
    this.waiter = await sessionId(this.runner, this.dialect.backend);
    if (this.dialect.backend === 'mysql') this.retryStatements();
  }

  /** Runs one revision's transaction (`attempt`) until it gets its locks, within the policy. */
  retryRevision<T>(what: string, outcome: string, attempt: () => Promise<T>): Promise<T> {
    return retryOnLockConflict({ policy: this.policy, log: this.log, what, outcome, where: (error) => this.where(error) }, attempt);
  }

  /** "on audits, held by pid 42 (user watcher, idle in transaction, for 12 s)", from the failed statement. */
  private async where(error: unknown): Promise<string | undefined> {
    const sql = (error as { query?: unknown }).query;
    return typeof sql === 'string' ? this.whereFor(sql) : undefined;
  }

  private async whereFor(sql: string): Promise<string | undefined> {
    const table = statementTable(sql);
    if (!table) return undefined;
    const holders = await describeLockHolders(this.observer, this.dialect.backend, table, this.waiter);
    return `on ${table}${holders ? `, ${holders}` : ''}`;
  }

  /**
   * MySQL: a statement that lost to a lock is sent again, alone, outside any transaction (inside
   * one, the server may have rolled the whole transaction back, and the caller must decide).
   */
  private retryStatements(): void {
    const runner = this.runner as unknown as { query: (...args: unknown[]) => Promise<unknown> };
    const send = runner.query.bind(runner);
    runner.query = (...args: unknown[]) => {
      if (this.runner.isTransactionActive) return send(...args);
      const sql = String(args[0]);
      return retryOnLockConflict(
        {
          policy: this.policy,
          log: this.log,
          what: `${this.doing}: ${abbreviate(sql)}`,
          outcome: 'the statements of this revision before it are kept (MySQL commits DDL at once), and a rerun continues from them',
          where: () => this.whereFor(sql),
        },
        () => send(...args),
      );
    };
  }
}

function abbreviate(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
