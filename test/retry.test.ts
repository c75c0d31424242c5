import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTempDatabase, sqlQuery } from './support/backends';
import { runCli, startCli, writeConfig } from './support/cli';
import { freePort, prepareMariadb, preparePostgres, PrivateServer } from './support/private-server';

// oslo.db's [database] max_retries / retry_interval for the initial connection: a deployment that
// starts the database and `watcher-db-manage upgrade` together must succeed once the server is up.
const PASSWORD = 'S3cr3t-pw%21';
const DECODED = decodeURIComponent(PASSWORD);

/** A MySQL user with the password, allowed everything (so a missing database is reported as such). */
function mysqlUser(adminUrl: string): string {
  const user = `wdm_${randomBytes(3).toString('hex')}`;
  sqlQuery(adminUrl, `CREATE USER '${user}'@'%' IDENTIFIED BY '${DECODED}'; GRANT ALL ON *.* TO '${user}'@'%';`);
  return user;
}

function retryWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^WARNING Cannot connect to .*; retrying in \d+ s \(attempt \d+( of \d+)?\)$/.test(line));
}

function expectNoPassword(...texts: string[]): void {
  for (const text of texts) {
    expect(text).to.not.contain(PASSWORD);
    expect(text).to.not.contain(DECODED);
  }
}

