// upgrade and purge on a real three-node MariaDB Galera cluster, beside the same runs on a single
// MariaDB server (run by bench/galera.sh inside the test servers, which also prepare the reference).
// For each server, with our tool and with the Python reference:
//   - `upgrade` of an empty database to head, through node1;
//   - `purge --yes` (no --batch-size) of a Watcher-shaped dataset of WDM_BENCH_OBJECTS objects
//     (default 1,000,000; most of them soft deleted), through node1.
// During each, a probe on ANOTHER node (node2; on the single server, the same server) commits a
// one-row UPDATE of a table of its own, in a database of its own, every BENCH_PROBE_INTERVAL_MS ms
// (default 10; 0 is a tight loop), and records each commit's latency: the worst one is the write
// stall the run caused there (issue 13's target: at most 1 s). On Galera the probe goes on after
// the command exits until node2 has applied everything node1 had committed by then (a big write
// set is applied on the other nodes after its commit on node1), and for BENCH_TAIL_MS more
// (default 1000); on the single server for BENCH_TAIL_MS.
//
// The dataset is test/support/purge-dataset.ts's generator in the shape of bench/purge.ts's spec
// database (20 goals, 5 strategies and 10 audit templates per goal, audits each with one action plan,
// one action and one efficacy indicator; 80 % soft deleted long ago, 10 % recently, cascading),
// scaled by the number of audits: nearly every object is purged (a few dozen survive). It is loaded through node1 in transactions of BENCH_LOAD_ROWS rows
// (default 5000; multi-row INSERTs of 500), each one write set, timed apart from the results.
// After each purge the rows left are checked against the purge rules' oracle, on node1 and node2.
//
// The single server is a private mariadbd with the same InnoDB settings as the cluster's nodes (128M
// buffer pool, innodb_flush_log_at_trx_commit = 0), only without wsrep; it runs first and is stopped
// before the cluster starts, so the two never share the machine's cores.
//
// BENCH_TARGETS: "single,galera" (default) or one of them. BENCH_SKIP_REFERENCE=1: ours only.
// The reference deletes each object in a transaction of its own (watcher/db/purge.py: destroy() per
// object), so a million objects take it hours: its purge runs up to BENCH_REFERENCE_PURGE_MAX objects
// (default 100000) and is stopped after BENCH_REFERENCE_TIMEOUT_S (default 7200).
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { writeConfig } from '../test/support/cli';
import { GaleraCluster } from '../test/support/galera-cluster';
import { freePort } from '../test/support/private-server';
import { Dataset, KINDS, Kind, datasetSql, expectedSurvivors, makeDataset } from '../test/support/purge-dataset';
import { markdownTable, runBenchmark } from './report';

const execFileAsync = promisify(execFile);
const BIN = path.join(__dirname, '..', 'bin', 'run.js');
const OBJECTS = Number(process.env.WDM_BENCH_OBJECTS ?? 1_000_000);
const TARGETS = (process.env.BENCH_TARGETS ?? 'single,galera').split(',');
const PROBE_INTERVAL_MS = Number(process.env.BENCH_PROBE_INTERVAL_MS ?? 10);
const TAIL_MS = Number(process.env.BENCH_TAIL_MS ?? 1000);
const LOAD_ROWS = Number(process.env.BENCH_LOAD_ROWS ?? 5000);
const SKIP_REFERENCE = process.env.BENCH_SKIP_REFERENCE === '1';
const REFERENCE_PURGE_MAX = Number(process.env.BENCH_REFERENCE_PURGE_MAX ?? 100_000);
const REFERENCE_TIMEOUT_S = Number(process.env.BENCH_REFERENCE_TIMEOUT_S ?? 7200);
const REF_MAIN =
  "import sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'watcher-db-manage'; from watcher.cmd.dbmanage import main; main()";
const IS_ROOT = process.getuid?.() === 0;
const TABLES = [...KINDS, 'efficacy_indicators'] as const;
const PROBE_DB = 'wdm_bench_probe';

type Tool = 'ours' | 'reference';

// ---------------------------------------------------------------------------------------------------
// The two kinds of server, behind one interface

