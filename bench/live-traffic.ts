// Live traffic: Watcher's services (API, decision engine, applier) writing and reading a Watcher
// database, so that tests and benchmarks can measure how long their statements wait while our tool
// (purge, upgrade, ...) runs. A library for mocha tests and benchmarks, and a command line program:
//
//   npx ts-node --transpile-only bench/live-traffic.ts --url URL [--rate 50] [--duration 10] [--json]
//       [--hot-updates N] [--list-limit 50] [--cleanup]
//
// On start it creates its own live goal, strategy, audit, action plan and one action (deleted = 0,
// unique names and uuids: several generators can run at once, and purge sees neither candidates nor
// orphans). Then each operation kind runs as its own stream, on its own connection (as separate service
// processes would), at `rate` rounds per second by wall clock:
//   create_action        INSERT an action into its plan (the decision engine)
//   update_action_state  UPDATE actions SET state, updated_at WHERE id: the oldest unfinished of its
//                        recent actions takes one step PENDING -> ONGOING -> SUCCEEDED (the applier)
//   list_actions         the API's action list of its plan: JOIN action_plans by uuid, deleted_at IS NULL,
//                        ORDER BY id, LIMIT
//   list_audits          the API's audit list: deleted_at IS NULL ORDER BY id LIMIT
//   list_action_plans    the API's action plan list: deleted_at IS NULL ORDER BY id LIMIT
// A stream that falls behind (a statement waited for a lock) does not burst to catch up: it runs the
// latest due round at once and the rounds in between are counted as skipped. The streams are spread
// evenly over a round's period, so they do not all start in the same millisecond.
//
// Latency is a statement's wall time from send to result (so it includes any lock wait); failed
// statements count too. SQLite connections (better-sqlite3 is synchronous) each live in a worker thread,
// so a statement waiting in SQLite's busy handler blocks only its own stream, and none of the caller's
// code. This file shares no code with src/ (the tool under test).
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import mysql from 'mysql2/promise';
import { Client as PgClient } from 'pg';

export type Backend = 'sqlite' | 'postgresql' | 'mysql';

export interface TrafficOptions {
  /** rounds per second, default 50 */
  rate?: number;
  /** LIMIT of the list queries, default 50 */
  listLimit?: number;
}

export interface OperationStats {
  /** statements run (failed ones included) */
  count: number;
  /** latency percentiles (nearest rank) and maximum, in ms */
  p50: number;
  p99: number;
  max: number;
  /** rounds this stream skipped because it was behind */
  skipped: number;
  errors: number;
  /** the first few distinct error messages */
  errorMessages: string[];
}

export interface TrafficReport {
  backend: Backend;
  /** from the first round to stop() */
  durationMs: number;
  rate: number;
  /** rounds that fell due while running */
  rounds: number;
  /** rounds at least one stream skipped */
  skippedRounds: number;
  operations: Record<OperationName, OperationStats>;
}

export interface CreatedIds {
  goals: number[];
  strategies: number[];
  audits: number[];
  action_plans: number[];
  actions: number[];
}

export const OPERATIONS = ['create_action', 'update_action_state', 'list_actions', 'list_audits', 'list_action_plans'] as const;
export type OperationName = (typeof OPERATIONS)[number];

const DEFAULT_RATE = 50;
const DEFAULT_LIST_LIMIT = 50;
const DEFAULT_HOT_UPDATES = 60;
/** Python's sqlite3 (which Watcher uses) waits this long for a lock by default. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
const MAX_ERROR_MESSAGES = 5;
/** How many of its newest actions the update stream works on. */
const RECENT_ACTIONS = 32;
const ACTION_STATES = ['PENDING', 'ONGOING', 'SUCCEEDED'] as const;

// ---------------------------------------------------------------------------------------------------
// Percentiles

/** The nearest-rank percentile `p` (0..100) of ascending `sorted`: the smallest value with at least p % of the values at or below it; 0 for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  // p * n is exact for integer p, so a rank that is a whole number is not pushed up by rounding.
  const rank = Math.ceil((p * sorted.length) / 100);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

// ---------------------------------------------------------------------------------------------------
// URLs (SQLAlchemy's forms; parsed here, not with src/'s parser)

/** A database URL is not one this program understands (the message never contains the URL's password). */
export class UrlError extends Error {}

