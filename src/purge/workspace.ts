import type { DriverClient } from '../connection/driver-client';
import type { LockPolicy } from '../connection/lock-policy';
import { NO_TURNS, WriteLockTurns } from '../connection/write-lock-turns';
import { Dialect } from '../dialect';
import { Counts, KINDS, Kind, emptyCounts, withTotal } from './kinds';

/**
 * Temporary tables of ids on the purge's own connection: the selection never leaves the database,
 * so memory does not grow with the number of rows. Each table is `(id INTEGER PRIMARY KEY)`.
 *
 * MySQL cannot open one TEMPORARY table twice in a statement, so every statement built here names
 * each temporary table at most once (the target of an INSERT counts).
 */
export class Workspace {
  private readonly created: string[] = [];

  constructor(
    /** A single connection: temporary tables exist only on the connection that made them. */
    readonly connection: DriverClient,
    readonly dialect: Dialect,
    /** When SQLite writers waiting for the lock get their turn between two transactions. */
    private readonly turns: WriteLockTurns = NO_TURNS,
    private readonly prefix = 'wdm_purge_',
  ) {}

  get backend(): Dialect['backend'] {
    return this.dialect.backend;
  }

  q(identifier: string): string {
    return this.dialect.quote(identifier);
  }

  /** Runs one statement; `params` use the dialect's placeholders, numbered from 1. */
  async run<T = unknown>(sql: string, params: unknown[] = []): Promise<T> {
    return (await this.connection.query(sql, params)) as T;
  }