interface Server {
  label: string;
  /** which node the probe writes to, as said in the table */
  probeOn: string;
  /** client ports: [0] is where the tool runs, [probe] where the probe writes */
  port(index: number): number;
  probe: number;
  sql(index: number, statements: string, database?: string): Promise<string>;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  /** Resolves once the probe's node has applied all that node 0 has committed (at once on one server). */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

function mariadbClientArgs(port: number): string[] {
  return ['--no-defaults', '--protocol=TCP', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '-N', '-B'];
}

async function startGalera(): Promise<Server> {
  const cluster = await GaleraCluster.start();
  const lastCommitted = async (i: number) =>
    Number((await cluster.sql(i, "SHOW GLOBAL STATUS LIKE 'wsrep_last_committed'")).trim().split('\t')[1]);
  return {
    label: 'Galera, 3 nodes',
    probeOn: 'node2',
    port: (i) => cluster.nodes[i].port,
    probe: 1,
    sql: (i, s, db) => cluster.sql(i, s, db),
    createDatabase: (name) => cluster.createDatabase(name),
    dropDatabase: (name) => cluster.dropDatabase(name),
    async caughtUp() {
      const target = await lastCommitted(0);
      while ((await lastCommitted(1)) < target) await sleep(50);
    },
    stop: () => cluster.stop(),
  };
}

/** A mariadbd of our own with the Galera nodes' settings less wsrep (test/support/galera-cluster.ts). */
async function startSingle(): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-bench-single-'));
  const datadir = path.join(dir, 'data');
  const port = await freePort();
  const log = path.join(dir, 'error.log');
  const cnf = path.join(dir, 'my.cnf');
  fs.writeFileSync(
    cnf,
    [
      '[mysqld]', `datadir = ${datadir}`, `socket = ${path.join(dir, 'mysql.sock')}`, `pid-file = ${path.join(dir, 'mysql.pid')}`,
      `log-error = ${log}`, `port = ${port}`, 'bind-address = 127.0.0.1', 'skip-name-resolve', ...(IS_ROOT ? ['user = root'] : []),
      'character-set-server = utf8mb4', 'collation-server = utf8mb4_general_ci', 'binlog_format = ROW',
      'default_storage_engine = InnoDB', 'innodb_autoinc_lock_mode = 2', 'innodb_buffer_pool_size = 128M',
      'innodb_flush_log_at_trx_commit = 0', '',
    ].join('\n'),
  );
  await execFileAsync('mariadb-install-db', [`--defaults-file=${cnf}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { cwd: dir });
  const proc: ChildProcess = spawn('mariadbd', [`--defaults-file=${cnf}`], { stdio: 'ignore' });
  const exited = once(proc, 'exit').catch(() => undefined);
  const kill = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  process.once('exit', () => {
    kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const sql = async (_i: number, statements: string, database?: string) =>
    (await execFileAsync('mariadb', [...mariadbClientArgs(port), ...(database ? [database] : []), '-e', statements], { maxBuffer: 64 << 20 })).stdout;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`mariadbd exited during start-up: ${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    // The datadir proves that the answer comes from our server, not another one that took the port.
    const answer = await sql(0, 'SELECT @@datadir').catch(() => '');
    if (answer && path.resolve(answer.trim()) === path.resolve(datadir)) break;
    if (Date.now() > deadline) throw new Error(`mariadbd did not start within 60 s: ${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    await sleep(250);
  }
  return {
    label: 'single MariaDB',
    probeOn: 'same server',
    port: () => port,
    probe: 0,
    sql,
    createDatabase: async (name) => void (await sql(0, `DROP DATABASE IF EXISTS \`${name}\`; CREATE DATABASE \`${name}\``)),
    dropDatabase: async (name) => void (await sql(0, `DROP DATABASE IF EXISTS \`${name}\``)),
    caughtUp: async () => undefined,
    async stop() {
      kill();
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The probe: one connection committing a one-row UPDATE, over and over

interface ProbeReport {
  writes: number;
  errors: number;
  maxMs: number;
  p99Ms: number;
  /** when the worst commit began, in s from `startedAt` */
  worstAtS: number;
}

class Probe {
  private stopping = false;
  private latencies: number[] = [];
  private errors = 0;
  private worst = { ms: 0, at: 0 };
  private loop!: Promise<void>;
  /** the time the worst commit's start is measured from (the command's start) */
  mark = performance.now();

  private constructor(private readonly conn: mysql.Connection) {}

  /** The probe's database and table exist already (made by `prepareProbe` before the run). */
  static async start(port: number): Promise<Probe> {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', database: PROBE_DB, connectTimeout: 10_000 });
    conn.on('error', () => undefined);
    const probe = new Probe(conn);
    probe.loop = probe.run();
    return probe;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const t0 = performance.now();
      try {
        await this.conn.query('UPDATE probe SET n = n + 1, at = NOW(6) WHERE id = 1');
      } catch {
        this.errors++;
      }
      const ms = performance.now() - t0;
      this.latencies.push(ms);
      if (ms > this.worst.ms) this.worst = { ms, at: t0 };
      if (PROBE_INTERVAL_MS > 0) await sleep(PROBE_INTERVAL_MS);
    }
  }

  async stop(): Promise<ProbeReport> {
    this.stopping = true;
    await this.loop;
    await this.conn.end().catch(() => this.conn.destroy());
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      writes: sorted.length,
      errors: this.errors,
      maxMs: this.worst.ms,
      p99Ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] : 0,
      worstAtS: (this.worst.at - this.mark) / 1000,
    };
  }
}

async function prepareProbe(server: Server): Promise<void> {
  await server.createDatabase(PROBE_DB);
  // Through the probe's own node: DDL runs in total order, so it is there when the statement returns.
  await server.sql(
    server.probe,
    'CREATE TABLE probe (id INT PRIMARY KEY, n BIGINT NOT NULL, at DATETIME(6) NULL) ENGINE=InnoDB; INSERT INTO probe (id, n) VALUES (1, 0)',
    PROBE_DB,
  );
}

// ---------------------------------------------------------------------------------------------------
// Commands

interface RunResult {
  status: number;
  seconds: number;
  stderr: string;
  timedOut: boolean;
}

function runCommand(argv: string[], input: string, timeoutS?: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    const timer = timeoutS ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutS * 1000) : undefined;
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(input);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, seconds: (performance.now() - started) / 1000, stderr, timedOut });
    });
  });
}

