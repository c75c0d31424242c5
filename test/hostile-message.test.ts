// Nothing a user types becomes code: `revision -m` with a message full of line breaks of every kind,
// statements, comment terminators, quotes and template syntax writes a revision file that compiles and
// gives the message back, and the `upgrade --sql` script of the chain with it, run by the backend's own
// client (psql, mariadb, sqlite3) on a fresh database, runs no statement of the message.
// The revisions are loaded from source (bin/dev.js) in a scratch directory beside a link to src/, as
// the shipped files import '../src/script/revision': no build of a scratch checkout is needed.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKENDS, createTempDatabase, sqlQuery } from './support/backends';
import { CliResult, REPO_ROOT } from './support/cli';
import { typecheck } from './support/typecheck';

/** Each line break a client or an editor may honour, each followed by a statement that must not run. */
const BREAKS: [string, string][] = [
  ['lf', '\n'],
  ['crlf', '\r\n'],
  ['cr', '\r'],
  ['vt', '\v'],
  ['ff', '\f'],
  ['nel', '\u0085'],
  ['ls', '\u2028'],
  ['ps', '\u2029'],
];
const MESSAGE =
  "add x */ /* `${process.exit(3)}` it's \"quoted\" \\ back\\'slash" +
  BREAKS.map(([name, br]) => `${br}CREATE TABLE injected_${name} (x INTEGER); DROP TABLE goals;`).join('') +
  '\u001b[2K-- ESC\nend';

function dev(url: string, args: string[]): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, OS_DATABASE__CONNECTION: url };
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'dev.js'), ...args], { cwd: os.tmpdir(), env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('a hostile revision message', function () {
  this.timeout(300_000);
  let root: string;
  let dir: string;
  let revision: { id: string; file: string };

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-hostile-'));
    fs.symlinkSync(path.join(REPO_ROOT, 'src'), path.join(root, 'src'));
    dir = path.join(root, 'migrations');
    fs.cpSync(path.join(REPO_ROOT, 'migrations'), dir, { recursive: true });
    revision = JSON.parse(dev('sqlite://', ['revision', '-m', MESSAGE, '--migrations-dir', dir, '--json']).stdout) as { id: string; file: string };
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is written into a revision file that compiles and gives the message back, as history shows it', () => {
    const tsc = typecheck([revision.file]);
    expect(tsc.status, tsc.output).to.equal(0);
    // mocha runs under ts-node: the file loads as it is, and any code the message had become would run.
    const loaded = (require(revision.file) as { revision: { id: string; message: string } }).revision;
    expect(loaded.id).to.equal(revision.id);
    expect(loaded.message).to.equal(MESSAGE);
    const history = dev('sqlite://', ['history', '--migrations-dir', dir]).stdout;
    expect(history).to.contain(`f56ba02662b4 -> ${revision.id} (head), ${MESSAGE}\n`);
  });

  for (const backend of BACKENDS) {
    it(`${backend}: stays comment lines in the upgrade --sql script, which the client runs without one statement of it`, async () => {
      const db = await createTempDatabase(backend);
      try {
        const sql = dev(db.url, ['--migrations-dir', dir, 'upgrade', '--sql']).stdout;
        const at = sql.indexOf(`-- Running upgrade f56ba02662b4 -> ${revision.id}, add x */`);
        expect(at, sql.slice(-2000)).to.be.greaterThan(0);
        // From there, one comment line per line of the message, then the version update.
        const lines = sql.slice(at).split('\n');
        for (const line of lines.slice(0, BREAKS.length + 2)) expect(line).to.match(/^-- /);
        expect(lines[BREAKS.length + 2]).to.match(/^UPDATE \W?alembic_version\W? SET version_num/);
        sqlQuery(db.url, sql);
        const tables =
          backend === 'sqlite'
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'injected%' OR name = 'goals');"
            : backend === 'postgresql'
              ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND (table_name LIKE 'injected%' OR table_name = 'goals');"
              : "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND (table_name LIKE 'injected%' OR table_name = 'goals');";
        expect(sqlQuery(db.url, tables).trim()).to.equal('goals');
        expect(sqlQuery(db.url, 'SELECT version_num FROM alembic_version;').trim()).to.equal(revision.id);
      } finally {
        await db.drop();
      }
    });
  }
});
