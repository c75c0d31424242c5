// `check` through the CLI, on every backend: "No changes detected" and exit 0 when the database matches
// the entities (our create_schema), and when it differs only by the known drift of
// entities/known-drift.ts (a database upgraded by the reference: exactly that list, each entry);
// the other operations and exit 3 when it differs otherwise, a stale entry (exit 3) when one of the
// list no longer differs, `--json` as data, and a clear error, exit 1, when the database is not at
// head. `revision --autogenerate` refuses such a database and writes nothing.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { KNOWN_DRIFT } from '../entities/known-drift';
import { freshDatabaseEachTest } from './support/fresh-database';
import { BACKENDS, sqlQuery } from './support/backends';
import { REPO_ROOT } from './support/cli';
import { runReference } from './support/reference';

/** What the list holds for a backend of the tests, as check prints it. */
function knownDriftOf(backend: string): string[] {
  const name = backend === 'postgresql' ? 'postgres' : backend;
  return KNOWN_DRIFT.filter((e) => !e.backends || e.backends.includes(name as 'postgres')).map((e) => e.operation);
}

/** SQL that gives apscheduler_jobs the model's created_at, as a revision fixing that drift would. */
const ADD_CREATED_AT: Record<string, string> = {
  sqlite: 'ALTER TABLE apscheduler_jobs ADD COLUMN created_at DATETIME',
  postgresql: 'ALTER TABLE apscheduler_jobs ADD COLUMN created_at TIMESTAMP WITHOUT TIME ZONE',
  mysql: 'ALTER TABLE apscheduler_jobs ADD COLUMN created_at DATETIME NULL',
};

type CheckJson = { up_to_date: boolean; operations: Record<string, unknown>[]; known: { description: string; reason: string }[]; stale: { operation: string }[] };

