// `check` through the CLI, on every backend: "No changes detected" and exit 0 when the database matches
// the entities (our create_schema), the detected operations and exit 3 when it does not (the chain's
// head, which lacks what the models added later), `--json` as data, and a clear error, exit 1, when
// the database is not at head. `revision --autogenerate` refuses such a database and writes nothing.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { freshDatabaseEachTest } from './support/fresh-database';
import { BACKENDS } from './support/backends';
import { REPO_ROOT } from './support/cli';

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
      expect(JSON.parse(json.stdout)).to.deep.equal({ up_to_date: true, operations: [] });
    });

    it('prints the detected operations and exits 3 when the entities differ; --json gives them as data', () => {
      expect(cli('upgrade').status).to.equal(0);
      const r = cli('check');
      expect(r.status, r.stderr).to.equal(3);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).to.equal('New upgrade operations detected:');
      expect(lines).to.include("  Detected NOT NULL on column 'audits.force'");
      expect(lines).to.include("  Detected added unique constraint 'uniq_audits0name' on audits(name, deleted)");
      expect(lines.length).to.equal(backend === 'postgresql' ? 9 : 8);

      const json = cli('check', '--json');
      expect(json.status, json.stderr).to.equal(3);
      const data = JSON.parse(json.stdout) as { up_to_date: boolean; operations: Record<string, unknown>[] };
      expect(data.up_to_date).to.equal(false);
      expect(data.operations).to.deep.include({
        kind: 'alter_column_nullability',
        table: 'audits',
        column: 'force',
        type: { kind: 'boolean' },
        nullable: false,
        description: "Detected NOT NULL on column 'audits.force'",
      });
      expect(data.operations).to.deep.include({
        kind: 'add_unique',
        table: 'audits',
        unique: { name: 'uniq_audits0name', columns: ['name', 'deleted'] },
        description: "Detected added unique constraint 'uniq_audits0name' on audits(name, deleted)",
      });
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
  });
}
