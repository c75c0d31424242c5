// The tool on a real three-node MariaDB Galera cluster (test/support/galera-cluster.ts): what
// ../shared/spec/galera.md says Galera changes, scenario by scenario.
import { expect } from 'chai';
import { GaleraCluster, galeraCluster } from './support/galera-cluster';
import { RunningCli, runCli, startCli, writeConfig } from './support/cli';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLUSTER_LOCK_TABLE, CREATE_LEASE_TABLE } from '../src/runtime/cluster-lock';
import { mariadbLog, planThenRun } from './support/plan-sends';
import { unnamedAuditsSql } from './support/unnamed-audits';

const HEAD = 'f56ba02662b4';
/** How many revisions an upgrade from base applies. */
const CHAIN_LENGTH = 12;

function runningLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /Running (upgrade|downgrade)/.test(line));
}
import { dumpSchema, referenceDump } from './support/schema-dump';

describe('Galera cluster', function () {
  this.timeout(300_000);
  let cluster: GaleraCluster;
  let n = 0;
  /** A new database on the cluster, dropped after the test. */
  const databases: string[] = [];
  async function freshDatabase(): Promise<string> {
    const name = `wdm_galera_${process.pid}_${++n}`;
    await cluster.createDatabase(name);
    databases.push(name);
    return name;
  }

  before(async () => {
    cluster = await galeraCluster();
  });
  afterEach(async () => {
    for (const name of databases.splice(0)) await cluster.dropDatabase(name);
  });

  it('an upgrade through one node gives every node the reference schema', async () => {
    const db = await freshDatabase();
    const result = runCli(['--config-file', writeConfig(cluster.url(0, db)), 'upgrade']);
    expect(result.status, result.stderr).to.equal(0);
    const expected = referenceDump('mysql-upgrade-head.sql');
    for (const node of cluster.nodes) {
      await cluster.sql(node.index, 'SET SESSION wsrep_sync_wait = 1; SELECT 1', db);
      expect(dumpSchema(cluster.url(node.index, db)), node.name).to.equal(expected);
    }
  });

  /** Waits until every node has applied what the cluster committed, then the table names on node `i`. */
  async function tables(i: number, db: string): Promise<string[]> {
    const out = await cluster.sql(i, `SET SESSION wsrep_sync_wait = 1; SHOW TABLES`, db);
    return out.trim().split('\n').filter(Boolean).sort();
  }

  async function expectReferenceEverywhere(db: string): Promise<void> {
    const expected = referenceDump('mysql-upgrade-head.sql');
    for (const node of cluster.nodes) {
      expect(await tables(node.index, db), node.name).to.not.include(CLUSTER_LOCK_TABLE);
      expect(dumpSchema(cluster.url(node.index, db)), node.name).to.equal(expected);
    }
  }

  describe('the run lock', () => {
    it('three upgrades started together through three nodes all succeed and apply each revision once', async () => {
      const db = await freshDatabase();
      const runs = cluster.nodes.map((node) => startCli(['--config-file', writeConfig(cluster.url(node.index, db)), 'upgrade']));
      const results = await Promise.all(runs.map((r) => r.done));
      for (const r of results) expect(r.status, r.stderr).to.equal(0);
      const steps = results.flatMap((r) => runningLines(r.stderr));
      expect(steps, results.map((r) => r.stderr).join('\n---\n')).to.have.length(CHAIN_LENGTH);
      expect(new Set(steps).size).to.equal(CHAIN_LENGTH);
      // The runs that did not go first said that they waited, and for whom.
      const waited = results.filter((r) => /holds the migration lock on this database; waiting for it to finish \(held by upgrade, pid \d+/.test(r.stderr));
      expect(waited.length, results.map((r) => r.stderr).join('\n---\n')).to.be.at.least(1);
      await expectReferenceEverywhere(db);
    });

    it('a stamp through another node waits while another run holds the lock, then works from where it ended', async () => {
      const db = await freshDatabase();
      const conf = writeConfig(cluster.url(0, db));
      expect(runCli(['--config-file', conf, 'upgrade']).status).to.equal(0);
      // Another run's lease, through node1, kept alive by the test as that run's heartbeat would.
      await cluster.sql(0, `${CREATE_LEASE_TABLE}; INSERT INTO ${CLUSTER_LOCK_TABLE} VALUES (1, 'other', 'a run of the test', 'node1', 1, 0, UTC_TIMESTAMP(6))`, db);
      const heartbeat = setInterval(() => void cluster.sql(0, `UPDATE ${CLUSTER_LOCK_TABLE} SET beat = beat + 1, beat_at = UTC_TIMESTAMP(6)`, db).catch(() => undefined), 1000);
      let stamp: RunningCli;
      try {
        stamp = startCli(['--config-file', writeConfig(cluster.url(1, db)), 'stamp', '609bec748f2a']);
        await stamp.stderrMatch(/waiting for it to finish \(held by a run of the test, through node node1\)/);
        await sleep(3000);
        // Still waiting: nothing was stamped while the other run held the lock.
        expect(runCli(['--config-file', conf, 'version']).stdout.trim()).to.equal(HEAD);
        // The other run ends, and moves the version as it goes.
        await cluster.sql(0, `UPDATE alembic_version SET version_num = '7150a7d8f228'; DROP TABLE ${CLUSTER_LOCK_TABLE}`, db);
      } finally {
        clearInterval(heartbeat);
      }
      const s = await stamp!.done;
      expect(s.status, s.stderr).to.equal(0);
      // The stamp read the version once the other run had ended.
      expect(s.stderr).to.include('Running stamp_revision 7150a7d8f228 -> 609bec748f2a');
      expect(runCli(['--config-file', conf, 'version']).stdout.trim()).to.equal('609bec748f2a');
      expect(await tables(0, db)).to.not.include(CLUSTER_LOCK_TABLE);
    });

    it('works in strict mode (REQUIRED_PRIMARY_KEY, STRICT_REPLICATION)', async () => {
      const db = await freshDatabase();
      const strict = (mode: string) => Promise.all(cluster.nodes.map((node) => cluster.sql(node.index, `SET GLOBAL wsrep_mode = '${mode}'`)));
      await strict('REQUIRED_PRIMARY_KEY,STRICT_REPLICATION');
      let results;
      try {
        const runs = [0, 1].map((i) => startCli(['--config-file', writeConfig(cluster.url(i, db)), 'upgrade']));
        results = await Promise.all(runs.map((r) => r.done));
      } finally {
        await strict('');
      }
      for (const r of results) expect(r.status, r.stderr).to.equal(0);
      expect(results.flatMap((r) => runningLines(r.stderr))).to.have.length(CHAIN_LENGTH);
      await expectReferenceEverywhere(db);
    });

    it('check ignores the lock table a killed run leaves, and the next run removes it', async () => {
      const db = await freshDatabase();
      const conf = writeConfig(cluster.url(0, db));
      expect(runCli(['--config-file', conf, 'upgrade']).status).to.equal(0);
      const before = runCli(['--config-file', conf, 'check', '--json']);
      expect(before.status, before.stderr).to.equal(0); // the shipped models differ from the chain's head by the known drift only
      expect((JSON.parse(before.stdout) as { known: unknown[] }).known).to.have.length(7);
      // What a run killed -9 (through another node) leaves: the table with its lease row.
      await cluster.sql(
        1,
        `${CREATE_LEASE_TABLE}; ` +
          `INSERT INTO ${CLUSTER_LOCK_TABLE} VALUES (1, 'gone', 'upgrade, pid 1 on elsewhere', 'node2', 1, 7, UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE)`,
        db,
      );
      const after = runCli(['--config-file', conf, 'check', '--json']);
      expect(after.status).to.equal(before.status);
      expect(after.stdout).to.equal(before.stdout);
      // The lease is a minute old by the server's clock: taken over at once, and gone after the run.
      const stamp = runCli(['--config-file', conf, 'stamp', HEAD]);
      expect(stamp.status, stamp.stderr).to.equal(0);
      expect(stamp.stderr, stamp.stderr).to.match(/Took over the migration lock from upgrade, pid 1 on elsewhere \(node node2\): its last heartbeat was 6\d s ago/);
      await expectReferenceEverywhere(db);
    });

    it('takes over at once from a run killed -9 on the same node, saying so in one line', async () => {
      const db = await freshDatabase();
      const conf = writeConfig(cluster.url(0, db));
      const first = startCli(['--config-file', conf, 'upgrade']);
      await first.stderrMatch(/Running upgrade/);
      first.kill();
      await first.done;
      const started = Date.now();
      const again = runCli(['--config-file', conf, 'upgrade']);
      expect(again.status, again.stderr).to.equal(0);
      expect(Date.now() - started).to.be.below(15_000);
      const takeover = again.stderr.split('\n').filter((l) => l.includes('Took over the migration lock'));
      expect(takeover, again.stderr).to.have.length(1);
      expect(takeover[0]).to.match(/from upgrade, pid \d+ on .* \(node node1\): its connection to this node is gone/);
      await expectReferenceEverywhere(db);
    });

    it('takes over within 30 s, through another node, from a run killed -9 there', async () => {
      const db = await freshDatabase();
      const first = startCli(['--config-file', writeConfig(cluster.url(0, db)), 'upgrade']);
      await first.stderrMatch(/Running upgrade/);
      first.kill();
      await first.done;
      const started = Date.now();
      const again = runCli(['--config-file', writeConfig(cluster.url(1, db)), 'upgrade']);
      const seconds = (Date.now() - started) / 1000;
      expect(again.status, again.stderr).to.equal(0);
      expect(seconds).to.be.below(30);
      expect(again.stderr).to.match(/waiting for it to finish \(held by upgrade, pid \d+ .*, through node node1\)/);
      expect(again.stderr).to.match(/Took over the migration lock from upgrade, pid \d+ .* \(node node1\): no heartbeat for 1\d s/);
      await expectReferenceEverywhere(db);
    });

    it('a run through another node completes after the node of the run holding the lock dies, and the node rejoins', async () => {
      const db = await freshDatabase();
      const first = startCli(['--config-file', writeConfig(cluster.url(2, db)), 'upgrade']);
      await first.stderrMatch(/Running upgrade/);
      await cluster.kill(2);
      const killed = await first.done;
      expect(killed.status).to.not.equal(0);
      try {
        await cluster.waitForClusterSize(2);
        const again = runCli(['--config-file', writeConfig(cluster.url(0, db)), 'upgrade']);
        expect(again.status, again.stderr).to.equal(0);
        expect(again.stderr).to.match(/Took over the migration lock from upgrade, pid \d+ .* \(node node3\)/);
      } finally {
        await cluster.restart(2);
      }
      await cluster.waitForClusterSize(3);
      await expectReferenceEverywhere(db);
    });
  });

  describe('nodes that are not ready', () => {
    /** A config with quick connection retries (the defaults wait 10 x 10 s). */
    const quickRetries = (url: string, retries: number) => writeConfig(url, '', `max_retries = ${retries}\nretry_interval = 1`);

    it('a node outside the primary component is retried as a server still starting, then reported in one line', async () => {
      const db = await freshDatabase();
      await cluster.isolate(2);
      let r;
      try {
        r = runCli(['--config-file', quickRetries(cluster.url(2, db), 2), 'version']);
      } finally {
        await cluster.rejoin(2);
      }
      expect(r.status).to.equal(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines.filter((l) => /outside the primary component \(wsrep_cluster_status non-Primary\); retrying in 1 s \(attempt [23] of 3\)/.test(l)), r.stderr).to.have.length(2);
      expect(lines[lines.length - 1]).to.match(/^watcher-db-manage: error: Cannot connect to MySQL at 127\.0\.0\.1:\d+ \(database '\w+'\): the Galera node is outside the primary component/);
      expect(r.stderr).to.not.match(/\n\s+at /);
    });

    it('an upgrade through an isolated node waits for it to rejoin, then completes', async () => {
      const db = await freshDatabase();
      await cluster.isolate(1);
      const run = startCli(['--config-file', quickRetries(cluster.url(1, db), 60), 'upgrade']);
      try {
        await run.stderrMatch(/outside the primary component.*retrying in 1 s/);
      } finally {
        await cluster.rejoin(1);
      }
      const r = await run.done;
      expect(r.status, r.stderr).to.equal(0);
      await expectReferenceEverywhere(db);
    });

    it('a desynced (donor) node is retried too', async () => {
      const db = await freshDatabase();
      await cluster.sql(1, 'SET GLOBAL wsrep_desync = ON');
      let r;
      try {
        await cluster.waitFor(1, (st) => st.state === 'Donor/Desynced', 'to be desynced');
        r = runCli(['--config-file', quickRetries(cluster.url(1, db), 1), 'version']);
      } finally {
        await cluster.sql(1, 'SET GLOBAL wsrep_desync = OFF');
        await cluster.waitFor(1, (st) => st.state === 'Synced', 'to be synced');
      }
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/the Galera node is not synced \(wsrep_local_state_comment Donor\/Desynced\); retrying in 1 s \(attempt 2 of 2\)/);
    });
  });

  describe('reads', () => {
    it('says under -v that it talks to a Galera node, and reads causally in every command that decides from what it reads', async () => {
      const db = await freshDatabase();
      const conf = writeConfig(cluster.url(1, db));
      expect(runCli(['--config-file', conf, 'upgrade']).status).to.equal(0);
      const verbose = runCli(['--config-file', conf, '-v', 'version']);
      expect(verbose.stderr).to.match(/Galera cluster detected: node node2, 3 node\(s\), Primary, Synced; wsrep_max_ws_rows no limit/);
      for (const args of [['version'], ['check'], ['downgrade', '--plan', '-1'], ['purge', '--dry-run']]) {
        const r = runCli(['--config-file', conf, '--debug', ...args]);
        // check exits 0 at head: the models and the revisions differ by the known drift only.
        expect(r.status, `${args.join(' ')}: ${r.stderr.slice(-2000)}`).to.equal(0);
        const sql = r.stderr.split('\n').filter((l) => /\b(SELECT|SET)\b/.test(l));
        const settingAt = sql.findIndex((l) => l.includes('wsrep_sync_wait'));
        const firstRead = sql.findIndex((l) => /alembic_version|FROM `?(goals|audits)/.test(l));
        expect(settingAt, `${args.join(' ')}: ${r.stderr.slice(0, 2000)}`).to.be.at.least(0);
        expect(settingAt, args.join(' ')).to.be.below(firstRead);
      }
      // The plan shows the setting, first, as the run's connection sends it first.
      const plan = runCli(['--config-file', conf, 'downgrade', '--plan', '-1', '--json']);
      expect(plan.status, plan.stderr).to.equal(0);
      const [first] = (JSON.parse(plan.stdout) as { steps: { statements: { sql: string; kind: string }[] }[] }).steps[0].statements;
      expect(first).to.include({ sql: 'SET SESSION wsrep_sync_wait = @@session.wsrep_sync_wait | 5', kind: 'session' });
    });
  });

  describe('--plan', () => {
    it('shows what the node receives: every shipped revision up from base, then down to base', async () => {
      const db = await freshDatabase();
      const conf = writeConfig(cluster.url(0, db));
      // The node's own statement log (test/plan-sends.test.ts does the same on a single server).
      const log = mariadbLog((sql) => cluster.sql(0, sql, db), db);
      await planThenRun(conf, log, ['upgrade', '--revision', 'head']);
      await planThenRun(conf, log, ['downgrade', '--revision', 'base']);
    });
  });

  describe('a86240e89a29 (naming audits)', () => {
    it('stays within wsrep_max_ws_rows = 5000', async () => {
      const db = await freshDatabase();
      const conf = writeConfig(cluster.url(0, db));
      expect(runCli(['--config-file', conf, 'upgrade', '3cfc94cecf4e']).status).to.equal(0);
      await cluster.sql(0, unnamedAuditsSql('mysql', 12_000), db);
      await cluster.sql(0, 'SET GLOBAL wsrep_max_ws_rows = 5000');
      let r;
      try {
        r = runCli(['--config-file', conf, 'upgrade', 'a86240e89a29']);
      } finally {
        await cluster.sql(0, 'SET GLOBAL wsrep_max_ws_rows = 0');
      }
      expect(r.status, r.stderr).to.equal(0);
      for (const node of cluster.nodes) {
        const unnamed = await cluster.sql(node.index, 'SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM audits WHERE name IS NULL', db);
        expect(unnamed.trim(), node.name).to.equal('0');
      }
    });
  });
});
