// Issue 15, item 3: `--json` on the commands that change the database, through the built CLI on every
// backend. upgrade, downgrade and stamp print {"from", "to", "applied": [{"id", "direction",
// "seconds"}]}, create_schema adds "tables"; "applied" is [] when nothing changed (what Ansible's
// changed_when reads). stdout is the JSON document alone (it must parse as a whole, with exactly the
// documented keys), logs stay on stderr, and --json with --sql is a one-line usage error (exit 2).
// The expected revisions are written out here, not taken from the tool.
import { expect } from 'chai';
import { freshDatabaseEachTest } from './support/fresh-database';
import { Backend, BACKENDS, sqlQuery } from './support/backends';
import { CliResult } from './support/cli';

/** The shipped chain, oldest first (each file's `parent` names the one before). */
const CHAIN = ['001', '0f6042416884', 'd098df6021e2', 'd09a5945e4a0', '3cfc94cecf4e', 'a86240e89a29', '52804f2498c4', '4b16194c56bc', '609bec748f2a', '15f7375ca737', '7150a7d8f228', 'f56ba02662b4'];
const HEAD = CHAIN[CHAIN.length - 1];

interface Applied {
  id: string;
  direction: 'up' | 'down';
  seconds: number;
}
interface RunJson {
  from: string | null;
  to: string | null;
  applied: Applied[];
  tables?: string[];
}

/** The document on stdout, checked for exactly the documented keys, each applied entry too. */
function runJson(r: CliResult, what: string, keys = ['from', 'to', 'applied']): RunJson {
  expect(r.status, `${what}: ${r.stderr}`).to.equal(0);
  const data = JSON.parse(r.stdout) as RunJson; // throws if anything but the JSON is on stdout
  expect(Object.keys(data), what).to.deep.equal(keys);
  for (const a of data.applied) {
    expect(Object.keys(a), `${what}: ${JSON.stringify(a)}`).to.deep.equal(['id', 'direction', 'seconds']);
    expect(a.seconds, `${what}: ${a.id}`).to.be.a('number').and.to.be.at.least(0);
    expect(Number.isFinite(a.seconds), `${what}: ${a.id}`).to.equal(true);
    expect(Math.round(a.seconds * 1000) / 1000, `${what}: ${a.id}'s seconds, to the millisecond`).to.equal(a.seconds);
  }
  return data;
}

/** The database's tables, as the server lists them. */
function liveTables(backend: Backend, url: string): string[] {
  const sql = {
    sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%';",
    postgresql: 'SELECT tablename FROM pg_tables WHERE schemaname = current_schema();',
    mysql: 'SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE();',
  }[backend];
  return sqlQuery(url, sql).split('\n').filter(Boolean).sort();
}

