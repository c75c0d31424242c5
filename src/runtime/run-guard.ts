import type { QueryRunner } from 'typeorm';
import { Dialect } from '../dialect';
import { DatabaseStateError } from '../errors';
import { Logger } from '../log';

/**
 * How one backend keeps a migration run safe: a lock held for the whole run, so that two runs
 * started together apply each revision once, and an atomic section per revision.
 */
export interface RunGuard {
  /** Takes the run lock, waiting (with a message) while another run holds it. */
  acquire(): Promise<void>;
  /** Runs one revision and its version update; on PostgreSQL and SQLite all or nothing. */
  atomically<T>(work: () => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

const WAIT_MESSAGE = 'Another watcher-db-manage run holds the migration lock on this database; waiting for it to finish';
/** Arbitrary constants that identify our advisory lock among the application's (pg_locks shows them). */
const PG_LOCK_KEY = [0x77646d, 0x6d696772];

export function runGuardFor(runner: QueryRunner, dialect: Dialect, log: Logger): RunGuard {
  switch (dialect.backend) {
    case 'postgres':
      return new PostgresGuard(runner, log);
    case 'mysql':
      return new MysqlGuard(runner, log);
    case 'sqlite':
      return new SqliteGuard(runner, log);
  }
}

class PostgresGuard implements RunGuard {
  constructor(
    private readonly runner: QueryRunner,
    private readonly log: Logger,
  ) {}

  async acquire(): Promise<void> {
    const [row] = await this.runner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', PG_LOCK_KEY);
    if (row.locked) return;
    this.log.info(WAIT_MESSAGE);
    await this.runner.query('SELECT pg_advisory_lock($1, $2)', PG_LOCK_KEY);
  }

  async atomically<T>(work: () => Promise<T>): Promise<T> {
    await this.runner.startTransaction();
    try {
      const result = await work();
      await this.runner.commitTransaction();
      return result;
    } catch (error) {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  async release(): Promise<void> {
    await this.runner.query('SELECT pg_advisory_unlock($1, $2)', PG_LOCK_KEY);
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

  async release(): Promise<void> {
    await this.runner.query('SELECT RELEASE_LOCK(?)', [this.lockName]);
  }
}

/**
 * SQLite: one IMMEDIATE transaction holds the write lock for the whole run, and each revision is a
 * savepoint in it. Foreign keys are off while tables are rebuilt (SQLite cannot alter a column,
 * so a column change copies the table, and a DROP of the old table must not cascade or fail);
 * each revision then checks them with foreign_key_check before it counts as done.
 */
class SqliteGuard implements RunGuard {
  private step = 0;

  constructor(
    private readonly runner: QueryRunner,
    private readonly log: Logger,
  ) {}

  async acquire(): Promise<void> {
    await this.runner.query('PRAGMA foreign_keys = OFF');
    let announced = false;
    for (;;) {
      try {
        await this.runner.query('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!/SQLITE_BUSY|database is locked/i.test(String((error as Error).message) + String((error as { code?: string }).code))) throw error;
        if (!announced) this.log.info(WAIT_MESSAGE);
        announced = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async atomically<T>(work: () => Promise<T>): Promise<T> {
    const name = `wdm_step_${++this.step}`;
    await this.runner.query(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      const violations: unknown[] = await this.runner.query('PRAGMA foreign_key_check');
      if (violations.length > 0) {
        throw new DatabaseStateError(`The revision left ${violations.length} row(s) whose foreign key points nowhere; it was rolled back`);
      }
      await this.runner.query(`RELEASE ${name}`);
      return result;
    } catch (error) {
      await this.runner.query(`ROLLBACK TO ${name}`).catch(() => undefined);
      await this.runner.query(`RELEASE ${name}`).catch(() => undefined);
      throw error;
    }
  }

  async release(): Promise<void> {
    try {
      await this.runner.query('COMMIT');
    } finally {
      await this.runner.query('PRAGMA foreign_keys = ON');
    }
  }
}