function toolCommand(tool: Tool, conf: string, args: string[]): string[] {
  if (tool === 'ours') return [process.execPath, BIN, '--config-file', conf, ...args];
  return ['/usr/bin/python3', '-c', REF_MAIN, process.env.WDM_TEST_REFERENCE_DIR!, '--config-file', conf, ...args];
}

/** The last line of a failure that says what went wrong (the reference ends with SQLAlchemy's "Background" link). */
function cause(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/Background on this error/.test(l));
  return (lines.filter((l) => /error|fail|exceeded/i.test(l)).pop() ?? lines.pop() ?? '').slice(0, 100);
}

interface Measured {
  run: RunResult;
  probe: ProbeReport;
  /** from the command's exit to the probe's node having applied everything (Galera) */
  lagS: number;
}

/** Runs `argv` with the probe writing on the probe's node meanwhile, and until that node caught up. */
async function measured(server: Server, argv: string[], input: string, timeoutS?: number): Promise<Measured> {
  const probe = await Probe.start(server.port(server.probe));
  await sleep(500);
  probe.mark = performance.now();
  const run = await runCommand(argv, input, timeoutS);
  const ended = performance.now();
  await server.caughtUp();
  const lagS = (performance.now() - ended) / 1000;
  await sleep(TAIL_MS);
  return { run, probe: await probe.stop(), lagS };
}

// ---------------------------------------------------------------------------------------------------
// The dataset

function dataset(): Dataset {
  const goals = 20;
  const fixed = goals * (1 + 5 + 10); // goals, strategies, audit templates
  const auditsPerGoal = Math.max(1, Math.round((OBJECTS - fixed) / 3 / goals));
  // Seed 2, not bench/purge.ts's 11: at 11 only one goal survives the purge, which checks little.
  return makeDataset(2, {
    goals, strategiesPerGoal: 5, templatesPerGoal: 10, auditsPerGoal, plansPerAudit: 1, actionsPerPlan: 1,
    tangle: 0, old: 0.8, young: 0.1, cascade: true,
  });
}