export interface Target {
  backend: Backend;
  /** the URL with its password replaced by *** */
  display: string;
  /** the password, to be scrubbed from any message */
  password: string;
  sqlitePath?: string;
  host?: string;
  port?: number;
  /** a Unix socket (?host=/dir for PostgreSQL, ?unix_socket=/path for MySQL) */
  socket?: string;
  user?: string;
  database?: string;
}

const URL_FORM = /^([A-Za-z][A-Za-z0-9]*)(?:\+[A-Za-z0-9_]+)?:\/\/(?:([^:/?#@]*)(?::([^@]*))?@)?(\[[^\]/?]*\]|[^:/?#]*)(?::([^/?#]*))?(?:\/([^?#]*))?(?:\?([^#]*))?$/;

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UrlError('bad database URL: invalid percent-encoding');
  }
}

/** Parses `sqlite:////abs/path`, `sqlite:///relative`, `postgresql[+driver]://user:pw@host:port/db`, `mysql[+driver]://...`. */
export function parseDatabaseUrl(url: string): Target {
  const sqlite = /^sqlite(?:\+[A-Za-z0-9_]+)?:\/\/(.*)$/.exec(url);
  if (sqlite) {
    const rest = sqlite[1].replace(/\?.*$/, '');
    if (rest === '' || rest === '/' || rest === '/:memory:') throw new UrlError('an in-memory SQLite database cannot be shared with the tool: give a file, sqlite:////abs/path.sqlite');
    if (!rest.startsWith('/')) throw new UrlError('bad SQLite URL: expected sqlite:////absolute/path or sqlite:///relative/path');
    const file = path.resolve(decode(rest.slice(1)));
    return { backend: 'sqlite', display: url, password: '', sqlitePath: file };
  }
  const m = URL_FORM.exec(url);
  if (!m) throw new UrlError('bad database URL: expected sqlite:////path, postgresql://user:password@host:port/db or mysql+pymysql://user:password@host:port/db');
  const [, scheme, user, password, host, port, database, query] = m;
  const backend: Backend | undefined = scheme === 'postgresql' || scheme === 'postgres' ? 'postgresql' : scheme === 'mysql' || scheme === 'mariadb' ? 'mysql' : undefined;
  if (!backend) throw new UrlError(`unsupported database URL scheme '${scheme}': use sqlite, postgresql or mysql`);
  const pw = password === undefined ? '' : decode(password);
  const display = password === undefined ? url : url.replace(`:${password}@`, ':***@');
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new UrlError(`bad database URL ${display}: the port must be a number`);
  if (!database) throw new UrlError(`bad database URL ${display}: no database name`);
  const params = new URLSearchParams(query ?? '');
  const socket = params.get(backend === 'postgresql' ? 'host' : 'unix_socket') ?? undefined;
  return {
    backend,
    display,
    password: pw,
    host: host ? decode(host.replace(/^\[(.*)\]$/, '$1')) : undefined,
    port: port ? Number(port) : undefined,
    socket,
    user: user ? decode(user) : undefined,
    database: decode(database),
  };
}

/** `message` with the URL's password (plain or percent-encoded) replaced by ***, on one line. */
function scrub(target: Target, message: string): string {
  let m = message.replace(/\s*\n\s*/g, ' ').trim();
  for (const secret of new Set([target.password, encodeURIComponent(target.password)])) {
    if (secret) m = m.split(secret).join('***');
  }
  return m;
}

function messageOf(e: unknown): string {
  // Node's connect() to a name with several addresses fails with an AggregateError and no message.
  if (e instanceof AggregateError && !e.message) return [...new Set(e.errors.map(messageOf))].join('; ');
  if (e instanceof Error) return e.message || (e as { code?: string }).code || e.name;
  return String(e);
}

// ---------------------------------------------------------------------------------------------------
// Connections: one statement at a time, timed

type Param = string | number | null;

interface Result {
  rows: Record<string, unknown>[];
  /** rows changed by an INSERT/UPDATE/DELETE */
  changes: number;
  /** the id of an INSERT's row */
  insertId?: number;
  ms: number;
}

/** A statement failed after `ms`. */
class StatementError extends Error {
  constructor(message: string, readonly ms: number) {
    super(message);
  }
}

interface Connection {
  /** Runs one statement (`?` placeholders) in autocommit; throws StatementError. */
  exec(sql: string, params?: Param[]): Promise<Result>;
  close(): Promise<void>;
}

class PgConnection implements Connection {
  private constructor(private readonly client: PgClient) {}

  static async open(t: Target, name: string): Promise<PgConnection> {
    const client = new PgClient({
      host: t.socket ?? t.host ?? 'localhost',
      port: t.port ?? 5432,
      user: t.user,
      password: t.password,
      database: t.database,
      application_name: `live-traffic ${name}`,
      connectionTimeoutMillis: 10_000,
    });
    // An error on an idle connection (server gone) is emitted, not thrown: the next statement fails.
    client.on('error', () => undefined);
    await client.connect();
    return new PgConnection(client);
  }

  async exec(sql: string, params: Param[] = []): Promise<Result> {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    const t0 = performance.now();
    try {
      const r = await this.client.query(text, params);
      const ms = performance.now() - t0;
      const id = r.rows[0]?.id;
      return { rows: r.rows, changes: r.rowCount ?? 0, insertId: typeof id === 'number' ? id : undefined, ms };
    } catch (e) {
      throw new StatementError(messageOf(e), performance.now() - t0);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

class MysqlConnection implements Connection {
  private constructor(private readonly conn: mysql.Connection) {}

  static async open(t: Target): Promise<MysqlConnection> {
    const conn = await mysql.createConnection({
      host: t.host || 'localhost',
      port: t.port ?? 3306,
      socketPath: t.socket,
      user: t.user,
      password: t.password,
      database: t.database,
      connectTimeout: 10_000,
    });
    conn.on('error', () => undefined);
    // What oslo.db sets on every MySQL connection ([database] mysql_sql_mode).
    await conn.query("SET SESSION sql_mode = 'TRADITIONAL'");
    return new MysqlConnection(conn);
  }

  async exec(sql: string, params: Param[] = []): Promise<Result> {
    const t0 = performance.now();
    try {
      // query(), not execute(): PyMySQL interpolates on the client too (text protocol).
      const [res] = await this.conn.query(sql, params);
      const ms = performance.now() - t0;
      if (Array.isArray(res)) return { rows: res as Record<string, unknown>[], changes: 0, ms };
      const header = res as mysql.ResultSetHeader;
      return { rows: [], changes: header.affectedRows, insertId: header.insertId || undefined, ms };
    } catch (e) {
      throw new StatementError(messageOf(e), performance.now() - t0);
    }
  }

  async close(): Promise<void> {
    await this.conn.end().catch(() => this.conn.destroy());
  }
}

interface WorkerReply {
  id: number;
  ms: number;
  rows?: Record<string, unknown>[];
  changes?: number;
  insertId?: number;
  error?: string;
}

/**
 * The body of an SQLite worker thread; it runs from its source text (Function.toString), so it may use
 * only globals and what it requires itself, never this module's imports.
 */
function sqliteWorkerMain(): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const Database = require(workerData.driver) as typeof import('better-sqlite3');
  const port = parentPort!;
  let db: import('better-sqlite3').Database;
  try {
    db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeout });
    db.pragma(`busy_timeout = ${Number(workerData.busyTimeout)}`);
    db.pragma('foreign_keys = ON');
  } catch (e) {
    port.postMessage({ id: 0, ms: 0, error: e instanceof Error ? e.message : String(e) });
    return;
  }
  const cache = new Map<string, import('better-sqlite3').Statement>();
  port.postMessage({ id: 0, ms: 0 });
  port.on('message', (m: { id: number; sql?: string; params?: unknown[]; close?: boolean }) => {
    if (m.close) {
      db.close();
      port.close();
      return;
    }
    const t0 = performance.now();
    try {
      let stmt = cache.get(m.sql!);
      if (!stmt) cache.set(m.sql!, (stmt = db.prepare(m.sql!)));
      if (stmt.reader) {
        const rows = stmt.all(...m.params!) as Record<string, unknown>[];
        port.postMessage({ id: m.id, ms: performance.now() - t0, rows, changes: 0 });
      } else {
        const info = stmt.run(...m.params!);
        port.postMessage({ id: m.id, ms: performance.now() - t0, rows: [], changes: info.changes, insertId: Number(info.lastInsertRowid) });
      }
    } catch (e) {
      port.postMessage({ id: m.id, ms: performance.now() - t0, error: e instanceof Error ? e.message : String(e) });
    }
  });
}

class SqliteConnection implements Connection {
  private nextId = 1;
  private readonly pending = new Map<number, (r: WorkerReply) => void>();
  private exited = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: WorkerReply) => {
      const done = this.pending.get(r.id);
      this.pending.delete(r.id);
      done?.(r);
    });
    const fail = (why: string) => {
      this.exited = true;
      for (const [id, done] of this.pending) done({ id, ms: 0, error: why });
      this.pending.clear();
    };
    worker.on('error', (e) => fail(`SQLite worker failed: ${messageOf(e)}`));
    worker.on('exit', () => fail('SQLite worker exited'));
  }

  static async open(file: string): Promise<SqliteConnection> {
    const worker = new Worker(`(${sqliteWorkerMain.toString()})()`, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file, busyTimeout: SQLITE_BUSY_TIMEOUT_MS },
    });
    const conn = new SqliteConnection(worker);
    const ready = await new Promise<WorkerReply>((resolve) => conn.pending.set(0, resolve));
    if (ready.error) {
      await worker.terminate();
      throw new Error(/unable to open|does not exist/i.test(ready.error) ? `SQLite database ${file} does not exist (${ready.error})` : ready.error);
    }
    return conn;
  }

  async exec(sql: string, params: Param[] = []): Promise<Result> {
    if (this.exited) throw new StatementError('SQLite worker exited', 0);
    const id = this.nextId++;
    const r = await new Promise<WorkerReply>((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, sql, params });
    });
    if (r.error !== undefined) throw new StatementError(r.error, r.ms);
    return { rows: r.rows ?? [], changes: r.changes ?? 0, insertId: r.insertId, ms: r.ms };
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ close: true });
    await gone;
  }
}

