// Bad input, case by case on each backend: every case must end with exactly one
// `watcher-db-manage: error:` line, no stack trace, a non-zero exit, and the database exactly as it
// was (schema dump, alembic_version and every row compared before and after). Every URL carries a
// recognisable password; at the end no output and no generated file may hold it.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKENDS, Backend, TempDatabase, sqlQuery } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { REPO_ROOT, runCli, writeConfig, CliResult } from './support/cli';
import { dumpSchema } from './support/schema-dump';
import { seedWatcherRows, snapshotRows } from './support/watcher-rows';

const PASSWORD = 'S3cr3t-pw%21';
const DECODED = decodeURIComponent(PASSWORD);
/** No case may wait for oslo.db's retries: the unreachable servers here must fail at once. */
const NO_RETRY = 'max_retries = 0';

/** Everything the tool printed or wrote in this file, searched for the password at the end. */
const collected: string[] = [];

interface Case {
  name: string;
  /** Arguments after `--config-file CONF` (CONF: the case's `conf`, else the database's). */
  args: string[];
  conf?: string;
  error: RegExp;
  /** Without a config file of ours (the case brings its own --config-file/--config-dir). */
  bare?: boolean;
}

/** The database's state as the CLI clients see it: schema, version rows and every row. */
function snapshot(url: string): unknown {
  let versions: string;
  try {
    versions = sqlQuery(url, 'SELECT version_num FROM alembic_version ORDER BY version_num;');
  } catch {
    versions = '(no alembic_version)';
  }
  return { schema: dumpSchema(url), versions, rows: snapshotRows(url).rows };
}

