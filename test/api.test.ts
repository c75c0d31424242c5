import { expect } from 'chai';
import { BACKENDS, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { coreApi } from './support/cli';

// The package's "main": the core API other programs call, compiled, as npm installs it.

for (const backend of BACKENDS) {
  describe(`programmatic API (package main) on ${backend}`, function () {
    let db: TempDatabase;
    before(async () => {
      db = await createTempDatabase(backend);
    });
    after(async () => db?.drop());

    it('upgrades, reads the version and purges without the CLI, printing nothing', async () => {
      const { withSession, withDriverSession, loadChain, upgrade, currentVersion, purge } = coreApi();
      const chain = loadChain();
      const written: string[] = [];
      const capture = (chunk: unknown) => (written.push(String(chunk)), true);
      const [out, err] = [process.stdout.write, process.stderr.write];
      process.stdout.write = capture as typeof process.stdout.write;
      process.stderr.write = capture as typeof process.stderr.write;
      try {
        const up = await withSession(db.url, {}, (session) => upgrade(session, chain));
        expect(up.from).to.equal(null);
        expect(up.to).to.equal(chain.head().id);
        expect(up.applied).to.have.length(chain.newestFirst().length);
        const version = await withDriverSession(db.url, {}, currentVersion);
        expect(version).to.deep.equal({ revision: chain.head().id, heads: [chain.head().id], underVersionControl: true });
        const purged = await withDriverSession(db.url, {}, (session) => purge(session, { dryRun: true }));
        expect(purged.outcome).to.equal('dry-run');
        expect(purged.counts.total).to.equal(0);
      } finally {
        process.stdout.write = out;
        process.stderr.write = err;
      }
      expect(written.join('')).to.equal('');
      expect(sqlQuery(db.url, 'SELECT version_num FROM alembic_version;').trim()).to.equal(chain.head().id);
    });
  });
}
