import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { upgrade } from '../src/api/migrate';
import { openSession } from '../src/connection/session';
import { RevisionChain } from '../src/script/chain';
import { loadRevisions } from '../src/script/load';
import { defineRevision, Revision } from '../src/script/revision';
import { BACKENDS, sqlQuery, TempDatabase } from './support/backends';
import { REPO_ROOT, runCli } from './support/cli';
import { configuredDatabase, freshDatabaseEachTest, freshDatabaseForAllTests } from './support/fresh-database';

/** The shipped revisions up to 0f6042416884, plus one of ours on top whose `up` we control. */
function chainWith(extra: Revision): RevisionChain {
  const shipped = loadRevisions().filter((r) => r.id === '001' || r.id === '0f6042416884');
  return new RevisionChain([...shipped, extra]);
}

function tableExists(db: TempDatabase, backend: string, table: string): boolean {
  const sql =
    backend === 'sqlite'
      ? `SELECT name FROM sqlite_master WHERE type='table' AND name='${table}';`
      : backend === 'postgresql'
        ? `SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename='${table}';`
        : `SELECT table_name FROM information_schema.tables WHERE table_schema=DATABASE() AND table_name='${table}';`;
  return sqlQuery(db.url, sql).trim() === table;
}

/** The version, '' at base; alembic_version may have been rolled back with the revisions (SQLite). */
function versionOf(db: TempDatabase, backend: string): string {
  return tableExists(db, backend, 'alembic_version') ? sqlQuery(db.url, 'SELECT version_num FROM alembic_version;').trim() : '';
}

for (const backend of BACKENDS) {
  describe(`runtime safety on ${backend}`, function () {
    const fresh = freshDatabaseEachTest(backend);

    it('leaves the database at the last committed revision when one fails, and a rerun continues', async () => {
      let fail = true;
      let runs = 0;
      const flaky = defineRevision({
        id: 'bad000000001',
        parent: '0f6042416884',
        message: 'fails on purpose',
        created: '2026-11-28T00:00:00',
        async up(db) {
          runs += 1;
          await db.runner.query('CREATE TABLE half_done (id INTEGER)');
          await db.runner.query("UPDATE goals SET name = 'touched'");
          if (fail) throw new Error('this revision fails on purpose');
          await db.runner.query('CREATE TABLE fully_done (id INTEGER)');
        },
        async down(db) {
          await db.runner.query('DROP TABLE fully_done');
          await db.runner.query('DROP TABLE half_done');
        },
      });
      const chain = chainWith(flaky);
      const session = await openSession(fresh.db.url);
      try {
        let failure: Error | undefined;
        await upgrade(session, chain).catch((e: Error) => (failure = e));
        expect(failure?.message).to.equal('this revision fails on purpose');
      } finally {
        await session.close();
      }
      // At the last COMMIT: after each revision on PostgreSQL and MySQL; on SQLite the revisions share
      // a transaction while no other writer is owed the lock (500 ms), so the failure rolls back the
      // ones before it in that transaction too: base on an idle machine.
      const at = versionOf(fresh.db, backend);
      if (backend === 'sqlite') expect(['', '001', '0f6042416884']).to.include(at);
      else expect(at).to.equal('0f6042416884');
      // Transactional DDL undoes the failed revision entirely; MySQL keeps what it committed.
      expect(tableExists(fresh.db, backend, 'half_done')).to.equal(backend === 'mysql');
      expect(tableExists(fresh.db, backend, 'goals')).to.equal(at !== '');

      fail = false;
      if (backend === 'mysql') sqlQuery(fresh.db.url, 'DROP TABLE half_done;'); // an operator repairs, then reruns
      const again = await openSession(fresh.db.url);
      try {
        const result = await upgrade(again, chain);
        const ids = ['001', '0f6042416884', 'bad000000001']; // the chain, oldest first
        expect(result.applied.map((a) => a.id)).to.deep.equal(ids.slice(ids.indexOf(at) + 1)); // '' is not there: all of them
      } finally {
        await again.close();
      }
      expect(runs).to.equal(2);
      expect(sqlQuery(fresh.db.url, 'SELECT version_num FROM alembic_version;').trim()).to.equal('bad000000001');
      expect(tableExists(fresh.db, backend, 'fully_done')).to.equal(true);
    });

    it('lets two upgrades started together both succeed, applying each revision once', async () => {
      const { conf } = fresh;
      const start = () =>
        new Promise<{ status: number | null; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'run.js'), '--config-file', conf, 'upgrade'], {
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.on('data', (chunk) => (stderr += chunk));
          child.on('close', (status) => resolve({ status, stderr }));
        });
      const [a, b] = await Promise.all([start(), start()]);
      expect(a.status, a.stderr).to.equal(0);
      expect(b.status, b.stderr).to.equal(0);
      const steps = (a.stderr + b.stderr).split('\n').filter((l) => l.includes('Running upgrade'));
      expect(steps).to.have.length(12);
      expect(new Set(steps).size).to.equal(12);
      expect(runCli(['--config-file', conf, 'version']).stdout.trim()).to.equal('f56ba02662b4');
    });

    it('refuses a database at a revision the chain does not know, changing nothing', () => {
      const { conf } = fresh;
      expect(runCli(['--config-file', conf, 'upgrade', '--revision', '001']).status).to.equal(0);
      sqlQuery(fresh.db.url, "UPDATE alembic_version SET version_num = 'abcdef123456';");
      for (const command of ['upgrade', 'downgrade']) {
        const r = runCli(['--config-file', conf, command]);
        expect(r.status).to.equal(1);
        expect(r.stderr.trim()).to.match(/revision 'abcdef123456', which is not in this tool's revision chain/);
      }
      expect(tableExists(fresh.db, backend, 'goals')).to.equal(true);
      expect(tableExists(fresh.db, backend, 'apscheduler_jobs')).to.equal(false);
    });
  });
}

