import type { QueryRunner } from 'typeorm';
import { LockPolicy, retryOnLockConflict } from '../connection/lock-policy';
import { routeThrough, Send, Stage } from '../connection/statement-stages';
import type { SqlExecutor } from '../connection/sql-executor';
import { Dialect } from '../dialect';
import { Logger } from '../log';
import { shapeOf } from '../sql/shape';
import type { LockWaitWatch } from './lock-wait-watch';
import type { TableLock, TableOf } from './postgres-table-locks';
import { setTimeout as sleep } from 'node:timers/promises';

/** A text, or how to make it when it is needed. */
type Said = string | (() => string);
/** Between two tries for a table lock that is taken: short, as every try costs a round trip only. */
const LOCK_POLL_MS = 20;

/**
 * The lock policy applied to a migration run's connection (src/connection/lock-policy.ts): every
 * lock wait of its statements is bounded, and what runs out is retried where it is safe to:
 * - PostgreSQL and SQLite roll the revision's transaction back; the caller retries the revision;
 * - MySQL has committed every DDL statement before the one that waited, so only that statement is
 *   tried again (retryStatements).
 *
 * On PostgreSQL a revision's transaction keeps the locks of the statements it has run while a later
 * one waits: with three tables altered, the first two stayed blocked for the services while the
 * third waited behind a slow reader (up to twice the timeout), and a service transaction that held
 * the third and wanted the first was killed as a deadlock. So there a schema statement first takes
 * its table locks without queueing (LOCK TABLE ... NOWAIT, tried again every few ms until the
 * timeout): a run that waits is never in the services' way, and never part of a deadlock.
 */
export class MigrationLockWaits {
  private waiter?: number;
  /** Asks the server what a waiting statement waits for (not on SQLite, which has no server). */
  private watch?: LockWaitWatch;
  /** What the run is doing now ("upgrade A -> B"), for the warnings of retried statements. */
  private doing = 'reading the version';

  constructor(
    private readonly runner: QueryRunner,
    private readonly dialect: Dialect,
    /** Another connection, to ask the server who holds a lock while this one is in a failed state. */
    private readonly observer: SqlExecutor,
    private readonly policy: LockPolicy,
    private readonly log: Logger,
    /** How a statement's table is known as it is then (PostgreSQL's locks of referenced tables); by default the catalog. */
    private readonly tableOf?: TableOf,
  ) {}

  /**
   * Bounds every lock wait of the run's connection, and routes its statements through the stages
   * that keep it so. `--plan` records the same statements from the same stages, unwatched: only a
   * run has a server to ask who is in the way.
   */
  async apply(options: { watch: boolean } = { watch: true }): Promise<void> {
    for (const sql of this.dialect.lockWaitStatements(this.policy.timeoutSeconds)) await this.runner.query(sql);
    // Only a server can say who holds a lock (SQLite's holder is another connection to the file), so
    // the lookups are loaded for a server alone: start-up is the cost of a short SQLite upgrade.
    if (options.watch && this.dialect.sessionIdQuery) {
      const { sessionId } = require('../connection/lock-holders') as typeof import('../connection/lock-holders');
      const { LockWaitWatch } = require('./lock-wait-watch') as typeof import('./lock-wait-watch');
      this.waiter = await sessionId(this.runner, this.dialect);
      // Routed first, next to the server: it sees the statements the stages below send, and nothing else.
      if (this.waiter !== undefined) {
        this.watch = new LockWaitWatch(this.dialect, this.observer, this.waiter, this.policy.timeoutSeconds);
        routeThrough(this.runner, [this.watch.stage]);
      }
    }
    const stages: Stage[] = [];
    if (this.dialect.backend === 'mysql') stages.push(this.retryStatements);
    if (this.dialect.backend === 'postgres') stages.push(this.lockTablesFirst());
    routeThrough(this.runner, stages);
  }

  /** The revision's transaction has ended (in a run, its COMMIT says so): the locks it held are gone. */
  transactionEnded(): void {
    this.held.clear();
  }

  /** A new revision starts: what the last one locked is no longer needed. */
  beginRevision(label: string): void {
    this.doing = label;
    this.needed = [];
  }

