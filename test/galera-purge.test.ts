// purge on a real three-node MariaDB Galera cluster (test/support/galera-cluster.ts): within the
// cluster's write-set limits, through certification conflicts, with causal reads, and through the
// loss of the node it talks to. What Galera changes is in ../shared/spec/galera.md.
import { expect } from 'chai';
import mysql from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';
import { GaleraCluster, galeraCluster } from './support/galera-cluster';
import { sqlQuery } from './support/backends';
import { coreApi, runCli, RunningCli, startCli, writeConfig } from './support/cli';
import { holdLock } from './support/lock-holder';
import { Dataset, KINDS, Shape, datasetSql, expectedSurvivors, makeDataset } from './support/purge-dataset';

/** About 10,000 objects and 2,000 indicators to purge: more than a write-set limit of 5000 rows. */
const MEDIUM: Shape = { goals: 4, strategiesPerGoal: 2, templatesPerGoal: 3, auditsPerGoal: 500, plansPerAudit: 1, actionsPerPlan: 3, tangle: 0, old: 0.7, young: 0.1, cascade: true };
/** About 100,000 objects and 20,000 indicators: deleted in one transaction, they stalled a write on node2 1.4 s (batched: 0.1 s). */
const LARGE: Shape = { ...MEDIUM, goals: 20, auditsPerGoal: 1000, old: 0.5 };
const SMALL: Shape = { goals: 6, strategiesPerGoal: 2, templatesPerGoal: 2, auditsPerGoal: 3, plansPerAudit: 2, actionsPerPlan: 3, tangle: 0, old: 0.3, young: 0.2 };
const TABLES = [...KINDS, 'efficacy_indicators'] as const;
type Rows = Record<(typeof TABLES)[number], number[]>;

function rowTotal(rows: Rows): number {
  return TABLES.reduce((n, t) => n + rows[t].length, 0);
}

/** The batches a -v purge said it committed, in rows. */
function committedBatches(stderr: string): number[] {
  return [...stderr.matchAll(/^Committed purge batch \d+ of \d+: (\d+) rows;/gm)].map((m) => Number(m[1]));
}

