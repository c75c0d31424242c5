// A real three-node MariaDB Galera cluster of the tests' own, on free loopback ports in a temporary
// directory, started the way ../shared/spec/galera.md says works here: one my.cnf per node, the
// first bootstrapped with --wsrep-new-cluster, the others joining by rsync SST.
//
// One cluster serves every Galera test of a mocha run: `galeraCluster()` starts it on first use
// (about 15 s) and a root hook stops it when the run ends (also on exit, should mocha die first).
// Tests kill, restart and isolate nodes through it; each test works in a database of its own.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './private-server';

const run = promisify(execFile);
const IS_ROOT = process.getuid?.() === 0;
/**
 * As root the nodes run as `mysql`, as Debian runs them: the rsync daemon that receives an SST runs
 * as the user who starts it, and as root it would drop to `nobody`, who may not write the datadir.
 */
const RUN_AS = IS_ROOT ? ['--user=mysql'] : [];
const PROVIDER = '/usr/lib/galera/libgalera_smm.so';
const START_TIMEOUT_MS = 120_000;

export interface GaleraNode {
  index: number;
  name: string;
  /** Client port (127.0.0.1). */
  port: number;
  /** Galera replication, IST and SST ports. */
  gcommPort: number;
  istPort: number;
  sstPort: number;
  dir: string;
  datadir: string;
  cnf: string;
  logFile: string;
  proc?: ChildProcess;
  exited?: Promise<void>;
}

/** What a status query of one node says. */
export interface NodeStatus {
  ready: boolean;
  state: string;
  clusterStatus: string;
  clusterSize: number;
}

