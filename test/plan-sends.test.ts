// `--plan` shows exactly what the run sends (issue 24): for every shipped revision, up from base to
// head (with unnamed audits for a86240e89a29 to name in ranges) and back down to base, on PostgreSQL
// and MariaDB, every statement that changes anything (DDL, DML, SET, LOCK, COMMENT) that the server
// logged from the run is in the plan taken just before it, in the same order, with the same text,
// and the plan holds nothing else. The judge is the server's own statement log: PostgreSQL's
// log_statement = 'all' for the test's database, MariaDB's general_log. Two forms stand for several
// statements, and say so: a batched UPDATE, sent once per range of keys (its placeholders stand for
// each range's bounds), and none for the ranges with no row; nothing else is left to interpretation.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { libpqUrl, pgTool, sqlQuery } from './support/backends';
import { configuredDatabase, ConfiguredDatabase } from './support/fresh-database';
import { REPO_ROOT } from './support/cli';
import { mariadbLogOf, partingPoint, planThenRun, postgresLog, StatementLog } from './support/plan-sends';
import { unnamedAuditsSql } from './support/unnamed-audits';

type ServerBackend = 'postgresql' | 'mysql';

describe('a plan that may stand for several statements', () => {
  it('matches a range statement to every range sent, or none, and nothing else', () => {
    const ranged = { sql: 'UPDATE t SET x = 1 WHERE t.id >= ? AND t.id <= ? AND (x IS NULL)', kind: 'dml', each_range: true as const };
    const version = { sql: "UPDATE v SET n = 'b'", kind: 'version' };
    const sent = ['UPDATE t SET x = 1 WHERE t.id >= 1 AND t.id <= 10000 AND (x IS NULL)', "UPDATE t SET x = 1 WHERE t.id >= '10001' AND t.id <= '20000' AND (x IS NULL)"];
    expect(partingPoint([ranged, version], [...sent, "UPDATE v SET n = 'b'"])).to.equal(undefined);
    expect(partingPoint([ranged, version], ["UPDATE v SET n = 'b'"])).to.equal(undefined);
    expect(partingPoint([version], [...sent, "UPDATE v SET n = 'b'"])).to.match(/^planned #1/);
    expect(partingPoint([ranged, version], [...sent])).to.match(/nothing more/);
    expect(partingPoint([version], ["UPDATE v SET n = 'b'", 'SET x = 0'])).to.match(/beyond the plan/);
  });

  it('matches an ALTER asked for without queueing to every time it was asked, and only there', () => {
    const noWait = { sql: 'SET SESSION lock_wait_timeout = 0', kind: 'session' };
    const alter = { sql: 'ALTER TABLE a ADD x int NULL, ALGORITHM=INSTANT', kind: 'ddl' };
    const bound = { sql: 'SET SESSION lock_wait_timeout = 2', kind: 'session' };
    const s = (p: { sql: string }) => p.sql;
    expect(partingPoint([noWait, alter, bound], [s(noWait), s(alter), s(alter), s(alter), s(bound)])).to.equal(undefined);
    expect(partingPoint([noWait, alter, bound], [s(noWait), s(alter), s(bound)])).to.equal(undefined);
    expect(partingPoint([bound, alter], [s(bound), s(alter), s(alter)])).to.match(/beyond the plan/);
    expect(partingPoint([noWait, alter, bound, alter], [s(noWait), s(alter), s(bound), s(alter), s(alter)])).to.match(/beyond the plan/);
  });

  it('matches a PostgreSQL revision tried again after its LOCK ... NOWAIT met a held table, as the plan notes it', () => {
    const st = (sql: string, kind = 'ddl') => ({ sql, kind, step: 0 });
    const plan = [
      st('SET lock_timeout = 1', 'session'),
      st('LOCK TABLE a IN ACCESS EXCLUSIVE MODE NOWAIT', 'lock'),
      st('ALTER TABLE a ADD x int'),
      st('LOCK TABLE b IN ACCESS EXCLUSIVE MODE NOWAIT', 'lock'),
      st('ALTER TABLE b ADD y int'),
      st("UPDATE v SET n = '2'", 'version'),
    ];
    const [set, lockA, alterA, lockB, alterB, version] = plan.map((p) => p.sql);
    // b was held: the attempt is rolled back, and the next takes a and b first, then sends the revision without them.
    expect(partingPoint(plan, [set, lockA, alterA, lockB, 'ROLLBACK', lockA, lockB, alterA, alterB, version])).to.equal(undefined);
    // Held again at the retry's own first locks.
    expect(partingPoint(plan, [set, lockA, alterA, lockB, 'ROLLBACK', lockA, lockB, 'ROLLBACK', lockA, lockB, alterA, alterB, version])).to.equal(undefined);
    // A retry that does not open with the locks it needed parts from the plan.
    expect(partingPoint(plan, [set, lockA, alterA, lockB, 'ROLLBACK', lockA, alterA, lockB, alterB, version])).to.match(/a retry's first locks/);
    // Nor may it leave a statement out.
    expect(partingPoint(plan, [set, lockA, alterA, lockB, 'ROLLBACK', lockA, lockB, alterB, version])).to.match(/^planned #3/);
    // A ROLLBACK before the revision needed any lock changes nothing.
    expect(partingPoint(plan, [set, 'ROLLBACK', lockA, alterA, lockB, alterB, version])).to.equal(undefined);
    // The second revision of a run, which opens with its LOCK, lost twice at that LOCK: its retries start
    // where its step starts, still knowing the lock it needed.
    const next = [st('LOCK TABLE a IN ACCESS EXCLUSIVE MODE NOWAIT', 'lock'), st('ALTER TABLE a DROP x'), st("UPDATE v SET n = '3'", 'version')].map((p) => ({ ...p, step: 1 }));
    const [, dropX, version3] = next.map((p) => p.sql);
    const run = [set, lockA, alterA, lockB, alterB, version];
    expect(partingPoint([...plan, ...next], [...run, lockA, 'ROLLBACK', lockA, dropX, version3])).to.equal(undefined);
    expect(partingPoint([...plan, ...next], [...run, lockA, 'ROLLBACK', lockA, 'ROLLBACK', lockA, dropX, version3])).to.equal(undefined);
    // Its first attempt rolled back before its LOCK (nothing held yet), then one lost at the LOCK.
    expect(partingPoint([...plan, ...next], [...run, 'ROLLBACK', lockA, 'ROLLBACK', lockA, dropX, version3])).to.equal(undefined);
    expect(partingPoint([...plan, ...next], [...run, lockA, 'ROLLBACK', dropX, version3])).to.match(/a retry's first locks/);
  });

  it("matches the run lock's statements with the run's own values, and its heartbeat anywhere, as often as sent", () => {
    const note = 'a lease; then, every 2 s while the run lasts: UPDATE l SET beat = beat + 1 WHERE token = ?';
    const take = { sql: 'INSERT INTO l (id, token, pid) VALUES (1, ?, ?)', kind: 'run_lock', note };
    const alter = { sql: 'ALTER TABLE a ADD x int', kind: 'ddl' };
    const beat = "UPDATE l SET beat = beat + 1 WHERE token = 'a''b'";
    expect(partingPoint([take, alter], ["INSERT INTO l (id, token, pid) VALUES (1, 'a''b', 42)", beat, alter.sql, beat, beat])).to.equal(undefined);
    expect(partingPoint([take, alter], ["INSERT INTO l (id, token, pid) VALUES (2, 'a''b', 42)", alter.sql])).to.match(/^planned #1/);
    // Placeholders stand for values only in the run lock's statements.
    expect(partingPoint([{ ...take, kind: 'dml' }, alter], ["INSERT INTO l (id, token, pid) VALUES (1, 'a''b', 42)", alter.sql])).to.match(/^planned #1/);
    // A heartbeat the plan does not name is sent beyond it.
    expect(partingPoint([{ ...take, note: undefined }, alter], ["INSERT INTO l (id, token, pid) VALUES (1, 'a''b', 42)", beat, alter.sql])).to.match(/^planned #2/);
  });
});

/**
 * Two revisions: a parent and a child table with rows, then the kit's online forms on them (a
 * foreign key, an index, a unique key, NOT NULL) and their undoing, from the built kit.
 */
function kitChain(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-plan-kit-'));
  const kit = JSON.stringify(path.join(REPO_ROOT, 'dist', 'src', 'portable'));
  const raw = (statements: string[]) => `async (db) => { for (const s of ${JSON.stringify(statements)}) await db.runner.query(s); }`;
  fs.writeFileSync(
    path.join(dir, 'c00000000001_tables.js'),
    `exports.revision = { id: 'c00000000001', parent: null, message: 'tables', created: '2026-01-01T00:00:00',
      up: ${raw(['CREATE TABLE p (id integer PRIMARY KEY)', 'CREATE TABLE c (id integer PRIMARY KEY, pid integer, v varchar(20))', 'INSERT INTO p (id) VALUES (1)', "INSERT INTO c (id, pid, v) VALUES (1, 1, 'a'), (2, NULL, 'b')"])},
      down: ${raw(['DROP TABLE c', 'DROP TABLE p'])} };\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'c00000000002_online_forms.js'),
    `const k = require(${kit});
    exports.revision = { id: 'c00000000002', parent: 'c00000000001', message: 'online forms', created: '2026-01-01T00:00:00',
      up: async (db) => {
        await k.addForeignKey(db, 'c', { columns: ['pid'], references: ['p.id'] });
        await k.createIndex(db, 'c', { name: 'ix_c_v', columns: ['v'] });
        await k.addUnique(db, 'c', { name: 'uniq_c0v', columns: ['v'] });
        await k.alterColumnNullability(db, 'c', 'v', k.sa.String(20), false);
      },
      down: async (db) => {
        await k.alterColumnNullability(db, 'c', 'v', k.sa.String(20), true);
        await k.dropUnique(db, 'c', { name: 'uniq_c0v', columns: ['v'] });
        await k.dropIndex(db, 'c', 'ix_c_v');
        await k.dropForeignKey(db, 'c', { columns: ['pid'], references: ['p.id'] });
      } };\n`,
  );
  return dir;
}

for (const backend of ['postgresql', 'mysql'] as ServerBackend[]) {
  describe(`--plan shows what the run sends, on ${backend}`, function () {
    this.timeout(5 * 60_000);
    let d: ConfiguredDatabase;
    let log: StatementLog;

    before(async () => {
      d = await configuredDatabase(backend);
      log = backend === 'postgresql' ? postgresLog(d) : mariadbLogOf(d);
    });
    after(async () => {
      await d?.db.drop();
    });

    it('for every shipped revision: up from base, naming 25,000 audits in ranges, then down to base', async () => {
      const first = await planThenRun(d.conf, log, ['upgrade', '--revision', '3cfc94cecf4e']);
      // The lock-wait settings the run starts with, and the version table it creates, are planned too.
      expect(first.planned[0].sql).to.match(/^SET /);
      expect(first.sent.some((s) => /^CREATE TABLE .alembic_version/.test(s))).to.equal(true);
      if (backend === 'mysql') {
        // d098df6021e2's type change: the forms the server refuses are sent, and planned, before the one it takes.
        expect(first.planned.filter((s) => s.kind === 'refused').map((s) => s.sql.replace(/^.*, (ALGORITHM=)/, '$1'))).to.deep.equal([
          'ALGORITHM=INSTANT',
          'ALGORITHM=INPLACE, LOCK=NONE',
        ]);
      }

      sqlQuery(d.db.url, unnamedAuditsSql(backend, 25_000));
      const naming = await planThenRun(d.conf, log, ['upgrade', '--revision', 'head']);
      const ranged = naming.planned.filter((s) => s.each_range);
      expect(ranged, 'the naming UPDATE, once, standing for its ranges').to.have.length(1);
      expect(naming.sent.filter((s) => /^UPDATE audits\b/.test(s)), 'three ranges of 10,000 keys').to.have.length(3);
      if (backend === 'postgresql') {
        expect(naming.sent.some((s) => /^LOCK TABLE .* NOWAIT$/.test(s)), 'table locks taken without queueing').to.equal(true);
      }

      const down = await planThenRun(d.conf, log, ['downgrade', '--revision', 'base']);
      if (backend === 'postgresql') {
        // A dropped table's foreign keys lock the tables they reference: those are taken without queueing too.
        const drop = down.sent.indexOf('DROP TABLE "efficacy_indicators"');
        const locksFirst: string[] = [];
        for (let i = drop - 1; i >= 0 && /^LOCK TABLE /.test(down.sent[i]); i--) locksFirst.push(down.sent[i]);
        expect(locksFirst, 'action_plans, which efficacy_indicators references').to.include('LOCK TABLE "action_plans" IN ACCESS EXCLUSIVE MODE NOWAIT');
      }
    });

    if (backend === 'postgresql') {
      it('while a service holds a table the revision needs: the revision tried again, as the plan says the retry goes', async () => {
        const own = await configuredDatabase(backend, { upgradeTo: 'head' });
        try {
          // A service's transaction reading audit_templates for 3 s, which then commits by itself: the
          // run's LOCK ... NOWAIT of the table fails until then (the CLI runs synchronously here).
          const { ended } = await holdTable(own.db.url, 'audit_templates', 3);
          const { sent } = await planThenRun(own.conf, postgresLog(own), ['downgrade', '--revision', '-1']);
          expect(sent.filter((s) => s === 'ROLLBACK').length, 'attempts that lost to the held table').to.be.greaterThan(0);
          await ended;
        } finally {
          await own.db.drop();
        }
      });

      it('while a service holds a table that a dropped table references: no reader of it queues behind the DROP', async () => {
        const own = await configuredDatabase(backend, { upgradeTo: '001' });
        try {
          const { ended } = await holdTable(own.db.url, 'action_plans', 3);
          // Another service reads action_plans every 100 ms meanwhile, giving up on a lock after 1 s: a
          // DROP TABLE of efficacy_indicators queued for action_plans (its key's triggers) would keep
          // it waiting until the DROP's own lock timeout (2 s).
          const reader = spawn(process.execPath, ['-e', PROBE, libpqUrl(own.db.url), 'action_plans', '4000'], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          reader.stdout.on('data', (d) => (out += d));
          const probed = new Promise((resolve) => reader.once('close', resolve));
          const { sent } = await planThenRun(own.conf, postgresLog(own), ['downgrade', '--revision', 'base']);
          await Promise.all([ended, probed]);
          const probes = JSON.parse(out) as { reads: number; gaveUp: number };
          expect(probes.gaveUp, 'reads that waited 1 s for a lock').to.equal(0);
          expect(probes.reads, 'reads made').to.be.greaterThan(10);
          expect(sent.filter((s) => s === 'ROLLBACK').length, 'attempts that lost to the held table').to.be.greaterThan(0);
        } finally {
          await own.db.drop();
        }
      });
    }

    it("for the kit's online forms: a foreign key, an index, a unique key and NOT NULL on a table with rows, up and down", async () => {
      const dir = kitChain();
      const own = await configuredDatabase(backend);
      try {
        const ownLog = backend === 'postgresql' ? postgresLog(own) : mariadbLogOf(own);
        await planThenRun(own.conf, ownLog, ['upgrade', '--revision', 'c00000000001', '--migrations-dir', dir]);
        const up = await planThenRun(own.conf, ownLog, ['upgrade', '--revision', 'head', '--migrations-dir', dir]);
        // The forms the run takes, not the plain statements.
        expect(up.sent.some((s) => (backend === 'postgresql' ? /CONCURRENTLY|NOT VALID/ : /foreign_key_checks = 0/).test(s))).to.equal(true);
        await planThenRun(own.conf, ownLog, ['downgrade', '--revision', 'base', '--migrations-dir', dir]);
      } finally {
        await own.db.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/**
 * A service's transaction that reads `table` for `seconds`, then commits by itself; resolves once it
 * holds the table, with a promise of its end.
 */
async function holdTable(url: string, table: string, seconds: number): Promise<{ ended: Promise<unknown> }> {
  const holder = spawn(pgTool('psql'), ['-X', '-q', '-d', libpqUrl(url)], { stdio: ['pipe', 'ignore', 'ignore'] });
  holder.stdin.end(`BEGIN; LOCK TABLE ${table} IN ACCESS SHARE MODE; SELECT pg_sleep(${seconds}); COMMIT;\n`);
  const ended = new Promise((resolve) => holder.once('close', resolve));
  const heldQuery = `SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '${table}' AND l.granted AND l.pid <> pg_backend_pid();`;
  for (const deadline = Date.now() + 10_000; sqlQuery(url, heldQuery).trim() === '0'; ) {
    expect(Date.now(), 'the holder took its lock').to.be.below(deadline);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ended };
}

/**
 * A reader in a process of its own (the CLI runs synchronously in the test's): reads a row of
 * argv[2] every 100 ms for argv[3] ms, each read giving up after 1 s of lock wait; prints the counts.
 * Dropping the table ends the probe early (it is gone, nobody waits for it).
 */
const PROBE = `
const { Client } = require(${JSON.stringify(path.join(REPO_ROOT, 'node_modules', 'pg'))});
(async () => {
  const [url, table, ms] = process.argv.slice(1);
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query("SET lock_timeout = '1s'");
  let reads = 0, gaveUp = 0;
  for (const end = Date.now() + Number(ms); Date.now() < end; ) {
    try { await client.query('SELECT 1 FROM ' + table + ' LIMIT 1'); reads++; }
    catch (e) { if (e.code === '55P03') gaveUp++; else break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  await client.end();
  console.log(JSON.stringify({ reads, gaveUp }));
})();
`;