describe('Galera purge', function () {
  this.timeout(240_000);
  let cluster: GaleraCluster;
  let n = 0;
  const databases: string[] = [];
  /** Each node's write-set limits before the test, put back after it. */
  let limits: string[] = [];
  const LIMITS = "SELECT CONCAT('SET GLOBAL wsrep_max_ws_rows = ', @@GLOBAL.wsrep_max_ws_rows, ', GLOBAL wsrep_max_ws_size = ', @@GLOBAL.wsrep_max_ws_size)";

  before(async () => {
    cluster = await galeraCluster();
    limits = await Promise.all(cluster.nodes.map(async (node) => (await cluster.sql(node.index, LIMITS)).trim()));
  });
  afterEach(async () => {
    // Every node running and Synced again, with its limits as they were, whatever the test did.
    for (const node of cluster.nodes) if (!cluster.isRunning(node.index)) await cluster.restart(node.index);
    await cluster.waitForClusterSize(cluster.nodes.length);
    for (const node of cluster.nodes) await cluster.sql(node.index, limits[node.index]);
    for (const name of databases.splice(0)) await cluster.dropDatabase(name);
  });

  /** A new database brought to head through node1 and seeded with `data`; its URL through each node. */
  async function seeded(data: Dataset): Promise<{ db: string; url: (node: number) => string; conf: (node: number) => string }> {
    const db = `wdm_gpurge_${process.pid}_${++n}`;
    await cluster.createDatabase(db);
    databases.push(db);
    const conf = (node: number) => writeConfig(cluster.url(node, db));
    const up = runCli(['--config-file', conf(0), 'upgrade']);
    if (up.status !== 0) throw new Error(`upgrade failed: ${up.stderr}`);
    sqlQuery(cluster.url(0, db), datasetSql('mysql', data));
    return { db, url: (node) => cluster.url(node, db), conf };
  }

  /** The ids left in each table as the node behind `url` has them, once it applied all the cluster committed. */
  function survivorsOn(url: string): Rows {
    const out = {} as Rows;
    for (const t of TABLES) {
      out[t] = sqlQuery(url, `SET SESSION wsrep_sync_wait = 1; SELECT id FROM ${t} ORDER BY id;`).split('\n').filter(Boolean).map(Number);
    }
    return out;
  }

  async function setGlobal(node: number, assignment: string): Promise<void> {
    await cluster.sql(node, `SET GLOBAL ${assignment}`);
  }

  /**
   * A writer on node `node`, as a service there: one small autocommit UPDATE every 20 ms, on a table
   * of its own, until `stop()`, which resolves with the longest any of them took, in ms.
   */
  async function writeProbe(node: number, db: string): Promise<{ stop(): Promise<number> }> {
    const connection = await mysql.createConnection({ host: '127.0.0.1', port: cluster.nodes[node].port, user: 'root', database: db });
    await connection.query('CREATE TABLE stall_probe (id INT PRIMARY KEY, n INT NOT NULL)');
    await connection.query('INSERT INTO stall_probe VALUES (1, 0)');
    let stopping = false;
    let worst = 0;
    const loop = (async () => {
      while (!stopping) {
        const start = Date.now();
        await connection.query('UPDATE stall_probe SET n = n + 1 WHERE id = 1');
        worst = Math.max(worst, Date.now() - start);
        await sleep(20);
      }
    })();
    return {
      stop: async () => {
        stopping = true;
        await loop;
        await connection.end();
        return worst;
      },
    };
  }

  it('-v on a Galera node says which node of which cluster, and its write-set limits', async function () {
    const { conf } = await seeded(makeDataset(1, SMALL));
    const r = runCli(['--config-file', conf(1), '-v', 'purge', '--dry-run']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/^Galera cluster detected: node node2, 3 node\(s\), Primary, Synced; wsrep_max_ws_rows no limit, wsrep_max_ws_size \d+ bytes$/m);
  });

  it('batches by itself within wsrep_max_ws_rows = 5000, and says the size under -v', async function () {
    const data = makeDataset(2, MEDIUM);
    const { url, conf } = await seeded(data);
    const expected = expectedSurvivors(data, {});
    const toDelete = rowTotal(survivorsOn(url(0))) - rowTotal(expected);
    expect(toDelete, 'one transaction would go over the limit').to.be.above(5000);
    for (const node of cluster.nodes) await setGlobal(node.index, 'wsrep_max_ws_rows = 5000');
    const r = runCli(['--config-file', conf(0), '-v', 'purge', '--yes']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/^Galera: deleting in transactions of at most 2000 rows \(so that the other nodes stall under 1 s; --batch-size sets another size\)$/m);
    const batches = committedBatches(r.stderr);
    expect(Math.max(...batches)).to.equal(2000);
    expect(batches.reduce((a, b) => a + b, 0)).to.equal(toDelete);
    for (const node of cluster.nodes) expect(survivorsOn(url(node.index)), node.name).to.deep.equal(expected);
  });

  it('by default, batches small enough that no write on another node waits 1 s', async function () {
    const data = makeDataset(9, LARGE);
    const { db, url, conf } = await seeded(data);
    const probe = await writeProbe(1, db);
    const cli = startCli(['--config-file', conf(0), '-v', 'purge', '--yes']);
    const r = await cli.done;
    // The other nodes apply the last batch after its commit returned: the probe goes on a while.
    await sleep(1000);
    const worst = await probe.stop();
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/^Galera: deleting in transactions of at most 2000 rows \(so that the other nodes stall under 1 s;/m);
    expect(worst, 'the longest write on node2 during the purge, in ms').to.be.below(1000);
    expect(survivorsOn(url(2))).to.deep.equal(expectedSurvivors(data, {}));
  });

  it('--batch-size 5000 under wsrep_max_ws_rows = 5000 completes: a batch holds at most 5000 rows, efficacy indicators included', async function () {
    // The issue's failure: batches were whole subtrees numbered by a running sum, so one could hold
    // up to N + (subtree - 1) rows (5004 here), and wsrep counts every row (measured).
    const data = makeDataset(3, MEDIUM);
    const { url, conf } = await seeded(data);
    await setGlobal(0, 'wsrep_max_ws_rows = 5000');
    const r = runCli(['--config-file', conf(0), '-v', 'purge', '--yes', '--batch-size', '5000']);
    expect(r.status, r.stderr).to.equal(0);
    expect(committedBatches(r.stderr)).to.include(5000);
    expect(Math.max(...committedBatches(r.stderr))).to.equal(5000);
    expect(survivorsOn(url(1))).to.deep.equal(expectedSurvivors(data, {}));
  });

  it('a batch over a write-set limit fails in one line that names the limit and --batch-size; the batches before stay, and a rerun takes exactly the rest', async function () {
    const data = makeDataset(4, MEDIUM);
    const { url, conf } = await seeded(data);
    const expected = expectedSurvivors(data, {});
    const before = rowTotal(survivorsOn(url(0)));
    // An operator lowers the limit while the purge runs.
    const cli = startCli(['--config-file', conf(0), '-v', 'purge', '--yes', '--batch-size', '500']);
    await cli.stderrMatch(/^Committed purge batch 2 of/m);
    await setGlobal(0, 'wsrep_max_ws_rows = 100');
    const r = await cli.done;
    expect(r.status, r.stderr).to.equal(1);
    // One error line, the last, and no stack trace; the lines before it are -v's.
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('watcher-db-manage:')), r.stderr).to.have.length(1);
    expect(r.stderr).to.not.match(/^\s+at /m);
    const m = /^watcher-db-manage: error: purge batch (\d+) of \d+ exceeded the cluster's wsrep_max_ws_rows \(100\) and was rolled back \(the (\d+) batch\(es\) before it stay deleted\): run again with a smaller --batch-size$/.exec(lines[lines.length - 1]);
    expect(m, r.stderr).to.not.equal(null);
    const committed = Number(m![2]);
    expect(committed).to.equal(Number(m![1]) - 1).and.equal(committedBatches(r.stderr).length);
    // The batches before stay deleted, nothing of the failed one is (the keys would refuse an orphan).
    const left = survivorsOn(url(1));
    expect(before - rowTotal(left)).to.equal(committed * 500);

    // The size limit fails the same way, here at the first batch.
    await setGlobal(0, 'wsrep_max_ws_rows = 0');
    await setGlobal(0, 'wsrep_max_ws_size = 16384');
    const sized = runCli(['--config-file', conf(0), 'purge', '--yes', '--batch-size', '500']);
    expect(sized.status, sized.stderr).to.equal(1);
    expect(sized.stderr.trim()).to.match(
      /^watcher-db-manage: error: purge batch 1 of \d+ exceeded the cluster's wsrep_max_ws_size \(16384\) and was rolled back \(nothing was deleted\): run again with a smaller --batch-size$/,
    );
    expect(rowTotal(survivorsOn(url(1)))).to.equal(rowTotal(left));
    await cluster.sql(0, limits[0]);

    // What is left is a state the rules allow: a rerun through another node takes exactly the rest.
    const rerun = runCli(['--config-file', conf(1), 'purge', '--yes']);
    expect(rerun.status, rerun.stderr).to.equal(0);
    for (const node of cluster.nodes) expect(survivorsOn(url(node.index)), node.name).to.deep.equal(expected);
  });

  it('two purges started together through two nodes both succeed and leave what the rules say', async function () {
    const data = makeDataset(5, MEDIUM);
    const { url, conf } = await seeded(data);
    const runs = [startCli(['--config-file', conf(0), 'purge', '--yes', '--batch-size', '1000']), startCli(['--config-file', conf(1), 'purge', '--yes', '--batch-size', '1000'])];
    const results = await Promise.all(runs.map((run) => run.done));
    for (const r of results) {
      expect(r.status, r.stderr).to.equal(0);
      // A conflict is retried, one warning line each; nothing else but the shortfall's warning, and
      // the run lock's line when this purge waited for the other one.
      for (const line of r.stderr.trim().split('\n').filter(Boolean)) {
        expect(line).to.match(
          /^(WARNING (purge batch \d+ of \d+: .*; retrying in \d+\.\d s \(attempt \d+ of 31\)|\d+ of the \d+ objects set for deletion were not deleted: .*)|INFO  Another watcher-db-manage run holds the migration lock on this database; waiting for it to finish \(held by purge, .*\))$/,
        );
      }
    }
    const expected = expectedSurvivors(data, {});
    for (const node of cluster.nodes) expect(survivorsOn(url(node.index)), node.name).to.deep.equal(expected);
  });

  it('a purge transaction that loses to a write another node committed first is retried, with one warning line', async function () {
    const data = makeDataset(6, SMALL);
    const { db, url, conf } = await seeded(data);
    const expected = expectedSurvivors(data, {});
    // The first action of an action plan the purge deletes.
    const action = data.rows.actions.find((x) => !expected.actions.includes(x.id) && !expected.action_plans.includes(x.action_plan_id!))!;
    // A service on node1 holds the plan. On Galera, deleting a child row also takes a shared lock on
    // its parent row (for the foreign key's certification key; measured), so the purge's transaction
    // waits there with the plan's first action already locked for its delete. Meanwhile a service on
    // node2 updates that action and commits first; its write set reaches node1, whose applier needs
    // the row the purge's transaction holds, and aborts that transaction.
    const holder = await holdLock(url(0), `SELECT id FROM action_plans WHERE id = ${action.action_plan_id} FOR UPDATE;`);
    let cli: RunningCli | undefined;
    try {
      cli = startCli(['--config-file', conf(0), 'purge', '--yes', '--lock-timeout', '30']);
      // INNODB_TRX is a cache that InnoDB refreshes only when nobody read it for 0.1 s: poll slower.
      for (const deadline = Date.now() + 30_000; ; await sleep(250)) {
        const waiting = Number((await cluster.sql(0, "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'")).trim());
        if (waiting > 0) break;
        if (Date.now() > deadline) throw new Error('the purge never waited for the held action plan');
      }
      await cluster.sql(1, `UPDATE actions SET state = 'CANCELLED' WHERE id = ${action.id}`, db);
      await cli.stderrMatch(/^WARNING .*retrying in/m);
    } finally {
      await holder.release();
    }
    const r = await cli!.done;
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).to.have.length(1);
    expect(lines[0]).to.match(
      /^WARNING purge batch 1 of 1: deadlock or certification conflict on \w+ \(Deadlock found when trying to get lock; try restarting transaction\); retrying in \d+\.\d s \(attempt 2 of 31\)$/,
    );
    for (const node of cluster.nodes) expect(survivorsOn(url(node.index)), node.name).to.deep.equal(expected);
  });

  it('a dry run through node2 right after a purge through node1 reports 0: its reads wait for what the cluster committed', async function () {
    const data = makeDataset(7, MEDIUM);
    const { url } = await seeded(data);
    const { withDriverSession, purge } = coreApi();
    // One large transaction, as a large --batch-size makes: node2 applies it for a while after the
    // commit returned on node1. In-process, and started from the progress report of that commit
    // (before the purge ends and lets its run lock go), so that the dry run starts within
    // milliseconds of it.
    let stale = -1;
    let dryRun: Promise<Awaited<ReturnType<typeof purge>>> | undefined;
    const progress = (event: { stage: string }) => {
      if (event.stage !== 'deleting' || !('batch' in event) || dryRun) return;
      stale = Number(sqlQuery(url(1), 'SET SESSION wsrep_sync_wait = 0; SELECT COUNT(*) FROM actions;').trim());
      dryRun = withDriverSession(url(1), {}, (s) => purge(s, { dryRun: true }));
    };
    const done = await withDriverSession(url(0), {}, (s) => purge(s, { batchSize: 1_000_000 }, { confirm: async () => true, progress }));
    expect(done.outcome).to.equal('purged');
    const dry = await dryRun!;
    // Without causal reads the dry run saw what the plain read saw: node2 had not yet applied the purge.
    expect(stale, 'node2 was still behind when the dry run began').to.be.above(data.rows.actions.length - done.counts.actions);
    expect(dry.counts.total).to.equal(0);
  });

  it('losing the node a purge talks to mid-deletion: a rerun through another node completes, and the node rejoins and agrees', async function () {
    const data = makeDataset(8, MEDIUM);
    const { url, conf } = await seeded(data);
    const expected = expectedSurvivors(data, {});
    const cli = startCli(['--config-file', conf(0), '-v', 'purge', '--yes', '--batch-size', '500']);
    await cli.stderrMatch(/^Committed purge batch 2 of/m);
    await cluster.kill(0);
    const killed = await cli.done;
    expect(killed.status, killed.stderr).to.equal(1);
    expect(killed.stderr.trim().split('\n').pop()).to.match(/^watcher-db-manage: error: Lost the connection to the database: /);
    expect(killed.stderr).to.not.match(/^\s+at /m);
    const rerun = runCli(['--config-file', conf(1), 'purge', '--yes']);
    expect(rerun.status, rerun.stderr).to.equal(0);
    for (const node of [1, 2]) expect(survivorsOn(url(node)), cluster.nodes[node].name).to.deep.equal(expected);
    await cluster.restart(0);
    await cluster.waitForClusterSize(3);
    expect(survivorsOn(url(0)), 'node1 after it rejoined').to.deep.equal(expected);
  });

  it('names each form a certification conflict takes, and does not retry a write-set limit', async function () {
    const { lockConflict } = await import('../src/connection/lock-policy');
    const wsrep = 'WSREP detected deadlock/conflict and aborted the transaction. Try restarting the transaction';
    expect(lockConflict({ code: 'ER_LOCK_DEADLOCK', errno: 1213, message: wsrep })).to.equal('certification conflict');
    expect(lockConflict({ code: 'ER_ERROR_DURING_COMMIT', errno: 1180, message: `Got error 35 '${wsrep}' during COMMIT` })).to.equal('certification conflict');
    expect(lockConflict({ code: 'ER_LOCK_DEADLOCK', errno: 1213, message: 'Deadlock: wsrep aborted transaction' })).to.equal('certification conflict');
    expect(lockConflict({ code: 'ER_LOCK_DEADLOCK', errno: 1213, message: 'Deadlock found when trying to get lock; try restarting transaction' }, { galera: true })).to.equal(
      'deadlock or certification conflict',
    );
    expect(lockConflict({ code: 'ER_ERROR_DURING_COMMIT', errno: 1180, message: 'wsrep_max_ws_rows exceeded' })).to.equal(undefined);
  });
});