  /**
   * Runs one revision's transaction (`attempt`) until it gets its locks, within the policy. A table
   * that was busy when the revision asked for it without queueing (PostgreSQL) is asked for again
   * every few ms, for up to the lock timeout: that is one wait, and one warning if it runs out.
   * `what` and `outcome` may be functions, asked when a conflict is reported: several revisions may
   * share a transaction (SQLite), and what lost is the one running then.
   */
  retryRevision<T>(what: Said, outcome: Said, attempt: () => Promise<T>): Promise<T> {
    const say = (text: Said) => (typeof text === 'function' ? text() : text);
    const options = {
      policy: this.policy,
      log: this.log,
      get what() {
        return say(what);
      },
      get outcome() {
        return say(outcome);
      },
      where: (error: unknown) => this.where(error),
    };
    return retryOnLockConflict(options, async () => {
      const deadline = Date.now() + this.policy.timeoutSeconds * 1000;
      for (;;) {
        try {
          return await attempt();
        } catch (error) {
          if (!(error instanceof TableBusy)) throw error;
          if (Date.now() >= deadline) throw error.timedOut(this.policy.timeoutSeconds);
        }
        await sleep(LOCK_POLL_MS);
      }
    });
  }

  /**
   * "on audits, held by pid 42 (application nova-api, user watcher, idle in transaction, for 12 s)":
   * the table the failed statement waited for and who held it, as the server told while it waited
   * (LockWaitWatch), whatever the statement's text reads from (a catalog read waits for the table
   * whose columns it reads). The one place a lock-wait warning's "where" is made.
   */
  private async where(error: unknown): Promise<string | undefined> {
    if (this.dialect.backend === 'sqlite') return this.sqliteWhere();
    const busy = (error as { lockTable?: unknown }).lockTable;
    if (typeof busy === 'string') return this.on(busy); // a LOCK ... NOWAIT of ours: its table is known
    const seen = this.watch?.waitOf(error);
    if (seen?.table) return `on ${seen.table}${seen.holders ? `, ${seen.holders}` : ''}`;
    // The server did not name the table (a MySQL metadata lock without performance_schema): the
    // table the statement itself works on, when its text names one that is not a catalog.
    const sql = (error as { query?: unknown }).query;
    // Else, for a catalog read, the one table it reads about: the watch may have asked too late.
    const { catalogReadTable, statementTable } = require('../sql/statement-target') as typeof import('../sql/statement-target'); // after a wait only
    const backend = this.dialect.backend;
    const table = typeof sql === 'string' ? (statementTable(sql, backend) ?? catalogReadTable(sql, backend)) : undefined;
    if (table) return this.on(table);
    return seen?.holders;
  }

  private async on(table: string): Promise<string> {
    const { describeLockHolders } = require('../connection/lock-holders') as typeof import('../connection/lock-holders'); // after a wait only
    const holders = await describeLockHolders(this.observer, this.dialect, table, this.waiter);
    return `on ${table}${holders ? `, ${holders}` : ''}`;
  }

  /** SQLite locks the whole file, not a table, and has no sessions to name: the file is said. */
  private sqliteWhere(): string {
    const file = (this.runner.connection.options as { database?: unknown }).database;
    return `on the database file ${String(file)}, held by another connection to it (SQLite locks the whole file)`;
  }

  /** PostgreSQL: the table locks the revision now running has needed so far, in the order it took them. */
  private needed: TableLock[] = [];
  /** The table locks the open transaction holds. */
  private readonly held = new Set<string>();
  private send?: Send;

  /**
   * Called first in each attempt of a revision: takes, all at once, every table lock the revision
   * needed in its attempts before, so that a retry holds nothing while it waits for the lock that
   * was missing (else the services would wait on the tables it got first).
   */
  async lockWhatTheRevisionNeeds(): Promise<void> {
    if (!this.send) return;
    this.held.clear();
    for (const lock of this.needed) await this.takeWithoutQueueing(this.send, lock, `LOCK TABLE ${lock.table}`);
  }