for (const backend of BACKENDS) {
  describe(`--json of upgrade, downgrade, stamp and create_schema on ${backend}`, function () {
    this.timeout(10 * 60_000);
    const fresh = freshDatabaseEachTest(backend);
    const { cli } = fresh;
    const stored = () => sqlQuery(fresh.db.url, 'SELECT version_num FROM alembic_version;').trim();

    it('upgrade --json from empty: from null, to head, every revision in order, up, with its seconds; a second run applies nothing', () => {
      const started = Date.now();
      const r = cli('-v', 'upgrade', '--json');
      const elapsed = (Date.now() - started) / 1000;
      const data = runJson(r, 'upgrade --json');
      expect(data.from).to.equal(null);
      expect(data.to).to.equal(HEAD);
      expect(data.applied.map((a) => a.id)).to.deep.equal(CHAIN);
      expect(data.applied.every((a) => a.direction === 'up')).to.equal(true);
      // Seconds, not milliseconds: together they fit in the process's run, and the revisions took some time.
      const total = data.applied.reduce((sum, a) => sum + a.seconds, 0);
      expect(total).to.be.above(0).and.to.be.at.most(elapsed);
      // The log lines went to stderr, the -v ones too.
      expect(r.stderr).to.contain(`Running upgrade  -> 001, `);
      expect(r.stderr).to.contain(`Applied ${CHAIN.length} revision(s); now at ${HEAD}`);
      expect(stored()).to.equal(HEAD);

      const again = cli('upgrade', '--json');
      expect(runJson(again, 'second upgrade --json')).to.deep.equal({ from: HEAD, to: HEAD, applied: [] });
      expect(again.stderr).to.not.contain('Running upgrade');

      // A relative target: one step, from where the database is.
      expect(cli('downgrade', '--revision=-2').status).to.equal(0);
      const one = runJson(cli('upgrade', '--revision', '+1', '--json'), 'upgrade +1 --json');
      expect([one.from, one.to, one.applied.map((a) => [a.id, a.direction])]).to.deep.equal([CHAIN[9], CHAIN[10], [[CHAIN[10], 'up']]]);
    });

    it('downgrade --json: the down steps in order, newest first, to a revision and to base (null)', () => {
      expect(cli('upgrade').status).to.equal(0);
      const partial = runJson(cli('downgrade', '609bec748f2a', '--json'), 'downgrade 609bec748f2a --json');
      expect(partial.from).to.equal(HEAD);
      expect(partial.to).to.equal('609bec748f2a');
      expect(partial.applied.map((a) => [a.id, a.direction])).to.deep.equal([
        ['f56ba02662b4', 'down'],
        ['7150a7d8f228', 'down'],
        ['15f7375ca737', 'down'],
      ]);
      expect(stored()).to.equal('609bec748f2a');

      const toBase = runJson(cli('downgrade', '--json'), 'downgrade --json');
      expect(toBase.from).to.equal('609bec748f2a');
      expect(toBase.to).to.equal(null);
      expect(toBase.applied.map((a) => a.id)).to.deep.equal(CHAIN.slice(0, CHAIN.indexOf('609bec748f2a') + 1).reverse());
      expect(toBase.applied.every((a) => a.direction === 'down')).to.equal(true);
      expect(liveTables(backend, fresh.db.url)).to.deep.equal(['alembic_version']);

      expect(runJson(cli('downgrade', '--json'), 'downgrade --json at base')).to.deep.equal({ from: null, to: null, applied: [] });
    });

    it('stamp --json: the version before and after, applied empty, no revision run', () => {
      expect(runJson(cli('stamp', '609bec748f2a', '--json'), 'stamp 609bec748f2a --json')).to.deep.equal({ from: null, to: '609bec748f2a', applied: [] });
      expect(stored()).to.equal('609bec748f2a');
      expect(liveTables(backend, fresh.db.url)).to.deep.equal(['alembic_version']); // nothing was run
      expect(runJson(cli('stamp', 'head', '--json'), 'stamp head --json')).to.deep.equal({ from: '609bec748f2a', to: HEAD, applied: [] });
      expect(runJson(cli('stamp', 'head', '--json'), 'stamp head --json again')).to.deep.equal({ from: HEAD, to: HEAD, applied: [] });
      expect(runJson(cli('stamp', '--revision', 'base', '--json'), 'stamp base --json')).to.deep.equal({ from: HEAD, to: null, applied: [] });
      expect(stored()).to.equal('');
    });

    it('create_schema --json: from null, to head, applied empty, and the tables it created as the database has them', () => {
      const r = cli('create_schema', '--json');
      const data = runJson(r, 'create_schema --json', ['from', 'to', 'applied', 'tables']);
      expect(data.from).to.equal(null);
      expect(data.to).to.equal(HEAD);
      expect(data.applied).to.deep.equal([]);
      expect(new Set(data.tables).size, 'no table twice').to.equal(data.tables!.length);
      expect([...data.tables!].sort()).to.deep.equal(liveTables(backend, fresh.db.url));
      expect(data.tables).to.include.members(['goals', 'audits', 'action_descriptions', 'apscheduler_jobs', 'alembic_version']);
      expect(stored()).to.equal(HEAD);

      // Refused the second time: an error (exit 1), on stderr alone; no JSON.
      const again = cli('create_schema', '--json');
      expect(again.status).to.equal(1);
      expect(again.stdout).to.equal('');
      expect(again.stderr.trim().split('\n'), again.stderr).to.have.length(1);
      expect(again.stderr).to.match(/^watcher-db-manage: error: The database is already under version control/);
    });

    it('--json with --sql is a usage error in one line, exit 2, nothing on stdout, the database untouched', () => {
      for (const args of [
        ['upgrade', '--sql', '--json'],
        ['upgrade', '--json', '--sql', '001:head'],
        ['downgrade', '--sql', 'head:base', '--json'],
      ]) {
        const r = cli(...args);
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
        expect(r.stdout, args.join(' ')).to.equal('');
        expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
        expect(r.stderr).to.match(/^watcher-db-manage: error: --json cannot be combined with --sql/);
      }
      expect(liveTables(backend, fresh.db.url)).to.deep.equal([]);
      // Without --json the script is still printed.
      const script = cli('upgrade', '--sql', 'head');
      expect(script.status, script.stderr).to.equal(0);
      expect(script.stdout).to.match(/CREATE TABLE/i);
    });
  });
}