function which(name: string): string {
  for (const dir of `${process.env.PATH ?? ''}:/usr/sbin:/usr/bin:/sbin:/bin`.split(':')) {
    const p = path.join(dir || '.', name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  throw new Error(`${name} is not installed (the test command installs galera-4, mariadb-server and rsync as root)`);
}

export class GaleraCluster {
  readonly nodes: GaleraNode[] = [];
  private stopped = false;

  private constructor(readonly dir: string) {}

  /** Creates, bootstraps and joins `size` nodes; resolves once every node is Synced and ready. */
  static async start(size = 3): Promise<GaleraCluster> {
    if (!fs.existsSync(PROVIDER)) throw new Error(`the Galera provider ${PROVIDER} is missing: apt-get install galera-4`);
    which('rsync');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-galera-'));
    fs.chmodSync(dir, 0o755);
    const cluster = new GaleraCluster(dir);
    try {
      const ports: number[] = [];
      while (ports.length < size * 4) {
        const p = await freePort();
        if (!ports.includes(p)) ports.push(p);
      }
      for (let i = 0; i < size; i++) {
        const nodeDir = path.join(dir, `node${i + 1}`);
        fs.mkdirSync(nodeDir);
        cluster.nodes.push({
          index: i,
          name: `node${i + 1}`,
          port: ports[i * 4],
          gcommPort: ports[i * 4 + 1],
          istPort: ports[i * 4 + 2],
          sstPort: ports[i * 4 + 3],
          dir: nodeDir,
          datadir: path.join(nodeDir, 'data'),
          cnf: path.join(nodeDir, 'my.cnf'),
          logFile: path.join(nodeDir, 'error.log'),
        });
      }
      for (const node of cluster.nodes) {
        cluster.writeConfig(node);
        fs.mkdirSync(node.datadir);
        if (IS_ROOT) await run('chown', ['-R', 'mysql:mysql', node.dir]);
      }
      const first = cluster.nodes[0];
      await run(which('mariadb-install-db'), [
        `--defaults-file=${first.cnf}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...RUN_AS,
      ], { cwd: dir });
      await cluster.launch(first, ['--wsrep-new-cluster']);
      // Joiners one at a time: two SSTs from the same donor at once make one of them wait anyway.
      for (const node of cluster.nodes.slice(1)) {
        await cluster.launch(node, []);
      }
      registerCleanup(cluster);
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  private writeConfig(node: GaleraNode): void {
    const gcomm = this.nodes.map((n) => `127.0.0.1:${n.gcommPort}`).join(',');
    const lines = [
      '[mysqld]',
      `datadir = ${node.datadir}`,
      `socket = ${path.join(node.dir, 'mysql.sock')}`,
      `pid-file = ${path.join(node.dir, 'mysql.pid')}`,
      `log-error = ${node.logFile}`,
      `port = ${node.port}`,
      'bind-address = 127.0.0.1',
      'skip-name-resolve',
      ...(IS_ROOT ? ['user = mysql'] : []),
      'character-set-server = utf8mb4',
      'collation-server = utf8mb4_general_ci',
      'binlog_format = ROW',
      'default_storage_engine = InnoDB',
      'innodb_autoinc_lock_mode = 2',
      'innodb_buffer_pool_size = 128M',
      'innodb_flush_log_at_trx_commit = 0',
      'wsrep_on = ON',
      `wsrep_provider = ${PROVIDER}`,
      'wsrep_cluster_name = wdm_test',
      `wsrep_cluster_address = gcomm://${gcomm}`,
      `wsrep_node_address = 127.0.0.1:${node.gcommPort}`,
      `wsrep_node_incoming_address = 127.0.0.1:${node.port}`,
      `wsrep_node_name = ${node.name}`,
      `wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:${node.gcommPort}; ist.recv_addr=127.0.0.1:${node.istPort}; gcache.size=64M"`,
      'wsrep_sst_method = rsync',
      `wsrep_sst_receive_address = 127.0.0.1:${node.sstPort}`,
      '',
    ];
    fs.writeFileSync(node.cnf, lines.join('\n'));
  }

  /** Starts mariadbd for `node` and waits until it is Synced and ready. */
  private async launch(node: GaleraNode, extra: string[]): Promise<void> {
    const proc = spawn(which('mariadbd'), [`--defaults-file=${node.cnf}`, ...extra], { stdio: 'ignore' });
    node.proc = proc;
    let dead = false;
    node.exited = new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.once('error', () => resolve());
    }).then(() => {
      dead = true;
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (dead) throw new Error(`${node.name} exited during start-up; log tail:\n${this.logTail(node)}`);
      const status = await this.status(node.index).catch(() => undefined);
      if (status?.ready && status.state === 'Synced') return;
      await sleep(250);
    }
    throw new Error(`${node.name} was not Synced within ${START_TIMEOUT_MS / 1000} s; log tail:\n${this.logTail(node)}`);
  }

  logTail(node: GaleraNode, lines = 20): string {
    try {
      return fs.readFileSync(node.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** The SQLAlchemy-style URL of `database` through node `index` (root, no password). */
  url(index: number, database: string): string {
    return `mysql+pymysql://root@127.0.0.1:${this.nodes[index].port}/${database}`;
  }

  /** Runs SQL through the mariadb client on node `index`; returns its tab-separated output. */
  async sql(index: number, statements: string, database?: string): Promise<string> {
    const node = this.nodes[index];
    const args = ['--no-defaults', '--protocol=TCP', '-h', '127.0.0.1', '-P', String(node.port), '-u', 'root', '-N', '-B', '--connect-timeout=5'];
    if (database) args.push(database);
    const { stdout } = await run(which('mariadb'), [...args, '-e', statements], { maxBuffer: 64 << 20 });
    return stdout;
  }

  async status(index: number): Promise<NodeStatus> {
    const out = await this.sql(
      index,
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_cluster_size')",
    );
    const v = Object.fromEntries(out.trim().split('\n').map((line) => line.split('\t')));
    return {
      ready: v.wsrep_ready === 'ON',
      state: v.wsrep_local_state_comment ?? '',
      clusterStatus: v.wsrep_cluster_status ?? '',
      clusterSize: Number(v.wsrep_cluster_size ?? 0),
    };
  }

  /** A fresh database of `name` on the cluster (replicated to every node). */
  async createDatabase(name: string): Promise<void> {
    await this.sql(0, `DROP DATABASE IF EXISTS \`${name}\`; CREATE DATABASE \`${name}\``);
    await this.waitForDatabase(name);
  }

  /** Waits until every running node has `name` (DDL replicates in total order, but applies a little later). */
  private async waitForDatabase(name: string): Promise<void> {
    for (const node of this.nodes) {
      if (!this.isRunning(node.index)) continue;
      const deadline = Date.now() + 30_000;
      while ((await this.sql(node.index, `SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${name}'`)).trim() !== '1') {
        if (Date.now() > deadline) throw new Error(`database ${name} did not reach ${node.name}`);
        await sleep(100);
      }
    }
  }

  async dropDatabase(name: string): Promise<void> {
    const alive = this.nodes.find((n) => this.isRunning(n.index));
    if (alive) await this.sql(alive.index, `DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
  }

  isRunning(index: number): boolean {
    const proc = this.nodes[index].proc;
    return proc !== undefined && proc.exitCode === null && proc.signalCode === null;
  }

  /** kill -9 of node `index`; resolves once the process is gone. */
  async kill(index: number): Promise<void> {
    const node = this.nodes[index];
    if (!this.isRunning(index)) return;
    node.proc!.kill('SIGKILL');
    await node.exited;
  }

  /**
   * Starts a node that was killed or stopped again, from the position its datadir recovers (as
   * Debian's galera_recovery does), so it rejoins by IST instead of a full SST; waits until Synced.
   */
  async restart(index: number): Promise<void> {
    const node = this.nodes[index];
    if (this.isRunning(index)) return;
    const recoverLog = path.join(node.dir, 'recover.log');
    await run(which('mariadbd'), [`--defaults-file=${node.cnf}`, '--wsrep-recover', `--log-error=${recoverLog}`], { cwd: node.dir }).catch(() => undefined);
    const position = /WSREP: Recovered position:\s*(\S+)/.exec(fs.existsSync(recoverLog) ? fs.readFileSync(recoverLog, 'utf8') : '')?.[1];
    await this.launch(node, position ? [`--wsrep_start_position=${position}`] : []);
  }

  /** Takes node `index` out of the primary component (every statement there then fails with ER 1047). */
  async isolate(index: number): Promise<void> {
    await this.sql(index, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'");
    await this.waitFor(index, (s) => s.clusterStatus !== 'Primary', 'to leave the primary component');
  }

  async rejoin(index: number): Promise<void> {
    await this.sql(index, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'");
    await this.waitFor(index, (s) => s.clusterStatus === 'Primary' && s.ready && s.state === 'Synced', 'to rejoin');
  }

  /** Waits until every running node sees the whole cluster again (after a node died or came back). */
  async waitForClusterSize(size: number, timeoutMs = 60_000): Promise<void> {
    for (const node of this.nodes) {
      if (this.isRunning(node.index)) await this.waitFor(node.index, (s) => s.clusterSize === size && s.ready, `to see ${size} nodes`, timeoutMs);
    }
  }

  async waitFor(index: number, done: (status: NodeStatus) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status(index).catch(() => undefined);
      if (status && done(status)) return;
      if (Date.now() > deadline) throw new Error(`${this.nodes[index].name} did not come ${what} within ${timeoutMs / 1000} s (${JSON.stringify(status)})`);
      await sleep(200);
    }
  }

  /**
   * Stops every node and removes the directory. The data is thrown away, so SIGKILL, all at once: a
   * clean shutdown takes each node several seconds to leave the cluster, for nothing kept.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const running = this.nodes.filter((node) => this.isRunning(node.index));
    for (const node of running) node.proc!.kill('SIGKILL');
    await Promise.all(running.map((node) => node.exited));
    if (!process.env.WDM_KEEP_GALERA) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** For an exit handler: no waiting possible. */
  killAllNow(): void {
    for (const node of this.nodes) if (this.isRunning(node.index)) node.proc!.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

let shared: Promise<GaleraCluster> | undefined;

/** The run's cluster, started on first use; a cluster that cannot start fails every test that asks. */
export function galeraCluster(): Promise<GaleraCluster> {
  shared ??= GaleraCluster.start();
  return shared;
}

let cleanupRegistered = false;
function registerCleanup(cluster: GaleraCluster): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once('exit', () => cluster.killAllNow());
  // A signal would end mocha without 'exit': the nodes would outlive the run.
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    process.once(signal, () => {
      cluster.killAllNow();
      process.exit(code);
    });
  }
}

/** Mocha root hook: the shared cluster goes when the run ends. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    if (shared) await (await shared.catch(() => undefined))?.stop();
  },
};
