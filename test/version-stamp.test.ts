import { expect } from 'chai';
import { freshDatabaseEachTest } from './support/fresh-database';
import { BACKENDS, sqlQuery } from './support/backends';
import { lastLine, runReference } from './support/reference';
import { dumpSchema } from './support/schema-dump';

for (const backend of BACKENDS) {
  describe(`version and stamp on ${backend}`, function () {
    const fresh = freshDatabaseEachTest(backend);
    const { cli } = fresh;
    const stored = () => sqlQuery(fresh.db.url, 'SELECT version_num FROM alembic_version;').trim();

    it('prints None for a database not under version control', () => {
      const r = cli('version');
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('None\n');
    });

    it('prints machine-readable output with --json', () => {
      expect(JSON.parse(cli('version', '--json').stdout)).to.deep.equal({ revision: null, under_version_control: false });
      expect(cli('stamp', 'head').status).to.equal(0);
      expect(JSON.parse(cli('version', '--json').stdout)).to.deep.equal({ revision: 'f56ba02662b4', under_version_control: true });
    });

    it('stamp --purge repairs an alembic_version holding several rows or an unknown id', () => {
      expect(cli('stamp', 'head').status).to.equal(0);
      sqlQuery(fresh.db.url, "INSERT INTO alembic_version (version_num) VALUES ('001');");
      expect(cli('version').status).to.equal(1); // refused: several rows
      const r = cli('stamp', '--purge', '609bec748f2a');
      expect(r.status, r.stderr).to.equal(0);
      expect(stored()).to.equal('609bec748f2a');
      sqlQuery(fresh.db.url, "UPDATE alembic_version SET version_num = 'abcdef123456';");
      expect(cli('stamp', '--purge', 'head').status).to.equal(0);
      expect(stored()).to.equal('f56ba02662b4');
      expect(cli('version').stdout).to.equal('f56ba02662b4\n');
    });

    it('stamps an id, a prefix, head and base without running anything', () => {
      expect(cli('stamp', '609bec748f2a').status).to.equal(0);
      expect(stored()).to.equal('609bec748f2a');
      // Nothing but alembic_version was created.
      expect(dumpSchema(fresh.db.url)).to.not.match(/goals/);
      expect(cli('stamp', '--revision', 'd09a').status).to.equal(0);
      expect(stored()).to.equal('d09a5945e4a0');
      expect(cli('version').stdout.trim()).to.equal('d09a5945e4a0');
      expect(cli('stamp', 'head').status).to.equal(0);
      expect(stored()).to.equal('f56ba02662b4');
      expect(cli('stamp', 'base').status).to.equal(0);
      expect(stored()).to.equal('');
      expect(cli('version').stdout.trim()).to.equal('None');
    });

    it('rejects unknown and ambiguous revisions with one line and changes nothing', () => {
      expect(cli('stamp', '001').status).to.equal(0);
      const before = dumpSchema(fresh.db.url);
      for (const [bad, pattern] of [
        ['nonsense', /No such revision 'nonsense'; known revisions: head, base, /],
        ['d09', /Revision 'd09' is ambiguous; it could be d098df6021e2, d09a5945e4a0/],
      ] as const) {
        const r = cli('stamp', bad);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.match(pattern);
        expect(r.stderr.trim().split('\n')).to.have.length(1);
        expect(stored()).to.equal('001');
      }
      expect(cli('stamp').status).to.equal(2); // no revision given: a usage error
      expect(dumpSchema(fresh.db.url)).to.equal(before);
    });

    it('shares alembic_version with the reference both ways', () => {
      expect(cli('stamp', '4b16194c56bc').status).to.equal(0);
      const ref = runReference(fresh.db.url, ['version']);
      expect(ref.status, ref.stderr).to.equal(0);
      expect(lastLine(ref.stdout)).to.equal('4b16194c56bc');
      const refStamp = runReference(fresh.db.url, ['stamp', '7150a7d8f228']);
      expect(refStamp.status, refStamp.stderr).to.equal(0);
      expect(cli('version').stdout.trim()).to.equal('7150a7d8f228');
    });
  });
}
