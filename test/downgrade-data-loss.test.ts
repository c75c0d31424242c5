// Issue 21, item 5: `downgrade` that would drop tables or columns holding rows names them with their
// row counts and asks on a terminal; without one (or with --json) it needs --yes and says so in one
// line, exit 1, with the schema and every row unchanged. A downgrade that loses nothing (empty
// tables, columns of NULLs) runs as before, without a question. Through the built CLI on every
// backend; the expected counts are read from the database with its own client, not from the tool.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { BACKENDS, sqlQuery } from './support/backends';
import { CliResult, coreApi, REPO_ROOT } from './support/cli';

// The package's "main", compiled, as a program calls it.
import { freshDatabaseEachTest } from './support/fresh-database';
import { dumpSchema } from './support/schema-dump';
import { seedWatcherRows, snapshotRows, storedRevision, watcherTables } from './support/watcher-rows';

const HEAD = 'f56ba02662b4';
/** HEAD's downgrade drops audit_templates.default_parameters. */
const BELOW_HEAD = '7150a7d8f228';
/** 7150a7d8f228's downgrade drops status_message from audits, action_plans and actions. */
const STATUS_MESSAGE_TABLES = ['audits', 'action_plans', 'actions'];

function count(url: string, sql: string): number {
  return Number(sqlQuery(url, sql).trim());
}

/** The one line of an error, and nothing else on stderr. */
function oneErrorLine(r: CliResult, what: string): string {
  expect(r.status, `${what}: ${r.stdout}${r.stderr}`).to.equal(1);
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, what).to.have.length(1);
  expect(lines[0]).to.match(/^watcher-db-manage: error: /);
  return lines[0];
}

/**
 * The CLI on a pseudo-terminal (util-linux `script`), answering `answer` once the question is shown.
 * `script` merges the CLI's stdout and stderr into its own stdout; it exits with the CLI's status (-e).
 */
function onTerminal(conf: string, args: string[], answer: string): Promise<CliResult> {
  const command = [process.execPath, path.join(REPO_ROOT, 'bin', 'run.js'), '--config-file', conf, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let answered = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (!answered && out.includes('[y/N]')) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ status: code ?? -1, stdout: out, stderr: '' });
    });
  });
}