async function connect(t: Target, name: string): Promise<Connection> {
  try {
    switch (t.backend) {
      case 'postgresql':
        return await PgConnection.open(t, name);
      case 'mysql':
        return await MysqlConnection.open(t);
      case 'sqlite':
        return await SqliteConnection.open(t.sqlitePath!);
    }
  } catch (e) {
    throw new Error(scrub(t, `cannot connect to ${t.display}: ${messageOf(e)}`));
  }
}

async function connectAll(t: Target, names: readonly string[]): Promise<Connection[]> {
  const opened = await Promise.allSettled(names.map((n) => connect(t, n)));
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.close() : undefined)));
    throw failed.reason;
  }
  return opened.map((o) => (o as PromiseFulfilledResult<Connection>).value);
}

// ---------------------------------------------------------------------------------------------------
// Watcher's rows

/** Per-backend spelling: quoted names (MySQL reserves `force`), booleans, naive-UTC timestamps as SQLAlchemy stores them. */
class Dialect {
  constructor(readonly backend: Backend) {}

  q(name: string): string {
    return this.backend === 'mysql' ? `\`${name}\`` : `"${name}"`;
  }

  bool(b: boolean): Param {
    return this.backend === 'postgresql' ? String(b) : b ? 1 : 0;
  }

  now(): string {
    const d = new Date();
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const s = `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
    // MySQL's DATETIME has no fraction in Watcher's schema; SQLite and PostgreSQL keep microseconds.
    return this.backend === 'mysql' ? s : `${s}.${p(d.getUTCMilliseconds() * 1000, 6)}`;
  }

  insertSql(table: string, columns: string[]): string {
    const sql = `INSERT INTO ${table} (${columns.map((c) => this.q(c)).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    return this.backend === 'postgresql' ? `${sql} RETURNING id` : sql;
  }
}

async function insertRow(conn: Connection, d: Dialect, table: string, values: Record<string, Param>): Promise<{ id: number; ms: number }> {
  const columns = Object.keys(values);
  const r = await conn.exec(d.insertSql(table, columns), columns.map((c) => values[c]));
  if (r.insertId === undefined) throw new StatementError(`INSERT INTO ${table} returned no id`, r.ms);
  return { id: r.insertId, ms: r.ms };
}

function actionValues(d: Dialect, planId: number, n: number): Record<string, Param> {
  return {
    created_at: d.now(), deleted: 0, uuid: randomUUID(), action_plan_id: planId, action_type: 'nop',
    input_parameters: JSON.stringify({ message: `live traffic ${n}` }), state: 'PENDING', parents: '[]',
  };
}

const UPDATE_ACTION_SQL = 'UPDATE actions SET state = ?, updated_at = ? WHERE id = ?';

async function updateAction(conn: Connection, d: Dialect, id: number, state: string): Promise<number> {
  const r = await conn.exec(UPDATE_ACTION_SQL, [state, d.now(), id]);
  if (r.changes !== 1) throw new StatementError(`UPDATE of action ${id} changed ${r.changes} rows`, r.ms);
  return r.ms;
}

interface Fixture {
  goal: number;
  strategy: number;
  audit: number;
  plan: number;
  planUuid: string;
  action: number;
}

/** A live goal, strategy, audit, action plan and action of this generator's own (unique names and uuids). */
async function createFixture(conn: Connection, d: Dialect): Promise<Fixture> {
  const tag = `live-traffic-${randomUUID().slice(0, 13)}`;
  const mixin = () => ({ created_at: d.now(), deleted: 0 });
  try {
    const goal = await insertRow(conn, d, 'goals', {
      ...mixin(), uuid: randomUUID(), name: tag, display_name: `Live traffic ${tag}`, efficacy_specification: '[]',
    });
    const strategy = await insertRow(conn, d, 'strategies', {
      ...mixin(), uuid: randomUUID(), name: tag, display_name: `Live traffic ${tag}`, goal_id: goal.id, parameters_spec: '{}',
    });
    const audit = await insertRow(conn, d, 'audits', {
      ...mixin(), uuid: randomUUID(), name: tag, audit_type: 'ONESHOT', state: 'ONGOING', parameters: '{}',
      goal_id: goal.id, strategy_id: strategy.id, scope: '[]', auto_trigger: d.bool(false), force: d.bool(false),
    });
    const planUuid = randomUUID();
    const plan = await insertRow(conn, d, 'action_plans', {
      ...mixin(), uuid: planUuid, audit_id: audit.id, strategy_id: strategy.id, state: 'ONGOING', global_efficacy: '[]',
    });
    const action = await insertRow(conn, d, 'actions', actionValues(d, plan.id, 0));
    return { goal: goal.id, strategy: strategy.id, audit: audit.id, plan: plan.id, planUuid, action: action.id };
  } catch (e) {
    throw new Error(`cannot create the generator's rows (is the database at Watcher's head revision?): ${messageOf(e)}`);
  }
}

/** Deletes a fixture's rows, children first. */
async function deleteFixture(conn: Connection, f: Fixture): Promise<void> {
  await conn.exec('DELETE FROM actions WHERE action_plan_id = ?', [f.plan]);
  await conn.exec('DELETE FROM action_plans WHERE id = ?', [f.plan]);
  await conn.exec('DELETE FROM audits WHERE id = ?', [f.audit]);
  await conn.exec('DELETE FROM strategies WHERE id = ?', [f.strategy]);
  await conn.exec('DELETE FROM goals WHERE id = ?', [f.goal]);
}

// ---------------------------------------------------------------------------------------------------
// The generator

interface Recorder {
  latencies: number[];
  errors: number;
  errorMessages: string[];
  /** [from, to) ranges of skipped round numbers */
  skipped: Array<[number, number]>;
}

/** Watcher-shaped traffic on a database; see the top of this file. */
export class LiveTraffic {
  private readonly recorders = Object.fromEntries(OPERATIONS.map((op) => [op, { latencies: [], errors: 0, errorMessages: [], skipped: [] } as Recorder])) as Record<OperationName, Recorder>;
  private readonly actions: number[] = [];
  /** the update stream's queue: the newest unfinished actions, oldest first */
  private readonly recent: Array<{ id: number; state: number }> = [];
  private readonly period: number;
  private t0 = 0;
  private stopAt: number | undefined;
  private readonly wakers = new Set<() => void>();
  private streams: Promise<void>[] = [];
  private report: Promise<TrafficReport> | undefined;
  private cleaned: Promise<void> | undefined;

  private constructor(
    private readonly target: Target,
    private readonly dialect: Dialect,
    private readonly conns: Record<OperationName, Connection>,
    private readonly fixture: Fixture,
    readonly rate: number,
    private readonly listLimit: number,
  ) {
    this.period = 1000 / rate;
    this.actions.push(fixture.action);
    this.recent.push({ id: fixture.action, state: 0 });
  }

  /** Connects (one connection per operation kind), creates the generator's rows and starts the traffic. */
  static async start(url: string, options: TrafficOptions = {}): Promise<LiveTraffic> {
    const rate = options.rate ?? DEFAULT_RATE;
    const listLimit = options.listLimit ?? DEFAULT_LIST_LIMIT;
    if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`rate must be a positive number of rounds per second, not ${rate}`);
    if (!(Number.isInteger(listLimit) && listLimit > 0)) throw new RangeError(`listLimit must be a positive integer, not ${listLimit}`);
    const target = parseDatabaseUrl(url);
    const dialect = new Dialect(target.backend);
    const opened = await connectAll(target, OPERATIONS);
    const conns = Object.fromEntries(OPERATIONS.map((op, i) => [op, opened[i]])) as Record<OperationName, Connection>;
    let fixture: Fixture;
    try {
      fixture = await createFixture(conns.create_action, dialect);
    } catch (e) {
      await Promise.all(opened.map((c) => c.close()));
      throw new Error(scrub(target, messageOf(e)));
    }
    const traffic = new LiveTraffic(target, dialect, conns, fixture, rate, listLimit);
    traffic.run();
    return traffic;
  }

  /** The ids of the rows this generator created (actions: those whose INSERT succeeded). */
  createdIds(): CreatedIds {
    const f = this.fixture;
    return { goals: [f.goal], strategies: [f.strategy], audits: [f.audit], action_plans: [f.plan], actions: [...this.actions] };
  }

  /**
   * Ends the traffic: lets in-flight statements finish (one waiting for a lock on PostgreSQL or MySQL
   * waits as long as the lock is held: the services set no lock timeout), closes the connections and
   * returns the report. Calling it again returns the same report.
   */
  stop(): Promise<TrafficReport> {
    if (!this.report) {
      this.stopAt = performance.now();
      for (const wake of this.wakers) wake();
      this.report = (async () => {
        await Promise.all(this.streams);
        await Promise.all(OPERATIONS.map((op) => this.conns[op].close()));
        return this.buildReport();
      })();
    }
    return this.report;
  }

  /** Stops the traffic if it runs, then deletes every row the generator created (on a new connection). */
  cleanup(): Promise<void> {
    if (!this.cleaned) {
      this.cleaned = (async () => {
        await this.stop();
        const conn = await connect(this.target, 'cleanup');
        try {
          await deleteFixture(conn, this.fixture);
        } catch (e) {
          throw new Error(scrub(this.target, `cleanup failed: ${messageOf(e)}`));
        } finally {
          await conn.close();
        }
      })();
    }
    return this.cleaned;
  }

  private run(): void {
    this.t0 = performance.now();
    const ops: Record<OperationName, () => Promise<number>> = {
      create_action: () => this.createAction(),
      update_action_state: () => this.updateActionState(),
      list_actions: () => this.list(
        `SELECT actions.* FROM actions JOIN action_plans ON action_plans.id = actions.action_plan_id ` +
          `WHERE action_plans.uuid = ? AND actions.deleted_at IS NULL ORDER BY actions.id ASC LIMIT ${this.listLimit}`,
        [this.fixture.planUuid], 'list_actions'),
      list_audits: () => this.list(`SELECT * FROM audits WHERE deleted_at IS NULL ORDER BY id ASC LIMIT ${this.listLimit}`, [], 'list_audits'),
      list_action_plans: () => this.list(`SELECT * FROM action_plans WHERE deleted_at IS NULL ORDER BY id ASC LIMIT ${this.listLimit}`, [], 'list_action_plans'),
    };
    this.streams = OPERATIONS.map((op, i) => this.stream(op, ops[op], (i * this.period) / OPERATIONS.length));
  }

  private async createAction(): Promise<number> {
    const r = await insertRow(this.conns.create_action, this.dialect, 'actions', actionValues(this.dialect, this.fixture.plan, this.actions.length));
    this.actions.push(r.id);
    this.recent.push({ id: r.id, state: 0 });
    if (this.recent.length > RECENT_ACTIONS) this.recent.shift();
    return r.ms;
  }

  private async updateActionState(): Promise<number> {
    // The applier moves the oldest unfinished action one step; with none left, the newest goes round again.
    const target = this.recent[0] ?? { id: this.actions[this.actions.length - 1], state: 0 };
    target.state = (target.state + 1) % ACTION_STATES.length;
    if (this.recent[0] === target && target.state === ACTION_STATES.length - 1) this.recent.shift();
    return updateAction(this.conns.update_action_state, this.dialect, target.id, ACTION_STATES[target.state]);
  }

  private async list(sql: string, params: Param[], op: OperationName): Promise<number> {
    return (await this.conns[op].exec(sql, params)).ms;
  }

  /** Resolves at `due` (performance.now() time), or at once when stopping. */
  private sleepUntil(due: number): Promise<void> {
    const wait = due - performance.now();
    if (wait <= 0 || this.stopAt !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, wait);
      this.wakers.add(wake);
    });
  }

  private async stream(op: OperationName, statement: () => Promise<number>, offset: number): Promise<void> {
    const rec = this.recorders[op];
    let round = 0;
    for (;;) {
      await this.sleepUntil(this.t0 + offset + round * this.period);
      if (this.stopAt !== undefined) return;
      try {
        rec.latencies.push(await statement());
      } catch (e) {
        if (e instanceof StatementError) rec.latencies.push(e.ms);
        rec.errors++;
        const msg = scrub(this.target, messageOf(e));
        if (rec.errorMessages.length < MAX_ERROR_MESSAGES && !rec.errorMessages.includes(msg)) rec.errorMessages.push(msg);
      }
      // Fixed rate by wall clock: run the latest round that is due, skip (and count) the ones before it.
      const due = Math.floor((performance.now() - this.t0 - offset) / this.period);
      const next = Math.max(round + 1, due);
      if (next > round + 1) rec.skipped.push([round + 1, next]);
      round = next;
    }
  }

  private buildReport(): TrafficReport {
    const durationMs = this.stopAt! - this.t0;
    const rounds = Math.ceil(durationMs / this.period);
    const clip = ([a, b]: [number, number]): [number, number] => [Math.min(a, rounds), Math.min(b, rounds)];
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const operations = {} as Record<OperationName, OperationStats>;
    for (const op of OPERATIONS) {
      const rec = this.recorders[op];
      const sorted = [...rec.latencies].sort((a, b) => a - b);
      operations[op] = {
        count: sorted.length,
        p50: r3(percentile(sorted, 50)),
        p99: r3(percentile(sorted, 99)),
        max: r3(sorted.length ? sorted[sorted.length - 1] : 0),
        skipped: rec.skipped.map(clip).reduce((n, [a, b]) => n + (b - a), 0),
        errors: rec.errors,
        errorMessages: [...rec.errorMessages],
      };
    }
    // Rounds skipped by any stream: the union of the streams' ranges.
    const ranges = OPERATIONS.flatMap((op) => this.recorders[op].skipped.map(clip)).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
    let skippedRounds = 0;
    let reach = 0;
    for (const [a, b] of ranges) {
      const from = Math.max(a, reach);
      if (b > from) skippedRounds += b - from;
      reach = Math.max(reach, b);
    }
    return { backend: this.target.backend, durationMs: r3(durationMs), rate: this.rate, rounds, skippedRounds, operations };
  }
}