describe('revisions sharing a transaction on sqlite', function () {
  this.timeout(60_000);
  const fresh = freshDatabaseEachTest('sqlite');

  const committedGoals = () => sqlQuery(fresh.db.url, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='goals';").trim();

  it('an upgrade from empty to head commits once', () => {
    const { conf } = fresh;
    const r = runCli(['--config-file', conf, '--debug', 'upgrade']);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stderr.split('\n');
    // The lock is held about 40 ms of the 500 ms after which a waiting writer would be owed a turn.
    expect(lines.filter((l) => /SQL: BEGIN IMMEDIATE$/.test(l)), r.stderr).to.have.length(1);
    expect(lines.filter((l) => /SQL: COMMIT$/.test(l)), r.stderr).to.have.length(1);
    expect(lines.filter((l) => l.includes('Running upgrade'))).to.have.length(12);
    expect(runCli(['--config-file', conf, 'version']).stdout.trim()).to.equal('f56ba02662b4');
  });

  it('a lock conflict in a later revision rolls back the transaction, and the error says where the last COMMIT left the database', async () => {
    /** What another connection saw of the run while the third revision ran: whether 001's tables were committed. */
    let seen: string | undefined;
    const third = defineRevision({
      id: 'bad000000001',
      parent: '0f6042416884',
      message: 'loses to a lock',
      created: '2026-11-28T00:00:00',
      async up(db) {
        await db.runner.query('CREATE TABLE half_done (id INTEGER)');
        seen = committedGoals();
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      },
      async down() {},
    });
    const session = await openSession(fresh.db.url);
    let failure: Error | undefined;
    let result;
    try {
      result = await upgrade(session, chainWith(third), 'head', { lockPolicy: { timeoutSeconds: 2, retries: 0 } }).catch((e: Error) => (failure = e));
    } finally {
      await session.close();
    }
    expect(failure, JSON.stringify(result)).to.be.instanceOf(Error);
    const at = versionOf(fresh.db, 'sqlite');
    // Idle, the three revisions share one transaction: nothing of 001 was visible to others meanwhile.
    // Under a load that made 001 and 0f6042416884 hold the lock past 500 ms, they committed apart.
    const before = { '': 2, '001': 1, '0f6042416884': 0 }[at];
    expect(before, `database at '${at}'`).to.be.a('number');
    expect(seen).to.equal(at === '' ? '0' : '1');
    const withOthers = before ? `, with the ${before} revision\\(s\\) before it in its transaction` : '';
    expect(failure!.message).to.match(
      new RegExp(`^upgrade 0f6042416884 -> bad000000001 failed 1 time\\(s\\) on lock conflicts, last: .*; it was rolled back${withOthers}; the database is at ${at || 'base'}$`),
    );
    expect(committedGoals()).to.equal(at === '' ? '0' : '1');
    expect(tableExists(fresh.db, 'sqlite', 'half_done')).to.equal(false);
  });
});

describe('revision arguments', () => {
  const { cli } = freshDatabaseForAllTests('sqlite');

  it('accepts ids, prefixes and relative steps', () => {
    expect(cli('upgrade', '--revision', 'd098').status).to.equal(0);
    expect(cli('version').stdout.trim()).to.equal('d098df6021e2');
    expect(cli('upgrade', '--revision', '+2').status).to.equal(0);
    expect(cli('version').stdout.trim()).to.equal('3cfc94cecf4e');
    expect(cli('downgrade', '--revision=-1').status).to.equal(0);
    expect(cli('version').stdout.trim()).to.equal('d09a5945e4a0');
  });

  it('rejects unknown, ambiguous and out-of-range revisions in one line, changing nothing', () => {
    const before = cli('version').stdout;
    for (const [args, pattern] of [
      [['upgrade', '--revision', 'zzz'], /No such revision 'zzz'; known revisions: head, base, 001/],
      [['upgrade', '--revision', 'd09'], /ambiguous; it could be d098df6021e2, d09a5945e4a0/],
      [['upgrade', '--revision', '+40'], /goes beyond head/],
      [['downgrade', '--revision=-40'], /goes below base/],
      [['upgrade', '--revision', '001'], /not above the current revision/],
      [['downgrade', '--revision', 'head'], /not below the current revision/],
    ] as const) {
      const r = cli(...args);
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr).to.match(pattern);
    }
    expect(cli('version').stdout).to.equal(before);
  });

  it('shows history newest first with the current revision marked, heads and current', () => {
    const history = cli('history').stdout.trim().split('\n');
    expect(history[0]).to.equal('7150a7d8f228 -> f56ba02662b4 (head), Add default_parameters to audit_templates');
    expect(history[history.length - 1]).to.equal('<base> -> 001, ocata release');
    expect(history.filter((l) => l.includes('(current)'))).to.deep.equal(['d098df6021e2 -> d09a5945e4a0 (current), add action description table']);
    const verbose = cli('history', '-v').stdout;
    expect(verbose).to.match(/Rev: d09a5945e4a0 \(current\)\nParent: d098df6021e2\n[\s\S]*Create Date: 2017-07-13T20:33:01.473711/);
    expect(cli('heads').stdout.trim()).to.equal('f56ba02662b4 (head), Add default_parameters to audit_templates');
    expect(cli('current').stdout.trim()).to.equal('d09a5945e4a0, add action description table');
    expect(JSON.parse(cli('current', '--json').stdout)).to.deep.equal({ revision: 'd09a5945e4a0', head: false, message: 'add action description table' });
  });
});