for (const backend of BACKENDS) {
  describe(`check on ${backend}`, function () {
    this.timeout(10 * 60_000);
    const fresh = freshDatabaseEachTest(backend);
    const { cli } = fresh;

    it('exits 0 with "No changes detected" on a database built from the entities', () => {
      expect(cli('create_schema').status).to.equal(0);
      const r = cli('check');
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.equal('No changes detected');
      const json = cli('check', '--json');
      expect(json.status, json.stderr).to.equal(0);
      expect(JSON.parse(json.stdout)).to.deep.equal({ up_to_date: true, operations: [], known: [], stale: [] });
    });

    it('a database upgraded by the reference differs by exactly the known drift: exit 0, listed under -v and as "known" in --json', () => {
      // The reference's upgrade fails on SQLite (no ALTER COLUMN at d098df6021e2): there, ours.
      const up = backend === 'sqlite' ? cli('upgrade') : runReference(fresh.db.url, ['upgrade']);
      expect(up.status, up.stderr.slice(-2000)).to.equal(0);
      const r = cli('check');
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.equal('No changes detected');
      const verbose = cli('check', '-v');
      expect(verbose.status, verbose.stderr).to.equal(0);
      const lines = verbose.stdout.trim().split('\n');
      expect(lines[1]).to.equal('Known drift, accepted by entities/known-drift.ts:');
      const name = backend === 'postgresql' ? 'postgres' : backend;
      const entries = KNOWN_DRIFT.filter((e) => !e.backends || e.backends.includes(name as 'postgres'));
      expect(lines.slice(2).sort()).to.deep.equal(entries.map((e) => `  ${e.operation}: ${e.reason}`).sort());
      const json = JSON.parse(cli('check', '--json').stdout) as CheckJson;
      expect(json.up_to_date).to.equal(true);
      expect(json.operations).to.deep.equal([]);
      expect(json.stale).to.deep.equal([]);
      expect(json.known.map((k) => k.description).sort()).to.deep.equal(knownDriftOf(backend).sort());
      for (const k of json.known) expect(k.reason, k.description).to.match(/\w{10}/);
      expect(json.known).to.deep.include({
        kind: 'alter_column_nullability',
        table: 'audits',
        column: 'force',
        type: { kind: 'boolean' },
        nullable: false,
        description: "Detected NOT NULL on column 'audits.force'",
        reason: KNOWN_DRIFT.find((e) => e.operation.includes('audits.force'))!.reason,
      });
    });

    it('exits 3 on any other difference, and on an entry that no longer differs (stale); revision --autogenerate leaves the known drift out unless --include-known-drift', () => {
      expect(cli('upgrade').status).to.equal(0);
      sqlQuery(fresh.db.url, 'ALTER TABLE goals ADD COLUMN extra INTEGER');
      const r = cli('check');
      expect(r.status, r.stderr).to.equal(3);
      expect(r.stdout.trim().split('\n')).to.deep.equal(['New upgrade operations detected:', "  Detected removed column 'goals.extra'"]);
      const json = JSON.parse(cli('check', '--json').stdout) as CheckJson;
      expect(json.up_to_date).to.equal(false);
      expect(json.operations.map((o) => o.description)).to.deep.equal(["Detected removed column 'goals.extra'"]);
      expect(json.known.length).to.equal(knownDriftOf(backend).length);

      // Inside dist/, so that the copied revisions' imports (../src/...) resolve.
      const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'dist', 'wdm-check-migrations-'));
      try {
        fs.cpSync(path.join(REPO_ROOT, 'dist', 'migrations'), dir, { recursive: true });
        const plain = JSON.parse(cli('revision', '-m', 'x', '--autogenerate', '--migrations-dir', dir, '--json').stdout) as { operations: string[]; known_drift_left_out: string[]; file: string };
        fs.rmSync(plain.file); // TypeScript, which this compiled tool would refuse to load for the next one
        expect(plain.operations).to.deep.equal(["Detected removed column 'goals.extra'"]);
        expect(plain.known_drift_left_out.sort()).to.deep.equal(knownDriftOf(backend).sort());
        const all = cli('revision', '-m', 'y', '--autogenerate', '--include-known-drift', '--migrations-dir', dir, '--json');
        expect(all.status, all.stderr).to.equal(0);
        const allJson = JSON.parse(all.stdout) as { operations: string[]; known_drift_left_out: string[] };
        expect(allJson.operations.length).to.equal(knownDriftOf(backend).length + 1);
        expect(allJson.known_drift_left_out).to.deep.equal([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }

      sqlQuery(fresh.db.url, 'ALTER TABLE goals DROP COLUMN extra');
      sqlQuery(fresh.db.url, ADD_CREATED_AT[backend]);
      const stale = cli('check');
      expect(stale.status, stale.stderr).to.equal(3);
      expect(stale.stdout.trim().split('\n')).to.deep.equal([
        'No changes detected',
        'Stale known drift, which no longer differs: remove it from entities/known-drift.ts:',
        "  Detected added column 'apscheduler_jobs.created_at'",
      ]);
      const staleJson = JSON.parse(cli('check', '--json').stdout) as CheckJson;
      expect(staleJson.up_to_date).to.equal(false);
      expect(staleJson.stale.map((e) => e.operation)).to.deep.equal(["Detected added column 'apscheduler_jobs.created_at'"]);
    });

    it('refuses a database that is not at head (an error, exit 1, not 3); revision --autogenerate writes nothing then', () => {
      expect(cli('upgrade', '--revision', '609bec748f2a').status).to.equal(0);
      const r = cli('check');
      expect(r.status).to.equal(1);
      expect(r.stderr.trim()).to.match(
        /^watcher-db-manage: error: Target database is not up to date: it is at 609bec748f2a, the head is \w+; run 'upgrade' first$/,
      );
      const migrations = path.join(REPO_ROOT, 'migrations');
      const before = fs.readdirSync(migrations).sort();
      const rev = cli('revision', '-m', 'x', '--autogenerate');
      expect(rev.status).to.equal(1);
      expect(rev.stderr).to.match(/database is not up to date/);
      expect(fs.readdirSync(migrations).sort()).to.deep.equal(before);
    });

    it('on a database at an id this tool does not know, names a command that works there (not upgrade, which refuses it too)', () => {
      expect(cli('upgrade').status).to.equal(0);
      sqlQuery(fresh.db.url, "UPDATE alembic_version SET version_num = 'abcdef123456';");
      const expected =
        "watcher-db-manage: error: The database is at revision 'abcdef123456', which is not in this tool's revision chain (made by a newer Watcher?); " +
        "nothing was changed: use the tool that made it, or 'stamp --purge REVISION' once the schema is known to match REVISION";
      for (const args of [['check'], ['upgrade'], ['revision', '-m', 'x', '--autogenerate']]) {
        const r = cli(...args);
        expect(r.status, args.join(' ')).to.equal(1);
        expect(r.stderr.trim(), args.join(' ')).to.equal(expected);
      }
      // The hint works: stamped back, check runs.
      expect(cli('stamp', '--purge', 'head').status).to.equal(0);
      expect(cli('check').status).to.equal(0);
    });
  });
}