function expectOneErrorLine(r: CliResult, error: RegExp, label: string): void {
  collected.push(r.stdout, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(r.status, `${label}: ${r.stderr}`).to.not.equal(0);
  expect(lines, `${label}: stderr`).to.have.length(1);
  expect(lines[0], label).to.match(/^watcher-db-manage: error: /);
  expect(lines[0], label).to.match(error);
  expect(r.stdout, label).to.equal('');
}

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-bad-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** The database's URL with a user that has PASSWORD (MySQL checks it; the PostgreSQL test server trusts). */
function urlWithPassword(backend: Backend, db: TempDatabase): string {
  if (backend === 'sqlite') return db.url;
  const url = new URL(db.url);
  if (backend === 'postgresql') return `postgresql://postgres:${PASSWORD}@${url.host}${url.pathname}`;
  const user = `wdm_${randomBytes(3).toString('hex')}`;
  // Global rights, so that a missing database is reported as missing rather than as access denied.
  sqlQuery(db.url, `CREATE USER '${user}'@'%' IDENTIFIED BY '${DECODED}'; GRANT ALL ON *.* TO '${user}'@'%';`);
  return `mysql+pymysql://${user}:${PASSWORD}@${url.host}${url.pathname}`;
}

/** Config, URL and connection errors: the tool must stop before touching the database. */
function configAndConnectionCases(backend: Backend, url: string): Case[] {
  const conf = (text: string) => tempFile('watcher.conf', text);
  const withUrl = (u: string) => writeConfig(u, '', NO_RETRY);
  const host = backend === 'sqlite' ? '' : new URL(url).host;
  const cases: Case[] = [
    { name: 'a missing config file', bare: true, args: ['--config-file', withUrl(url), '--config-file', '/nonexistent/watcher.conf', 'upgrade'], error: /Config file not found: \/nonexistent\/watcher\.conf$/ },
    { name: 'a missing config dir', bare: true, args: ['--config-file', withUrl(url), '--config-dir', '/nonexistent/conf.d', 'upgrade'], error: /Config directory not found: \/nonexistent\/conf\.d$/ },
    { name: 'a directory as config file', bare: true, args: ['--config-file', withUrl(url), '--config-file', os.tmpdir(), 'upgrade'], error: /Config file is a directory/ },
    { name: 'a file as config dir', bare: true, args: ['--config-file', withUrl(url), '--config-dir', withUrl(url), 'upgrade'], error: /Config directory is not a directory/ },
    { name: 'a malformed line', conf: conf(`[database]\nconnection = ${url}\nthis line has no separator\n`), args: ['upgrade'], error: /Malformed config file .* at line 3: expected 'key = value'/ },
    { name: 'an unterminated section header', conf: conf(`[database\nconnection = ${url}\n`), args: ['upgrade'], error: /Malformed config file .* at line 1: section header must end with \]$/ },
    { name: 'an option before any section', conf: conf(`connection = ${url}\n[database]\n`), args: ['upgrade'], error: /at line 1: option set before any \[section\] header$/ },
    { name: 'an empty connection', conf: conf(`[database]\nconnection =\n`), args: ['upgrade'], error: /\[database\] connection is empty/ },
    { name: 'an undefined $name in the connection', conf: conf(`[database]\nconnection = ${url}$nope\n`), args: ['upgrade'], error: /Undefined name \$nope in \[database\] connection/ },
    { name: 'a bad max_retries', conf: conf(`[database]\nconnection = ${url}\nmax_retries = often\n`), args: ['upgrade'], error: /Invalid \[database\] max_retries "often"/ },
    { name: 'an unsupported scheme', conf: withUrl(`oracle://watcher:${PASSWORD}@db/orcl`), args: ['upgrade'], error: /Unsupported database URL scheme 'oracle'.*accepted: sqlite/ },
    { name: 'an unknown driver', conf: withUrl(`mysql+foo://watcher:${PASSWORD}@db/watcher`), args: ['upgrade'], error: /Unsupported database URL scheme 'mysql\+foo'/ },
    { name: 'no scheme', conf: withUrl(`watcher:${PASSWORD}@db/watcher`), args: ['upgrade'], error: /URL/ },
    { name: 'a port out of range', conf: withUrl(`postgresql://watcher:${PASSWORD}@127.0.0.1:70000/watcher`), args: ['upgrade'], error: /port/i },
    { name: 'a port that is not a number', conf: withUrl(`mysql://watcher:${PASSWORD}@127.0.0.1:db/watcher`), args: ['upgrade'], error: /port/i },
    { name: "a raw '@' in the password", conf: withUrl(`mysql://watcher:${DECODED}@x@127.0.0.1/watcher`), args: ['upgrade'], error: /@/ },
    { name: 'a host in an SQLite URL', conf: withUrl('sqlite://somehost/x.sqlite'), args: ['upgrade'], error: /sqlite/i },
    { name: 'a non-integer connect_timeout', conf: withUrl(`postgresql://watcher:${PASSWORD}@127.0.0.1/watcher?connect_timeout=soon`), args: ['upgrade'], error: /connect_timeout/ },
    { name: 'a URL continued on a second line', conf: conf(`[database]\nconnection = ${url}\n  ?charset=utf8\n`), args: ['upgrade'], error: /URL|line/ },
  ];
  if (backend === 'sqlite') {
    cases.push({ name: 'a missing directory', conf: withUrl('sqlite:////nonexistent-dir/x.sqlite'), args: ['upgrade'], error: /the directory does not exist$/ });
    return cases;
  }
  const name = backend === 'postgresql' ? 'PostgreSQL' : 'MySQL';
  const scheme = url.slice(0, url.indexOf('://'));
  const user = decodeURIComponent(new URL(url).username);
  cases.push(
    { name: 'a missing database', conf: withUrl(url.replace(/\/[^/]+$/, '/no_such_db_wdm')), args: ['upgrade'], error: new RegExp(`Cannot connect to ${name} at ${host} \\(database 'no_such_db_wdm'\\): the database does not exist$`) },
    { name: 'an unknown host', conf: withUrl(`${scheme}://${user}:${PASSWORD}@no-such-host.invalid/watcher`), args: ['upgrade'], error: /unknown host 'no-such-host\.invalid'$/ },
    { name: 'a server that is down', conf: withUrl(`${scheme}://${user}:${PASSWORD}@127.0.0.1:1/watcher`), args: ['upgrade'], error: new RegExp(`Cannot connect to ${name} at 127\\.0\\.0\\.1:1 .*connection refused`) },
  );
  if (backend === 'mysql') {
    // The PostgreSQL test server trusts every local user, so only MySQL can refuse a password here.
    cases.push({ name: 'a wrong password', conf: withUrl(url.replace(PASSWORD, `${PASSWORD}x`)), args: ['upgrade'], error: new RegExp(`access denied for user '${user}'$`) });
  }
  return cases;
}