  /**
   * Session settings for the purge's statements:
   * - every lock wait is bounded by `lock` (a purge must never queue behind, or in front of, the
   *   services for long);
   * - MySQL reads in READ COMMITTED: there, INSERT ... SELECT and the subqueries of a DELETE read
   *   without locking and take no gap locks, where REPEATABLE READ would lock every row they scan
   *   against the services' writes;
   * - PostgreSQL's JIT is off: it compiles any statement whose estimated cost is high, and the
   *   orphan queries (correlated subqueries over whole tables) are estimated high but run in
   *   milliseconds, so compiling them took longer than running them.
   */
  async prepare(lock: LockPolicy): Promise<void> {
    if (this.backend === 'postgres') await this.run('SET jit = off').catch(() => undefined); // no JIT before PostgreSQL 11
    if (this.backend === 'mysql') await this.run('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    for (const statement of this.dialect.lockWaitStatements(lock.timeoutSeconds)) await this.run(statement);
  }

  /** Runs one statement that changes rows; returns how many it changed. */
  affected(sql: string, params: unknown[] = []): Promise<number> {
    return this.connection.affected(sql, params);
  }

  /** A new, empty temporary id table. */
  create(name: string): Promise<string> {
    return this.createTable(name, `id ${this.backend === 'mysql' ? 'INT NOT NULL' : 'INTEGER'} PRIMARY KEY`);
  }

  /** A new, empty temporary table of ids each with a batch number (see batches.ts). */
  async createNumbered(name: string): Promise<string> {
    const batchIndex = this.backend === 'mysql' ? ', KEY (batch)' : '';
    const table = await this.createTable(name, `id INTEGER NOT NULL PRIMARY KEY, batch INTEGER NOT NULL${batchIndex}`);
    if (this.backend !== 'mysql') await this.run(`CREATE INDEX ${this.q(`${this.prefix}${name}_batch`)} ON ${table} (batch)`);
    return table;
  }

  /** A new, empty temporary table `<prefix><name>` with the given column definitions. */
  async createTable(name: string, columns: string): Promise<string> {
    // A fresh connection has no temporary tables, and dispose() drops ours: no DROP IF EXISTS round trip.
    const table = this.q(this.prefix + name);
    await this.run(`CREATE TEMPORARY TABLE ${table} (${columns})`);
    this.created.push(table);
    return table;
  }

  /** One temporary table per kind, named `<name>_<kind>`; of ids, or with `numbered` of (id, batch). */
  async createSet(name: string, options: { numbered?: boolean } = {}): Promise<Record<Kind, string>> {
    const set = {} as Record<Kind, string>;
    for (const kind of KINDS) {
      set[kind] = options.numbered ? await this.createNumbered(`${name}_${kind}`) : await this.create(`${name}_${kind}`);
    }
    return set;
  }

  /**
   * Adds the ids `select` returns to `table`, when none can be there yet (a fresh table, or ids
   * disjoint from its rows): without the conflict check, inserting is about three times faster.
   */
  async insert(table: string, select: string, params: unknown[] = []): Promise<void> {
    await this.run(`INSERT INTO ${table} (id) ${select}`, params);
  }

  /** Adds the ids `select` returns to `table`, ignoring those already there. */
  async insertIgnore(table: string, select: string, params: unknown[] = []): Promise<void> {
    switch (this.backend) {
      case 'postgres':
        await this.run(`INSERT INTO ${table} (id) ${select} ON CONFLICT DO NOTHING`, params);
        return;
      case 'mysql':
        await this.run(`INSERT IGNORE INTO ${table} (id) ${select}`, params);
        return;
      case 'sqlite':
        await this.run(`INSERT OR IGNORE INTO ${table} (id) ${select}`, params);
        return;
    }
  }

  /** The rows of each table of the set, in one round trip. */
  async counts(set: Record<Kind, string>): Promise<Counts> {
    const columns = KINDS.map((kind) => `(SELECT COUNT(*) FROM ${set[kind]}) AS ${this.q(kind)}`);
    const [row] = await this.run<Record<Kind, string | number>[]>(`SELECT ${columns.join(', ')}`);
    const out = emptyCounts();
    for (const kind of KINDS) out[kind] = Number(row[kind]);
    return withTotal(out);
  }

  /**
   * Runs `work` in one transaction on this connection: committed when it resolves, rolled back when
   * it throws. Plain SQL, so it works the same on a bare driver connection and a TypeORM runner.
   * SQLite takes its write lock at BEGIN (IMMEDIATE), waiting at most the busy timeout: a deferred
   * transaction that reads first and then writes may instead fail at once when another writer is busy.
   * Before it, SQLite writers waiting for the lock get their turn when it is due (write-lock-turns.ts).
   */
  async transaction<T>(work: () => Promise<T>, begin = this.backend === 'mysql' ? 'START TRANSACTION' : this.backend === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN'): Promise<T> {
    await this.turns.beforeWrite();
    await this.run(begin);
    try {
      await this.turns.began();
      const result = await work();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.turns.released();
    }
  }

  /** Drops one table of this workspace now (a copy no longer needed). */
  async drop(table: string): Promise<void> {
    const i = this.created.indexOf(table);
    if (i >= 0) this.created.splice(i, 1);
    await this.run(`DROP ${this.backend === 'mysql' ? 'TEMPORARY ' : ''}TABLE ${table}`);
  }

  /** How many tables exist now, to drop those made after it with dropSince (a read that is retried). */
  mark(): number {
    return this.created.length;
  }

  /** Drops the tables made since `mark`, so that the same work can run again. */
  async dropSince(mark: number): Promise<void> {
    for (const table of this.created.slice(mark).reverse()) await this.drop(table).catch(() => undefined);
  }

  /**
   * Drops every table this workspace made, so the connection can purge again; closing it would
   * drop them too. Errors are ignored (the connection may be gone).
   */
  async dispose(): Promise<void> {
    const tables = this.created.splice(0);
    if (tables.length === 0) return;
    // PostgreSQL and MySQL drop a list in one round trip; SQLite takes one table per statement.
    const statements =
      this.backend === 'sqlite'
        ? tables.map((t) => `DROP TABLE IF EXISTS ${t}`)
        : [`DROP ${this.backend === 'mysql' ? 'TEMPORARY ' : ''}TABLE IF EXISTS ${tables.join(', ')}`];
    for (const sql of statements) await this.run(sql).catch(() => undefined);
  }
}