describe('a branched revision chain', () => {
  it('is reported by heads and refused by upgrade, naming both heads', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-branch-'));
    const write = (id: string, parent: string | null) =>
      fs.writeFileSync(
        path.join(dir, `${id}_rev.js`),
        `exports.revision = { id: '${id}', parent: ${parent === null ? 'null' : `'${parent}'`}, message: 'rev ${id}', created: '2026-01-01T00:00:00', up: async () => {}, down: async () => {} };\n`,
      );
    write('aaaa00000001', null);
    write('bbbb00000002', 'aaaa00000001');
    write('cccc00000003', 'aaaa00000001');
    const { db, conf } = await configuredDatabase('sqlite');
    try {
      const heads = runCli(['--config-file', conf, 'heads', '--migrations-dir', dir]);
      expect(heads.stdout.trim().split('\n')).to.deep.equal(['bbbb00000002 (head), rev bbbb00000002', 'cccc00000003 (head), rev cccc00000003']);
      expect(heads.stderr).to.contain('The revision chain has 2 heads');
      const up = runCli(['--config-file', conf, '--migrations-dir', dir, 'upgrade']);
      expect(up.status).to.equal(1);
      expect(up.stderr.trim()).to.equal(
        'watcher-db-manage: error: The revision chain has 2 heads (bbbb00000002, cccc00000003); join them with a merge revision first: watcher-db-manage merge -m "merge heads"',
      );
      expect(runCli(['--config-file', conf, 'version']).stdout.trim()).to.equal('None');
    } finally {
      await db.drop();
    }
  });
});