  /** PostgreSQL: the stage that takes each table lock of a statement in the transaction without queueing first. */
  private lockTablesFirst(): Stage {
    // PostgreSQL's alone: its statement classifier is not loaded for the other backends.
    const { catalogTables, tableLocks } = require('./postgres-table-locks') as typeof import('./postgres-table-locks');
    const tableOf = this.tableOf ?? catalogTables(this.runner);
    return (send) => {
      this.send = send;
      return async (sql, ...rest) => {
        // A transaction's end releases its locks.
        if (shapeOf(sql, 'postgres').transaction === 'ends') this.held.clear();
        if (this.runner.isTransactionActive) {
          for (const lock of await tableLocks(sql, tableOf)) {
            if (this.held.has(key(lock))) continue;
            if (!this.needed.some((n) => key(n) === key(lock))) this.needed.push(lock);
            await this.takeWithoutQueueing(send, lock, sql);
          }
        }
        return send(sql, ...rest);
      };
    };
  }

  /**
   * Takes `lock` without entering the lock queue, or fails at once with a TableBusy error, upon
   * which the revision is rolled back (releasing what it held) and tried again shortly with every
   * lock it needed taken first (retryRevision).
   */
  private async takeWithoutQueueing(send: Send, lock: TableLock, statement: string): Promise<void> {
    try {
      await send(`LOCK TABLE ${this.dialect.quote(lock.table)} IN ${lock.mode} MODE NOWAIT`);
      this.held.add(key(lock));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== '55P03') throw error;
      throw new TableBusy(lock, statement);
    }
  }

  /**
   * MySQL: a statement that lost to a lock is sent again, alone, outside any transaction (inside
   * one, the server may have rolled the whole transaction back, and the caller must decide).
   */
  private readonly retryStatements: Stage = (send) => (sql, ...rest) => {
    if (this.runner.isTransactionActive) return send(sql, ...rest);
    return retryOnLockConflict(
      {
        policy: this.policy,
        log: this.log,
        what: `${this.doing}: ${abbreviate(sql)}`,
        outcome: 'the statements of this revision before it are kept (MySQL commits DDL at once), and a rerun continues from them',
        where: (error) => this.where(error),
      },
      () => (shapeOf(sql, 'mysql').algorithm === 'INSTANT' ? this.withoutQueueing(send, sql, rest) : send(sql, ...rest)),
    );
  };

  /**
   * MySQL: an instant ALTER needs its table's metadata lock for a moment only, so it asks for it
   * without queueing (lock_wait_timeout = 0, MariaDB's NOWAIT), again every few ms up to the
   * timeout. Queued, it would hold back every statement of the services on that table for as long
   * as a slow reader kept it waiting. A longer ALTER (INPLACE, COPY) queues, bounded by the timeout,
   * or each try would redo its work and then fail at the end, where it needs the lock again.
   */
  private async withoutQueueing(send: Send, sql: string, rest: unknown[]): Promise<unknown> {
    const deadline = Date.now() + this.policy.timeoutSeconds * 1000;
    const bounded = this.dialect.lockWaitStatements(this.policy.timeoutSeconds).find((s) => /\block_wait_timeout\b/.test(s) && !/innodb/.test(s))!;
    await send('SET SESSION lock_wait_timeout = 0');
    try {
      for (;;) {
        try {
          return await send(sql, ...rest);
        } catch (error) {
          if ((error as { code?: string }).code !== 'ER_LOCK_WAIT_TIMEOUT' || Date.now() >= deadline) throw error;
        }
        await sleep(LOCK_POLL_MS);
      }
    } finally {
      await send(bounded);
    }
  }
}

const key = (lock: TableLock) => `${lock.table} ${lock.mode}`;

/** A table lock the revision asked for without queueing was held by someone else. */
class TableBusy extends Error {
  readonly code = '55P03';

  constructor(
    readonly lock: TableLock,
    readonly query: string,
  ) {
    super(`${lock.table} is in use`);
  }

  /** The failure once the tries ran out: a lock timeout, as lock_timeout would have given. */
  timedOut(seconds: number): Error {
    return Object.assign(new Error(`could not take ${this.lock.mode} on ${this.lock.table} within ${seconds} s`), {
      code: '55P03',
      query: this.query,
      lockTable: this.lock.table,
    });
  }
}

function abbreviate(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