/**
 * `n` quick state UPDATEs (default 60) on a few actions it has just created (in a live goal, strategy,
 * audit and plan of its own, which it leaves in place). On PostgreSQL these are HOT updates (no indexed
 * column changes; `pg_stat_user_tables.n_tup_hot_upd` of `actions` grows): the condition under which an
 * index built later inside a transaction gets `indcheckxmin`. Returns the rows it created.
 */
export async function hotUpdates(url: string, n = DEFAULT_HOT_UPDATES): Promise<CreatedIds> {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`the number of updates must be a non-negative integer, not ${n}`);
  const target = parseDatabaseUrl(url);
  const d = new Dialect(target.backend);
  const conn = await connect(target, 'hot-updates');
  try {
    const f = await createFixture(conn, d);
    const ids = [f.action];
    while (ids.length < Math.min(Math.max(n, 1), 4)) ids.push((await insertRow(conn, d, 'actions', actionValues(d, f.plan, ids.length))).id);
    // Each update changes the row's state (the rows take turns), as the applier's do.
    for (let i = 0; i < n; i++) await updateAction(conn, d, ids[i % ids.length], ACTION_STATES[(Math.floor(i / ids.length) + 1) % ACTION_STATES.length]);
    return { goals: [f.goal], strategies: [f.strategy], audits: [f.audit], action_plans: [f.plan], actions: ids };
  } catch (e) {
    throw new Error(scrub(target, `hot updates failed: ${messageOf(e)}`));
  } finally {
    // Closing also makes PostgreSQL flush this backend's table statistics.
    await conn.close();
  }
}

