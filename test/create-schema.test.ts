import { expect } from 'chai';
import { BACKENDS, Backend, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { runCli, writeConfig } from './support/cli';
import { lastLine, runReference } from './support/reference';
import { dumpSchema, referenceDump } from './support/schema-dump';

const REFERENCE_FILE: Record<Backend, string> = {
  sqlite: 'sqlite-create_schema.sql',
  postgresql: 'postgresql-create_schema.sql',
  mysql: 'mysql-create_schema.sql',
};

for (const backend of BACKENDS) {
  describe(`create_schema on ${backend}`, function () {
    let db: TempDatabase;
    let conf: string;
    beforeEach(async () => {
      db = await createTempDatabase(backend);
      conf = writeConfig(db.url);
    });
    afterEach(async () => db.drop());

    it('builds the same schema as the reference and stamps head', () => {
      const r = runCli(['--config-file', conf, 'create_schema']);
      expect(r.stderr).to.contain('Running stamp_revision  -> f56ba02662b4');
      expect(r.status, r.stderr).to.equal(0);
      expect(dumpSchema(db.url)).to.equal(referenceDump(REFERENCE_FILE[backend]));
      expect(runCli(['--config-file', conf, 'version']).stdout.trim()).to.equal('f56ba02662b4');
    });

    it('gives the reference a database it reads, and reads the reference\'s', () => {
      expect(runCli(['--config-file', conf, 'create_schema']).status).to.equal(0);
      const ref = runReference(db.url, ['version']);
      expect(ref.status, ref.stderr).to.equal(0);
      expect(lastLine(ref.stdout)).to.equal('f56ba02662b4');
    });

    it('refuses a database under version control and changes nothing', () => {
      expect(runCli(['--config-file', conf, 'create_schema']).status).to.equal(0);
      sqlQuery(db.url, "UPDATE alembic_version SET version_num = '609bec748f2a';");
      const before = dumpSchema(db.url);
      const r = runCli(['--config-file', conf, 'create_schema']);
      expect(r.status).to.equal(1);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/already under version control \(at 609bec748f2a\).*upgrade/);
      expect(dumpSchema(db.url)).to.equal(before);
    });

    it('refuses a database that already has Watcher tables without a version', () => {
      sqlQuery(db.url, 'CREATE TABLE goals (id INTEGER PRIMARY KEY);');
      const before = dumpSchema(db.url);
      const r = runCli(['--config-file', conf, 'create_schema']);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/already has Watcher tables \(goals\)/);
      expect(dumpSchema(db.url)).to.equal(before);
    });
  });
}

describe('create_schema interoperability', function () {
  for (const backend of BACKENDS) {
    it(`reads the version of a database the reference created on ${backend}`, async () => {
      const db = await createTempDatabase(backend);
      try {
        const ref = runReference(db.url, ['create_schema']);
        expect(ref.status, ref.stderr).to.equal(0);
        const r = runCli(['--config-file', writeConfig(db.url), 'version']);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout.trim()).to.equal('f56ba02662b4');
      } finally {
        await db.drop();
      }
    });
  }
});
