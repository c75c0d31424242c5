// Proves the test harness itself: the reference, run on our throwaway servers and dumped by our helpers,
// must reproduce the reference dumps in ../shared/reference exactly (after normalisation). If this fails,
// later schema comparisons of our own tool mean nothing.
import { expect } from 'chai';
import { readFileSync } from 'fs';
import * as path from 'path';
import { BACKENDS, Backend, createTempDatabase, sqlQuery } from './support/backends';
import { runReference } from './support/reference';
import { REFERENCE_DUMPS_DIR, dumpSchema, normaliseDump, referenceDump } from './support/schema-dump';

const HEAD = 'f56ba02662b4';

// Run the reference command on a fresh database and return its normalised schema dump.
async function referenceSchema(backend: Backend, command: string): Promise<string> {
  const db = await createTempDatabase(backend);
  try {
    const r = runReference(db.url, [command]);
    expect(r.status, `reference ${command} failed:\n${r.stderr}`).to.equal(0);
    expect(sqlQuery(db.url, 'SELECT version_num FROM alembic_version;').trim()).to.equal(HEAD);
    return dumpSchema(db.url);
  } finally {
    await db.drop();
  }
}

describe('reference dumps (test harness)', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: reference create_schema matches ${backend}-create_schema.sql`, async () => {
      expect(await referenceSchema(backend, 'create_schema')).to.equal(referenceDump(`${backend}-create_schema.sql`));
    });
  }

  for (const backend of ['postgresql', 'mysql'] as const) {
    it(`${backend}: reference upgrade to head matches ${backend}-upgrade-head.sql`, async () => {
      expect(await referenceSchema(backend, 'upgrade')).to.equal(referenceDump(`${backend}-upgrade-head.sql`));
    });
  }

  it('sqlite: reference upgrade fails as sqlite-upgrade-reference-failure.txt says', async () => {
    const db = await createTempDatabase('sqlite');
    try {
      const r = runReference(db.url, ['upgrade']);
      expect(r.status).to.not.equal(0);
      const expected = readFileSync(path.join(REFERENCE_DUMPS_DIR, 'sqlite-upgrade-reference-failure.txt'), 'utf8');
      for (const line of expected.trim().split('\n')) expect(r.stderr).to.include(line);
    } finally {
      await db.drop();
    }
  });

  it('normalisation ignores layout, quoting and statement order only', () => {
    const a = 'CREATE TABLE "t"(\n\tx INTEGER NOT NULL, \n\ty VARCHAR(3) DEFAULT \'a  b\'\n);\nCREATE INDEX i ON t (x);\n';
    const b = 'CREATE INDEX i ON t(x);\nCREATE TABLE t (x INTEGER  NOT NULL,y VARCHAR(3) DEFAULT \'a  b\');';
    expect(normaliseDump('sqlite', a)).to.equal(normaliseDump('sqlite', b));
    expect(normaliseDump('sqlite', a)).to.not.equal(normaliseDump('sqlite', a.replace("'a  b'", "'a b'"))); // literal
    expect(normaliseDump('sqlite', a)).to.not.equal(normaliseDump('sqlite', a.replace('INTEGER', 'integer'))); // case
    expect(normaliseDump('sqlite', a)).to.not.equal(normaliseDump('sqlite', a.replace('x INTEGER NOT NULL, ', 'x INTEGER, '))); // nullability
    const ref = readFileSync(path.join(REFERENCE_DUMPS_DIR, 'mysql-upgrade-head.sql'), 'utf8');
    const changed = ref.replace('`force` tinyint(1) DEFAULT NULL', '`force` tinyint(1) NOT NULL');
    expect(changed).to.not.equal(ref);
    expect(normaliseDump('mysql', changed)).to.not.equal(referenceDump('mysql-upgrade-head.sql'));
  });

  it('temporary databases are dropped', async () => {
    const pg = await createTempDatabase('postgresql');
    const my = await createTempDatabase('mysql');
    await pg.drop();
    await my.drop();
    const admin = { postgresql: process.env.WDM_TEST_PG_URL!, mysql: process.env.WDM_TEST_MYSQL_URL! };
    expect(sqlQuery(admin.postgresql, `SELECT count(*) FROM pg_database WHERE datname = '${pg.name}';`).trim()).to.equal('0');
    expect(sqlQuery(admin.mysql, `SELECT count(*) FROM information_schema.schemata WHERE schema_name = '${my.name}';`).trim()).to.equal('0');
  });

  describe('without the servers of run-with-servers.js', () => {
    const saved: Record<string, string | undefined> = {};
    const names = ['WDM_TEST_PG_URL', 'WDM_TEST_MYSQL_URL', 'WDM_TEST_REFERENCE_DIR'];
    beforeEach(() => names.forEach((n) => ((saved[n] = process.env[n]), delete process.env[n])));
    afterEach(() => names.forEach((n) => (saved[n] === undefined ? delete process.env[n] : (process.env[n] = saved[n]))));

    for (const backend of ['postgresql', 'mysql'] as const) {
      it(`createTempDatabase('${backend}') fails loudly instead of skipping`, async () => {
        let error: unknown;
        await createTempDatabase(backend).catch((e) => (error = e));
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.match(/WDM_TEST_(PG|MYSQL)_URL is not set: run the tests via `npm test`/);
      });
    }

    it('runReference fails loudly', () => {
      expect(() => runReference('sqlite:////nonexistent', ['version'])).to.throw(/WDM_TEST_REFERENCE_DIR is not set/);
    });
  });
});
