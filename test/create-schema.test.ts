import { expect } from 'chai';
import { BACKENDS, Backend, sqlQuery } from './support/backends';
import { configuredDatabase, freshDatabaseEachTest } from './support/fresh-database';
import { runCli } from './support/cli';
import { lastLine, runReference } from './support/reference';
import { dumpSchema, referenceDump } from './support/schema-dump';

const REFERENCE_FILE: Record<Backend, string> = {
  sqlite: 'sqlite-create_schema.sql',
  postgresql: 'postgresql-create_schema.sql',
  mysql: 'mysql-create_schema.sql',
};

for (const backend of BACKENDS) {
  describe(`create_schema on ${backend}`, function () {
    const fresh = freshDatabaseEachTest(backend);
    const { cli } = fresh;

    it('builds the same schema as the reference and stamps head', () => {
      const r = cli('create_schema');
      expect(r.stderr).to.contain('Running stamp_revision  -> f56ba02662b4');
      expect(r.status, r.stderr).to.equal(0);
      expect(dumpSchema(fresh.db.url)).to.equal(referenceDump(REFERENCE_FILE[backend]));
      expect(cli('version').stdout.trim()).to.equal('f56ba02662b4');
    });

    it('gives the reference a database it reads, and reads the reference\'s', () => {
      expect(cli('create_schema').status).to.equal(0);
      const ref = runReference(fresh.db.url, ['version']);
      expect(ref.status, ref.stderr).to.equal(0);
      expect(lastLine(ref.stdout)).to.equal('f56ba02662b4');
    });

    it('refuses a database under version control and changes nothing', () => {
      expect(cli('create_schema').status).to.equal(0);
      sqlQuery(fresh.db.url, "UPDATE alembic_version SET version_num = '609bec748f2a';");
      const before = dumpSchema(fresh.db.url);
      const r = cli('create_schema');
      expect(r.status).to.equal(1);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/already under version control \(at 609bec748f2a\).*upgrade/);
      expect(dumpSchema(fresh.db.url)).to.equal(before);
    });

    it('refuses a database that already has Watcher tables without a version', () => {
      sqlQuery(fresh.db.url, 'CREATE TABLE goals (id INTEGER PRIMARY KEY);');
      const before = dumpSchema(fresh.db.url);
      const r = cli('create_schema');
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/already has Watcher tables \(goals\)/);
      expect(dumpSchema(fresh.db.url)).to.equal(before);
    });
  });
}

describe('create_schema interoperability', function () {
  for (const backend of BACKENDS) {
    it(`reads the version of a database the reference created on ${backend}`, async () => {
      const { db, conf } = await configuredDatabase(backend);
      try {
        const ref = runReference(db.url, ['create_schema']);
        expect(ref.status, ref.stderr).to.equal(0);
        const r = runCli(['--config-file', conf, 'version']);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout.trim()).to.equal('f56ba02662b4');
      } finally {
        await db.drop();
      }
    });
  }
});