/** The report as text: a heading line, then one line per operation (and its first error messages, indented). */
export function formatReport(r: TrafficReport): string {
  const f = (x: number) => x.toFixed(3).padStart(10);
  const lines = [
    `live traffic on ${r.backend}: ${(r.durationMs / 1000).toFixed(2)} s at ${r.rate} rounds/s, ${r.rounds} rounds, ${r.skippedRounds} skipped`,
    `${'operation'.padEnd(20)} ${'count'.padStart(7)} ${'p50 ms'.padStart(10)} ${'p99 ms'.padStart(10)} ${'max ms'.padStart(10)} ${'skipped'.padStart(8)} ${'errors'.padStart(7)}`,
  ];
  const notes: string[] = [];
  for (const [name, s] of Object.entries(r.operations)) {
    lines.push(`${name.padEnd(20)} ${String(s.count).padStart(7)} ${f(s.p50)} ${f(s.p99)} ${f(s.max)} ${String(s.skipped).padStart(8)} ${String(s.errors).padStart(7)}`);
    for (const m of s.errorMessages) notes.push(`  ${name} error: ${m}`);
  }
  return [...lines, ...notes].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Command line

const USAGE = 'usage: live-traffic --url URL [--rate 50] [--duration SECONDS (10)] [--json] [--hot-updates N] [--list-limit 50] [--cleanup]';

class UsageError extends Error {}

function numberFlag(name: string, value: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !check(n)) throw new UsageError(`--${name} must be ${what}, not '${value}'`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  // Installed first: a signal during set-up must not kill the process before it has cleaned up.
  let signalled: (() => void) | undefined;
  let signals = 0;
  const interrupted = new Promise<void>((resolve) => (signalled = resolve));
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) {
      process.stderr.write(`live-traffic: ${sig} again, exiting without waiting for in-flight statements\n`);
      process.exit(130);
    }
    signalled!();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let opts: { url: string; rate: number; duration: number; json: boolean; hot?: number; listLimit: number; cleanup: boolean };
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        json: { type: 'boolean' },
        'hot-updates': { type: 'string' },
        'list-limit': { type: 'string' },
        cleanup: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (!values.url) throw new UsageError('--url is required');
    parseDatabaseUrl(values.url);
    opts = {
      url: values.url,
      rate: numberFlag('rate', values.rate, DEFAULT_RATE, (n) => Number.isFinite(n) && n > 0, 'a positive number'),
      duration: numberFlag('duration', values.duration, 10, (n) => Number.isFinite(n) && n >= 0, 'a number of seconds'),
      hot: values['hot-updates'] === undefined ? undefined : numberFlag('hot-updates', values['hot-updates'], 0, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
      listLimit: numberFlag('list-limit', values['list-limit'], DEFAULT_LIST_LIMIT, (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
      json: values.json ?? false,
      cleanup: values.cleanup ?? false,
    };
    if (opts.duration === 0 && opts.hot === undefined) throw new UsageError('nothing to do: --duration 0 without --hot-updates');
  } catch (e) {
    // parseArgs' own errors (unknown option, missing value) are usage errors too.
    process.stderr.write(`live-traffic: ${messageOf(e).split('\n')[0]} (--help for usage)\n`);
    return 2;
  }

  const target = parseDatabaseUrl(opts.url);
  if (opts.hot !== undefined) {
    await hotUpdates(opts.url, opts.hot);
    if (opts.duration === 0) {
      process.stdout.write(opts.json ? `${JSON.stringify({ backend: target.backend, hotUpdates: opts.hot })}\n` : `${opts.hot} hot updates on ${target.backend}\n`);
      return 0;
    }
  }
  const traffic = await LiveTraffic.start(opts.url, { rate: opts.rate, listLimit: opts.listLimit });
  process.stderr.write(`live-traffic: ${target.display}: ${opts.rate} rounds/s for ${opts.duration} s\n`);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([interrupted, new Promise<void>((resolve) => (timer = setTimeout(resolve, opts.duration * 1000)))]);
  clearTimeout(timer);
  const report = await traffic.stop();
  if (opts.cleanup) await traffic.cleanup();
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  return 0;
}

/** Exits once what was written to stdout and stderr has gone out. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(exit, (e: unknown) => {
    // Messages are scrubbed of the URL's password where they are made; one line, always.
    process.stderr.write(`live-traffic: ${messageOf(e).replace(/\s*\n\s*/g, ' ')}\n`);
    exit(e instanceof UrlError || e instanceof RangeError ? 2 : 1);
  });
}
