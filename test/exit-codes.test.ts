// Issue 15, item 4: one table of exit codes. The CLI is driven into each situation of
// src/cli/exit-codes.ts (success, an error, a usage error, check finding a difference) and must exit
// with that code; and the README's table must be exactly what EXIT_CODES renders, so the two cannot
// drift (the man page is written from the same EXIT_CODES).
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { EXIT, EXIT_CODES, ExitCodeDoc } from '../src/cli/exit-codes';
import { freshDatabaseEachTest } from './support/fresh-database';
import { BACKENDS, sqlQuery } from './support/backends';
import { CliResult, REPO_ROOT, runCli, writeConfig } from './support/cli';

/** The README's form of the table. */
function markdownTable(codes: ExitCodeDoc[]): string {
  return ['| code | meaning |', '|---|---|', ...codes.map((c) => `| ${c.code} | ${c.meaning} |`)].join('\n');
}

function expectExit(r: CliResult, code: number, what: string): void {
  expect(r.status, `${what}: ${r.stderr}`).to.equal(code);
  if (code !== EXIT.OK && code !== EXIT.CHECK_DIFFERS) {
    // Whatever the code, a failure is one line on stderr.
    expect(r.stderr.trim().split('\n'), `${what}: ${r.stderr}`).to.have.length(1);
  }
}

describe('exit codes', function () {
  this.timeout(10 * 60_000);

  it('EXIT_CODES documents each code of EXIT once, in order', () => {
    expect(EXIT_CODES.map((c) => c.code)).to.deep.equal(Object.values(EXIT).sort((a, b) => a - b));
    expect(Object.values(EXIT)).to.deep.equal([0, 1, 2, 3]);
  });

  it('the README has one exit-code table, the one EXIT_CODES renders', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const tables = [...readme.matchAll(/<!-- exit-codes -->\n([\s\S]*?)\n<!-- \/exit-codes -->/g)].map((m) => m[1]);
    expect(tables, 'the README must hold exactly one table between <!-- exit-codes --> markers').to.have.length(1);
    expect(tables[0], 'README.md: paste this table between the exit-codes markers').to.equal(markdownTable(EXIT_CODES));
  });

  it('usage errors exit 2 without a database: unknown command or flag, a missing or malformed argument, --json with --sql', () => {
    const conf = writeConfig('sqlite:///nonexistent-dir-wdm/never.sqlite');
    const cases: [string[], RegExp][] = [
      [['nosuchcommand'], /nosuchcommand/],
      [['upgrade', '--no-such-flag'], /Nonexistent flag: --no-such-flag/],
      [['check', '--nope'], /Nonexistent flag: --nope/],
      [['stamp'], /stamp needs a revision/],
      [['stamp', 'head', '--revision', 'base'], /two revisions/],
      [['upgrade', '001', '--revision', 'head'], /Two revisions given/],
      [['upgrade', '--revision'], /--revision expects a value/],
      [['upgrade', '--lock-timeout', 'soon'], /--lock-timeout must be a number of seconds above 0/],
      [['upgrade', '--json', '--sql'], /--json cannot be combined with --sql/],
      [['purge', '-y', '--batch-size', '0'], /--batch-size must be a positive number of rows/],
      [['purge', '-y', '-n', '-1'], /Limit should be positive/],
    ];
    for (const [args, pattern] of cases) {
      const r = runCli(['--config-file', conf, ...args]);
      expectExit(r, EXIT.USAGE, args.join(' '));
      expect(r.stderr, args.join(' ')).to.match(pattern);
      expect(r.stdout, args.join(' ')).to.equal('');
    }
  });

  it('an error exits 1: an unreachable database, a missing config file', () => {
    const down = writeConfig('postgresql://postgres@127.0.0.1:1/watcher', '', 'max_retries = 0');
    const r = runCli(['--config-file', down, 'upgrade', '--json']);
    expectExit(r, EXIT.ERROR, 'upgrade against a server that is down');
    expect(r.stderr).to.match(/Cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    expect(r.stdout).to.equal('');
    // check against it: an error, not "the database differs".
    expectExit(runCli(['--config-file', down, 'check']), EXIT.ERROR, 'check against a server that is down');
    expectExit(runCli(['--config-file', '/nonexistent/watcher.conf', 'version']), EXIT.ERROR, 'a missing config file');
  });

  for (const backend of BACKENDS) {
    describe(`on ${backend}`, () => {
      const fresh = freshDatabaseEachTest(backend);
      const { cli } = fresh;


      it('ok is 0, a bad revision 1, check 0 when clean and 3 when the database differs, 1 when it is not at head', () => {
        expectExit(cli('version'), EXIT.OK, 'version');
        expectExit(cli('upgrade', '--revision', 'nosuch'), EXIT.ERROR, 'upgrade to an unknown revision');
        expectExit(cli('stamp', 'nosuch'), EXIT.ERROR, 'stamp an unknown revision');
        expectExit(cli('upgrade', '609bec748f2a'), EXIT.OK, 'upgrade to 609bec748f2a');
        expectExit(cli('check'), EXIT.ERROR, 'check on a database not at head');
        expectExit(cli('upgrade'), EXIT.OK, 'upgrade');
        // At head the shipped models differ from the chain only by the known drift (entities/known-drift.ts).
        expectExit(cli('check'), EXIT.OK, 'check at head');
        // Anything else differing means a revision is missing.
        sqlQuery(fresh.db.url, 'ALTER TABLE goals ADD COLUMN extra INTEGER');
        const differs = cli('check');
        expectExit(differs, EXIT.CHECK_DIFFERS, 'check at head with a column the entities lack');
        expect(differs.stdout).to.match(/^New upgrade operations detected:/);
        expectExit(cli('check', '--json'), EXIT.CHECK_DIFFERS, 'check --json at head');
        expectExit(cli('upgrade', '--json'), EXIT.OK, 'upgrade with nothing to do');
      });

      it('check exits 0 on a database built from the entities', async () => {
        expectExit(cli('create_schema'), EXIT.OK, 'create_schema');
        const clean = cli('check');
        expectExit(clean, EXIT.OK, 'check after create_schema');
        expect(clean.stdout.trim()).to.equal('No changes detected');
        expectExit(cli('create_schema'), EXIT.ERROR, 'create_schema on a database under version control');
      });
    });
  }
});