describe('connection retries ([database] max_retries, retry_interval)', function () {
  this.timeout(180_000);

  const servers: Array<[string, (password: string) => Promise<PrivateServer>, RegExp]> = [
    ['PostgreSQL', preparePostgres, /^WARNING Cannot connect to PostgreSQL at 127\.0\.0\.1:\d+ \(database 'postgres'\): /],
    ['MySQL', prepareMariadb, /^WARNING Cannot connect to MySQL at 127\.0\.0\.1:\d+ \(database 'watcher'\): /],
  ];
  for (const [name, prepare, warning] of servers) {
    it(`upgrade (TypeORM) and version (bare driver) wait for a ${name} server that starts after them`, async () => {
      const server = await prepare(DECODED);
      try {
        const conf = writeConfig(server.url, '', 'max_retries = 60\nretry_interval = 1');
        const upgrade = startCli(['--config-file', conf, 'upgrade']);
        const version = startCli(['--config-file', conf, 'version']);
        // Both have failed at least once, and said so, before there is any server.
        await upgrade.stderrMatch(/attempt 3 of 61\)/);
        await version.stderrMatch(/attempt 3 of 61\)/);
        await server.start();
        const [up, ver] = await Promise.all([upgrade.done, version.done]);
        expect(up.status, up.stderr).to.equal(0);
        expect(ver.status, ver.stderr).to.equal(0);
        expect(up.stderr).to.contain('Running upgrade 7150a7d8f228 -> f56ba02662b4');
        // version raced the upgrade: any revision the chain passes through, or None before the first.
        expect(ver.stdout).to.match(/^(None|001|[0-9a-f]{12})\n$/);
        for (const r of [up, ver]) {
          const warnings = retryWarnings(r.stderr);
          expect(warnings.length, r.stderr).to.be.at.least(2);
          expect(warnings[0]).to.match(warning);
          expect(warnings[0]).to.match(/connection refused.*; retrying in 1 s \(attempt 2 of 61\)$/);
          expect(r.stderr.split('\n').filter((l) => l.startsWith('watcher-db-manage: error:'))).to.deep.equal([]);
          expectNoPassword(r.stdout, r.stderr);
        }
        expect(runCli(['--config-file', conf, 'version']).stdout).to.equal('f56ba02662b4\n');
      } finally {
        await server.destroy();
      }
    });
  }

  it('gives up after max_retries retries with one error line, on both connection paths', async () => {
    const url = `postgresql://watcher:${PASSWORD}@127.0.0.1:${await freePort()}/watcher`;
    const conf = writeConfig(url, '', 'max_retries = 2\nretry_interval = 0');
    for (const command of ['version', 'upgrade']) {
      const r = runCli(['--config-file', conf, command]);
      expect(r.status, r.stderr).to.equal(1);
      const warnings = retryWarnings(r.stderr);
      expect(warnings.map((w) => w.replace(/.*\(attempt/, '(attempt')), r.stderr).to.deep.equal(['(attempt 2 of 3)', '(attempt 3 of 3)']);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(3);
      expect(lines[2]).to.match(/^watcher-db-manage: error: Cannot connect to PostgreSQL at 127\.0\.0\.1:\d+ \(database 'watcher'\): connection refused/);
      expectNoPassword(r.stdout, r.stderr);
    }
  });

  it('retries an unknown host (DNS may not be ready yet either)', () => {
    const conf = writeConfig(`mysql+pymysql://watcher:${PASSWORD}@no-such-host.invalid/watcher`, '', 'max_retries = 1\nretry_interval = 0');
    const r = runCli(['--config-file', conf, 'version']);
    expect(r.status).to.equal(1);
    expect(retryWarnings(r.stderr), r.stderr).to.have.length(1);
    expect(r.stderr).to.match(/^watcher-db-manage: error: Cannot connect to MySQL at no-such-host\.invalid:3306 .*unknown host 'no-such-host\.invalid'$/m);
    expectNoPassword(r.stderr);
  });

  it('uses the oslo.db defaults: 10 retries, 10 s apart', async () => {
    const conf = writeConfig(`postgresql://watcher:${PASSWORD}@127.0.0.1:${await freePort()}/watcher`);
    const cli = startCli(['--config-file', conf, 'version']);
    try {
      const stderr = await cli.stderrMatch(/\n/);
      expect(retryWarnings(stderr)[0]).to.match(/; retrying in 10 s \(attempt 2 of 11\)$/);
    } finally {
      cli.kill();
    }
  });

  it('retries for ever with max_retries = -1', async () => {
    const conf = writeConfig(`postgresql://watcher:${PASSWORD}@127.0.0.1:${await freePort()}/watcher`, '', 'max_retries = -1\nretry_interval = 0');
    const cli = startCli(['--config-file', conf, 'version']);
    try {
      const stderr = await cli.stderrMatch(/\(attempt 20\)\n/);
      expect(retryWarnings(stderr).slice(0, 2).map((w) => w.replace(/.*\(attempt/, '(attempt'))).to.deep.equal(['(attempt 2)', '(attempt 3)']);
    } finally {
      cli.kill();
    }
  });

  describe('never retries what waiting cannot fix', () => {
    // Retries every 10 s: one retry would take longer than the bound below.
    const retrying = 'max_retries = 5\nretry_interval = 10';
    const failsAtOnce = (url: string, command: string, reason: RegExp) => {
      const started = Date.now();
      const r = runCli(['--config-file', writeConfig(url, '', retrying), command]);
      expect(Date.now() - started, r.stderr).to.be.below(8_000);
      expect(r.status).to.equal(1);
      expect(retryWarnings(r.stderr), r.stderr).to.deep.equal([]);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('watcher-db-manage: error:'));
      expect(errors, r.stderr).to.have.length(1);
      expect(errors[0]).to.match(reason);
      expectNoPassword(r.stdout, r.stderr);
    };

    it('a wrong password (MySQL; the PostgreSQL test server trusts every local user)', async () => {
      const db = await createTempDatabase('mysql');
      try {
        const user = mysqlUser(db.url);
        const url = db.url.replace(/\/\/root@/, `//${user}:${PASSWORD}x@`);
        for (const command of ['version', 'upgrade']) failsAtOnce(url, command, new RegExp(`access denied for user '${user}'$`));
      } finally {
        await db.drop();
      }
    });

    it('a missing database on PostgreSQL and MySQL', () => {
      const pg = process.env.WDM_TEST_PG_URL;
      const my = process.env.WDM_TEST_MYSQL_URL;
      if (!pg || !my) throw new Error('run the tests via test/support/run-with-servers.js');
      // The PostgreSQL test server trusts every local user: any password gets past it.
      const pgUrl = pg.replace(/\/\/postgres@/, `//postgres:${PASSWORD}@`);
      const myUrl = my.replace(/\/\/root@/, `//${mysqlUser(my)}:${PASSWORD}@`);
      for (const server of [pgUrl, myUrl]) {
        const url = server.replace(/\/\w+$/, '/no_such_db_wdm');
        for (const command of ['version', 'upgrade']) failsAtOnce(url, command, /\(database 'no_such_db_wdm'\): the database does not exist$/);
      }
    });

    it('an SQLite file in a missing directory, and a bad URL', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-retry-'));
      failsAtOnce(`sqlite:///${dir}/missing/x.sqlite`, 'upgrade', /the directory does not exist$/);
      failsAtOnce(`postgresql://watcher:${PASSWORD}@127.0.0.1:99999/watcher`, 'upgrade', /port/i);
    });
  });
});