/** Through node 0 in transactions of LOAD_ROWS rows, streamed to one mariadb client. */
async function load(server: Server, db: string, data: Dataset, now: number): Promise<number> {
  const started = performance.now();
  const client = spawn('mariadb', [...mariadbClientArgs(server.port(0)), db], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  client.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number>((resolve) => client.on('close', (code) => resolve(code ?? -1)));
  const empty = (): Dataset => ({ rows: Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Record<Kind, never[]>, indicators: [] });
  const write = async (text: string) => {
    if (!client.stdin!.write(text)) await Promise.race([once(client.stdin!, 'drain'), closed]);
  };
  for (const kind of KINDS) {
    for (let i = 0; i < data.rows[kind].length; i += LOAD_ROWS) {
      const part = empty();
      part.rows[kind] = data.rows[kind].slice(i, i + LOAD_ROWS);
      await write(`START TRANSACTION;\n${datasetSql('mysql', part, now)}\nCOMMIT;\n`);
    }
  }
  for (let i = 0; i < data.indicators.length; i += LOAD_ROWS) {
    const part = empty();
    part.indicators = data.indicators.slice(i, i + LOAD_ROWS);
    await write(`START TRANSACTION;\n${datasetSql('mysql', part, now)}\nCOMMIT;\n`);
  }
  await write(`ANALYZE TABLE ${TABLES.join(', ')};\n`);
  client.stdin!.end();
  const code = await closed;
  if (code !== 0) throw new Error(`loading the dataset failed (exit ${code}): ${stderr.slice(-2000)}`);
  await server.caughtUp();
  return (performance.now() - started) / 1000;
}

/** COUNT and SUM(id) per table, as the oracle says they must be after the purge. */
function expectedLeft(data: Dataset): string {
  const left = expectedSurvivors(data, {});
  return TABLES.map((t) => `${left[t].length}/${left[t].reduce((a, b) => a + b, 0)}`).join(' ');
}

async function left(server: Server, index: number, db: string): Promise<string> {
  // Causal reads on Galera: what node 0 committed is there before the counts are taken.
  const sync = server.probe === 0 ? '' : 'SET SESSION wsrep_sync_wait = 1; ';
  const query = TABLES.map((t) => `SELECT CONCAT(COUNT(*), '/', COALESCE(SUM(id), 0)) FROM ${t};`).join(' ');
  return (await server.sql(index, sync + query, db)).trim().split('\n').join(' ');
}

// ---------------------------------------------------------------------------------------------------

let dbCounter = 0;
const HEADER = ['server', 'command', 'tool', 'result', 'wall s', 'worst probe commit ms (at s)', 'probe p99 ms', 'probe writes', 'probe node lag s'];

function row(server: Server, command: string, tool: Tool, m: Measured, extra = ''): string[] {
  const r = m.run;
  const result = r.timedOut ? `stopped after ${r.seconds.toFixed(0)} s` : r.status === 0 ? `ok${extra}` : `exit ${r.status}: ${cause(r.stderr)}`;
  return [
    server.label, command, tool, result, r.seconds.toFixed(2), `${m.probe.maxMs.toFixed(0)} (${m.probe.worstAtS.toFixed(1)})`,
    m.probe.p99Ms.toFixed(1), String(m.probe.writes) + (m.probe.errors ? ` (${m.probe.errors} failed)` : ''), server.probe === 0 ? '-' : m.lagS.toFixed(2),
  ];
}

function skipped(server: Server, command: string, why: string): string[] {
  return [server.label, command, 'reference', `not run: ${why}`, '-', '-', '-', '-', '-'];
}

async function benchServer(server: Server, data: Dataset, results: string[][], loads: string[][]): Promise<void> {
  const referenceWhy = SKIP_REFERENCE ? 'BENCH_SKIP_REFERENCE=1' : !process.env.WDM_TEST_REFERENCE_DIR ? 'not installed (WDM_TEST_REFERENCE_DIR unset: run bench/galera.sh)' : '';
  const tools: Tool[] = ['ours', 'reference'];
  const print = (r: string[]) => {
    results.push(r);
    console.log(r.join('  |  '));
  };
  await prepareProbe(server);
  for (const tool of tools) {
    if (tool === 'reference' && referenceWhy) {
      print(skipped(server, 'upgrade (empty -> head)', referenceWhy));
      continue;
    }
    const db = `wdm_bench_${process.pid}_${++dbCounter}`;
    await server.createDatabase(db);
    const conf = writeConfig(`mysql+pymysql://root@127.0.0.1:${server.port(0)}/${db}`);
    const m = await measured(server, toolCommand(tool, conf, ['upgrade']), '');
    const tables = (await server.sql(server.probe, `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${db}'`)).trim();
    print(row(server, 'upgrade (empty -> head)', tool, m, `, ${tables} tables on ${server.probeOn === 'node2' ? 'node2' : 'the server'}`));
    await server.dropDatabase(db);
  }
  const objects = KINDS.reduce((n, k) => n + data.rows[k].length, 0);
  const expected = expectedLeft(data);
  const survivors = expectedSurvivors(data, {});
  const toPurge = KINDS.reduce((n, k) => n + data.rows[k].length - survivors[k].length, 0);
  const purgeLabel = `purge --yes (${objects} objects, ${toPurge} to purge)`;
  for (const tool of tools) {
    if (tool === 'reference' && (referenceWhy || objects > REFERENCE_PURGE_MAX)) {
      print(skipped(server, purgeLabel, referenceWhy || `over BENCH_REFERENCE_PURGE_MAX=${REFERENCE_PURGE_MAX} objects (one transaction per object: hours)`));
      continue;
    }
    const db = `wdm_bench_${process.pid}_${++dbCounter}`;
    await server.createDatabase(db);
    const conf = writeConfig(`mysql+pymysql://root@127.0.0.1:${server.port(0)}/${db}`);
    const up = await runCommand([process.execPath, BIN, '--config-file', conf, 'upgrade'], '');
    if (up.status !== 0) throw new Error(`upgrade before loading failed: ${up.stderr}`);
    const loadS = await load(server, db, data, Date.now());
    loads.push([server.label, `for ${tool}`, String(objects + data.indicators.length), loadS.toFixed(1), (((objects + data.indicators.length) / loadS) | 0).toString()]);
    console.log(`loaded ${objects + data.indicators.length} rows into ${server.label} in ${loadS.toFixed(1)} s`);
    await sleep(2000);
    // The reference asks for confirmation; ours is told --yes.
    const args = tool === 'ours' ? ['purge', '--yes'] : ['purge'];
    const m = await measured(server, toolCommand(tool, conf, args), 'y\n', tool === 'reference' ? REFERENCE_TIMEOUT_S : undefined);
    let check = '';
    if (m.run.status === 0) {
      const there = await left(server, 0, db);
      const probeNode = server.probe === 0 ? there : await left(server, server.probe, db);
      check = there === expected && probeNode === expected ? ', rows left as the rules say' : `, rows left NOT as the rules say: ${there} vs ${expected}`;
      if (server.probe !== 0 && there !== probeNode) check += ` (node2: ${probeNode})`;
    }
    print(row(server, purgeLabel, tool, m, check));
    await server.dropDatabase(db);
  }
  await server.dropDatabase(PROBE_DB);
}

async function main(): Promise<void> {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130)); // exit handlers kill the servers
  const t0 = performance.now();
  const data = dataset();
  const counts = TABLES.map((t) => `${t} ${t === 'efficacy_indicators' ? data.indicators.length : data.rows[t].length}`).join(', ');
  console.log(
    `Galera bench: ${OBJECTS} objects asked; dataset (${((performance.now() - t0) / 1000).toFixed(1)} s to generate): ${counts}; ` +
      `probe interval ${PROBE_INTERVAL_MS} ms; Node.js ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  const results: string[][] = [];
  const loads: string[][] = [];
  for (const target of TARGETS) {
    const started = performance.now();
    const server = target === 'galera' ? await startGalera() : target === 'single' ? await startSingle() : undefined;
    if (!server) throw new Error(`BENCH_TARGETS: unknown target ${target} (single, galera)`);
    console.log(`${server.label} started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    try {
      await benchServer(server, data, results, loads);
    } finally {
      await server.stop();
    }
  }
  console.log();
  console.log(`dataset: ${counts} (${data.indicators.length + KINDS.reduce((n, k) => n + data.rows[k].length, 0)} rows); load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log();
  console.log(markdownTable(HEADER, results));
  console.log();
  console.log(markdownTable(['server', 'load', 'rows', 'load s', 'rows/s'], loads));
}

runBenchmark(main);