/** Revisions and commands that do not fit a database at head with rows. */
function atHeadCases(): Case[] {
  return [
    { name: 'upgrade to an unknown revision', args: ['upgrade', '--revision', 'zzz'], error: /No such revision 'zzz'/ },
    { name: 'upgrade to an ambiguous prefix', args: ['upgrade', 'd09'], error: /Revision 'd09' is ambiguous; it could be d098df6021e2, d09a5945e4a0/ },
    { name: 'upgrade beyond head', args: ['upgrade', '--revision', '+1'], error: /goes beyond head/ },
    { name: 'upgrade to a lower revision', args: ['upgrade', '--revision', '001'], error: /not above the current revision/ },
    { name: 'upgrade by a negative step', args: ['upgrade', '--revision=-1'], error: /Revision 7150a7d8f228 is not above the current revision f56ba02662b4; use 'downgrade'/ },
    { name: 'downgrade below base', args: ['downgrade', '--revision=-40'], error: /goes below base/ },
    { name: 'downgrade by a positive step', args: ['downgrade', '--revision=+1'], error: /Relative revision \+1 goes beyond head/ },
    { name: 'downgrade to an unknown revision', args: ['downgrade', 'f56ba02662b5'], error: /No such revision 'f56ba02662b5'/ },
    { name: 'stamp nonsense', args: ['stamp', 'nonsense'], error: /No such revision 'nonsense'/ },
    { name: 'stamp a range', args: ['stamp', 'head:base'], error: /No such revision 'head:base'/ },
    { name: 'stamp a relative step', args: ['stamp', '+1'], error: /No such revision '\+1'/ },
    { name: 'stamp an id with a quote', args: ['stamp', "x'; DROP TABLE goals; --"], error: /No such revision 'x'; DROP TABLE goals; --'/ },
    { name: 'stamp an empty revision', args: ['stamp', ''], error: /stamp needs a revision/ },
    { name: 'create_schema on a database at head', args: ['create_schema'], error: /already under version control \(at f56ba02662b4\)/ },
    { name: 'purge a live goal', args: ['purge', '-y', '-t', 'server_consolidation'], error: /The Goal resource server_consolidation is not soft deleted/ },
    { name: 'purge a missing goal', args: ['purge', '-y', '-t', 'no_such_goal'], error: /Goal no_such_goal could not be found/ },
    { name: 'purge a goal name shared by two goals', args: ['purge', '-y', '-t', 'twin_goal'], error: /Goal twin_goal could not be found/ },
    { name: 'purge a goal name with a quote', args: ['purge', '-y', '-t', "old_goal' OR '1'='1"], error: /Goal old_goal' OR '1'='1 could not be found/ },
    { name: 'purge a negative maximum', args: ['purge', '-y', '-n', '-1'], error: /Limit should be positive/ },
    { name: 'purge a non-numeric maximum', args: ['purge', '-y', '-n', 'ten'], error: /--max-number Expected an integer but received: ten/ },
    { name: 'purge a fractional maximum', args: ['purge', '-y', '-n', '1.5'], error: /--max-number Expected an integer/ },
    { name: 'purge a non-numeric age', args: ['purge', '-y', '-d', 'old'], error: /--age-in-days Expected an integer but received: old/ },
    { name: 'purge a negative age', args: ['purge', '-y', '-d', '-3'], error: /--age-in-days must not be negative \(got -3\)/ },
    { name: 'purge in batches of none', args: ['purge', '-y', '--batch-size', '0'], error: /--batch-size must be a positive number of rows \(got 0\)/ },
  ];
}

for (const backend of BACKENDS) {
  describe(`bad input on ${backend}`, function () {
    this.timeout(10 * 60_000);
    const dbs = tempDatabases('all');

    /** A new database prepared by `setup`, its URL with the password, and its config file. */
    async function database(setup: (url: string, conf: string) => void): Promise<{ url: string; conf: string }> {
      const db = await dbs.empty(backend);
      const url = urlWithPassword(backend, db);
      const conf = writeConfig(url, '', NO_RETRY);
      setup(db.url, conf);
      return { url, conf };
    }

    /** Runs every case against one database, comparing its state with the state before all of them. */
    function runCases(get: () => { url: string; conf: string }, cases: () => Case[]): void {
      it('each case: one error line, non-zero exit, no change', function () {
        const { url, conf } = get();
        const before = snapshot(url);
        for (const c of cases()) {
          const r = runCli(c.bare ? c.args : ['--config-file', c.conf ?? conf, ...c.args]);
          expectOneErrorLine(r, c.error, c.name);
          expect(snapshot(url), `${c.name}: the database changed`).to.deep.equal(before);
        }
      });
    }

    describe('config, URL and connection errors (database at head, with rows)', () => {
      let target: { url: string; conf: string };
      before(async () => {
        target = await database((admin, conf) => {
          expect(runCli(['--config-file', conf, 'create_schema']).status).to.equal(0);
          seedWatcherRows(admin);
        });
      });
      runCases(() => target, () => configAndConnectionCases(backend, target.url));

      it('ignores unknown sections and keys, and empty files, as oslo.config does', () => {
        const extra = tempFile('extra.conf', '');
        const conf = tempFile('watcher.conf', `[DEFAULT]\nno_such_key = 1\n[no_such_section]\nx = $undefined_but_unread\n[database]\nconnection = ${target.url}\nno_such_option = y\n`);
        const r = runCli(['--config-file', conf, '--config-file', extra, 'version']);
        collected.push(r.stdout, r.stderr);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.equal('f56ba02662b4\n');
      });
    });

    describe('revisions, stamp, create_schema and purge (database at head, with rows)', () => {
      let target: { url: string; conf: string };
      before(async () => {
        target = await database((admin, conf) => {
          expect(runCli(['--config-file', conf, 'create_schema']).status).to.equal(0);
          seedWatcherRows(admin);
          // Two soft-deleted goals of one name: -t by that name must not pick one.
          const cols = 'created_at, deleted_at, deleted, id, uuid, name, display_name, efficacy_specification';
          sqlQuery(
            admin,
            `INSERT INTO goals (${cols}) VALUES ('2023-01-01 00:00:00', '2023-01-02 00:00:00', 3, 3, 'aaaaaaaa-0000-4000-8000-000000000003', 'twin_goal', 'Twin', '[]');\n` +
              `INSERT INTO goals (${cols}) VALUES ('2023-01-01 00:00:00', '2023-01-02 00:00:00', 4, 4, 'aaaaaaaa-0000-4000-8000-000000000004', 'twin_goal', 'Twin', '[]');\n`,
          );
        });
      });
      runCases(() => target, atHeadCases);
    });

    describe('a database with tables but no version (not made by Watcher)', () => {
      let target: { url: string; conf: string };
      before(async () => {
        target = await database((admin) => {
          sqlQuery(admin, 'CREATE TABLE inventory (id INTEGER PRIMARY KEY, label VARCHAR(20));\nINSERT INTO inventory VALUES (1, \'x\');\nCREATE TABLE goals (id INTEGER PRIMARY KEY, name VARCHAR(20));\n');
        });
      });
      runCases(() => target, () => [
        { name: 'upgrade', args: ['upgrade'], error: /The database has Watcher tables \(goals\) but no revision in alembic_version/ },
        { name: 'upgrade one step', args: ['upgrade', '+1'], error: /The database has Watcher tables \(goals\)/ },
        { name: 'create_schema', args: ['create_schema'], error: /already has Watcher tables \(goals\) but no alembic_version/ },
        { name: 'stamp nonsense', args: ['stamp', 'nonsense'], error: /No such revision 'nonsense'/ },
        { name: 'purge', args: ['purge', '-y'], error: /the database has no Watcher schema \(no alembic_version table\): run upgrade/ },
      ]);
    });

    describe('alembic_version holding an id this tool does not know', () => {
      let target: { url: string; conf: string };
      before(async () => {
        target = await database((admin, conf) => {
          expect(runCli(['--config-file', conf, 'create_schema']).status).to.equal(0);
          sqlQuery(admin, "UPDATE alembic_version SET version_num = 'abcdef123456';");
        });
      });
      runCases(() => target, () => [
        { name: 'upgrade', args: ['upgrade'], error: /revision 'abcdef123456', which is not in this tool's revision chain/ },
        { name: 'downgrade', args: ['downgrade', '--revision=-1'], error: /revision 'abcdef123456', which is not in this tool's revision chain/ },
        { name: 'create_schema', args: ['create_schema'], error: /already under version control \(at abcdef123456\)/ },
      ]);
    });

    describe('alembic_version holding several rows', () => {
      let target: { url: string; conf: string };
      before(async () => {
        target = await database((admin, conf) => {
          expect(runCli(['--config-file', conf, 'create_schema']).status).to.equal(0);
          sqlQuery(admin, "INSERT INTO alembic_version VALUES ('001');");
        });
      });
      runCases(() => target, () =>
        ['version', 'current', 'upgrade', 'downgrade', 'stamp head'].map((command) => ({
          name: command,
          args: command.split(' '),
          // Each names a command that works there: current shows the rows; the others say the
          // table is damaged (001 is below the other row, which Alembic never writes) and how to repair it.
          error:
            command === 'version'
              ? /alembic_version holds 2 revisions \(001, f56ba02662b4\), not one: 'current' shows them$/
              : /alembic_version holds 2 revisions \(001, f56ba02662b4\)(, and 001 is below f56ba02662b4: the table is damaged; nothing was changed: 'stamp --purge REVISION' repairs it|, not one: .*'stamp --purge REVISION' replaces them)$/,
        })),
      );
    });

    it('generated files (autogenerated revision, --sql script) hold no password', async () => {
      const { url, conf } = await database((_admin, c) => expect(runCli(['--config-file', c, 'create_schema']).status).to.equal(0));
      // A copy of the compiled chain, next to dist/src as the revisions' relative imports expect.
      const migrations = fs.mkdtempSync(path.join(REPO_ROOT, 'dist', 'wdm-bad-mig-'));
      try {
        for (const f of fs.readdirSync(path.join(REPO_ROOT, 'dist', 'migrations')).filter((f) => f.endsWith('.js'))) {
          fs.copyFileSync(path.join(REPO_ROOT, 'dist', 'migrations', f), path.join(migrations, f));
        }
        const rev = runCli(['--config-file', conf, 'revision', '--autogenerate', '-m', 'drift', '--migrations-dir', migrations, '--json']);
        expect(rev.status, rev.stderr).to.equal(0);
        collected.push(rev.stdout, rev.stderr, fs.readFileSync(JSON.parse(rev.stdout).file, 'utf8'));
      } finally {
        fs.rmSync(migrations, { recursive: true, force: true });
      }
      const sql = runCli(['--config-file', conf, 'upgrade', '--sql']);
      expect(sql.status, sql.stderr).to.equal(0);
      collected.push(sql.stdout, sql.stderr);
      expect(url).to.satisfy((u: string) => backend === 'sqlite' || u.includes(PASSWORD));
    });
  });
}

describe('bad input: the password', () => {
  it('never appears, raw or percent-decoded, in any output or generated file of this suite', () => {
    expect(collected.length).to.be.above(100);
    const leaks = collected.filter((text) => text.includes(PASSWORD) || text.includes(DECODED));
    expect(leaks).to.deep.equal([]);
  });
});