for (const backend of BACKENDS) {
  describe(`downgrade that would drop data on ${backend}`, function () {
    this.timeout(10 * 60_000);
    const fresh = freshDatabaseEachTest(backend);
    const { cli } = fresh;
    const url = () => fresh.db.url;
    const state = () => ({ schema: dumpSchema(url()), rows: snapshotRows(url()), version: storedRevision(url()) });

    function populatedHead(): void {
      expect(cli('upgrade').status).to.equal(0);
      seedWatcherRows(url());
    }

    it('downgrade to base of a populated database without a terminal: one line naming each table with its rows, exit 1, nothing changed; with --yes it runs', () => {
      populatedHead();
      const before = state();
      const holding = watcherTables(url())
        .map((t) => [t, count(url(), `SELECT count(*) FROM ${t};`)] as const)
        .filter(([, n]) => n > 0);
      expect(holding.length, 'the seed fills several tables').to.be.above(5);

      const line = oneErrorLine(cli('downgrade', 'base'), 'downgrade base');
      expect(line).to.contain(`downgrade to base would drop ${holding.length} tables holding rows (`);
      for (const [table, n] of holding) expect(line).to.match(new RegExp(`[(, ]${table}: ${n}[,)]`));
      // Only tables: their columns are not listed again.
      expect(line).to.not.match(/\w\.\w+: \d/);
      expect(line).to.contain('nothing was changed').and.to.match(/run it with --yes to confirm$/);
      expect(state()).to.deep.equal(before);

      // --json does not ask either: the same refusal, and nothing on stdout.
      const json = cli('downgrade', '--json');
      expect(oneErrorLine(json, 'downgrade --json')).to.contain('--json does not ask');
      expect(json.stdout).to.equal('');
      expect(state()).to.deep.equal(before);

      const yes = cli('downgrade', 'base', '--yes');
      expect(yes.status, yes.stderr).to.equal(0);
      expect(yes.stderr).to.contain('Running downgrade 001 -> , ');
      expect(watcherTables(url())).to.deep.equal([]);
    });

    it('a downgrade that loses nothing runs without a question: empty tables, and a dropped column whose values are all NULL', () => {
      expect(cli('upgrade').status).to.equal(0);
      const empty = cli('downgrade', 'base');
      expect(empty.status, empty.stderr).to.equal(0);
      expect(empty.stdout).to.not.contain('[y/N]');
      expect(watcherTables(url())).to.deep.equal([]);

      populatedHead();
      sqlQuery(url(), 'UPDATE audit_templates SET default_parameters = NULL;');
      expect(count(url(), 'SELECT count(*) FROM audit_templates;')).to.be.above(0);
      const all = snapshotRows(url()).columns;
      const kept = { ...all, audit_templates: all.audit_templates.filter((c) => c !== 'default_parameters') };
      const rows = snapshotRows(url(), kept);
      const nulls = cli('downgrade', '-1');
      expect(nulls.status, nulls.stderr).to.equal(0);
      expect(nulls.stdout).to.not.contain('[y/N]');
      expect(storedRevision(url())).to.equal(BELOW_HEAD);
      // Every other column kept its rows.
      expect(snapshotRows(url(), kept)).to.deep.equal(rows);
    });

    it('a downgrade that drops columns with values is refused with their counts; columns of NULLs are not named', () => {
      populatedHead();
      expect(cli('downgrade', BELOW_HEAD, '--yes').status).to.equal(0);
      const withValue = STATUS_MESSAGE_TABLES.map((t) => [t, count(url(), `SELECT count(*) FROM ${t} WHERE status_message IS NOT NULL;`)] as const);
      const named = withValue.filter(([, n]) => n > 0);
      const unnamed = withValue.filter(([, n]) => n === 0);
      expect(named.length, 'the seed has status messages').to.be.above(0);
      expect(unnamed.length, 'and a table whose status messages are all NULL').to.be.above(0);
      const before = state();

      const line = oneErrorLine(cli('downgrade', '-1'), 'downgrade -1');
      expect(line).to.contain(`downgrade to 15f7375ca737 would drop ${named.length} column${named.length === 1 ? '' : 's'} holding rows (`);
      for (const [table, n] of named) expect(line).to.contain(`${table}.status_message: ${n} with a value`);
      for (const [table] of unnamed) expect(line).to.not.contain(`${table}.status_message`);
      expect(state()).to.deep.equal(before);
    });

    it('downgradeDataLoss (API): the drops that hold data with their counts, in run order, reading only', async () => {
      populatedHead();
      const before = state();
      const { withSession, loadChain, downgradeDataLoss } = coreApi();
      const two = await withSession(url(), {}, (session) => downgradeDataLoss(session, loadChain(), '-2'));
      const expected = [
        ['audit_templates', 'default_parameters', HEAD],
        // In the order the revision drops them.
        ...['audits', 'actions', 'action_plans'].map((t) => [t, 'status_message', BELOW_HEAD]),
      ]
        .map(([table, column, revision]) => ({ table, column, revision, rows: count(url(), `SELECT count(*) FROM ${table} WHERE ${column} IS NOT NULL;`), atLeast: false }))
        .filter((d) => d.rows > 0);
      expect(two).to.deep.equal({ from: HEAD, to: '15f7375ca737', drops: expected });
      const none = await withSession(url(), {}, (session) => downgradeDataLoss(session, loadChain(), HEAD));
      expect(none).to.deep.equal({ from: HEAD, to: HEAD, drops: [] });
      expect(state()).to.deep.equal(before);
    });

    it('on a terminal, lists what would be lost and asks: "n" changes nothing (exit 0), "y" downgrades', async () => {
      populatedHead();
      const values = count(url(), 'SELECT count(*) FROM audit_templates WHERE default_parameters IS NOT NULL;');
      expect(values).to.be.above(0);
      const before = state();

      const no = await onTerminal(fresh.conf, ['downgrade', '-1'], 'n');
      expect(no.status, no.stdout).to.equal(0);
      expect(no.stdout).to.contain(`Downgrading ${HEAD} -> ${BELOW_HEAD} drops 1 column holding data:`);
      expect(no.stdout).to.contain(`  audit_templates.default_parameters: ${values} ${values === 1 ? 'row' : 'rows'} with a value`);
      expect(no.stdout).to.contain(`Downgrade to ${BELOW_HEAD} and lose this data? [y/N]`);
      expect(no.stdout).to.contain('Nothing was changed.');
      expect(no.stdout).to.not.contain('Running downgrade');
      expect(state()).to.deep.equal(before);

      const yes = await onTerminal(fresh.conf, ['downgrade', '-1'], 'y');
      expect(yes.status, yes.stdout).to.equal(0);
      expect(yes.stdout).to.contain(`Running downgrade ${HEAD} -> ${BELOW_HEAD}`);
      expect(storedRevision(url())).to.equal(BELOW_HEAD);
    });
  });
}
