// revision --autogenerate, in process on every backend (mocha runs under ts-node, so the generated .ts
// revisions load from a temporary directory):
// - refused, writing nothing, when the database is not at head;
// - the drift between Watcher's models and its chain, then a round trip with changed entities (a new
//   table, column, index, foreign key, NOT NULL, a wider varchar): autogenerate, upgrade, and
//   autogenerate again finds nothing; downgrade gives back the schema exactly; the files compile;
// - the same revisions offline (`--sql`) give the schema the online run gives.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { autogenerateRevision, diffDatabase } from '../src/api/autogenerate';
import { downgrade, migrationScript, upgrade } from '../src/api/migrate';
import { openSession, Session } from '../src/connection/session';
import { RevisionChain } from '../src/script/chain';
import { loadRevisions } from '../src/script/load';
import { CHANGED_ENTITIES } from './fixtures/autogenerate-entities';
import { BACKENDS, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { typecheck } from './support/typecheck';
import { dumpSchema } from './support/schema-dump';

const SHIPPED = loadRevisions();
const SHIPPED_HEAD = new RevisionChain(SHIPPED).head().id;

/** What the models have that the chain does not build (see the spec), as our autogenerate words it. */
function expectedDrift(backend: string): string[] {
  return [
    "Detected added column 'apscheduler_jobs.created_at'",
    "Detected added column 'apscheduler_jobs.updated_at'",
    "Detected added column 'apscheduler_jobs.deleted_at'",
    "Detected added column 'apscheduler_jobs.deleted'",
    // Only PostgreSQL kept audits.interval an integer (d098df6021e2 only dropped NOT NULL there).
    ...(backend === 'postgresql' ? ["Detected type change from Integer to String(36) on 'audits.interval'"] : []),
    "Detected NOT NULL on column 'audits.force'",
    "Detected added unique constraint 'uniq_audits0name' on audits(name, deleted)",
    "Detected added unique constraint 'uniq_apscheduler_jobs0id' on apscheduler_jobs(id)",
  ];
}

const CHANGES = [
  "Detected added table 'scoring_engine_tags'",
  "Detected added column 'scoring_engines.rank'",
  "Detected added column 'scoring_engines.service_id'",
  "Detected type change from String(63) to String(127) on 'scoring_engines.name'",
  "Detected NOT NULL on column 'scoring_engines.description'",
  "Detected added index 'ix_scoring_engines_rank' on scoring_engines(rank)",
  'Detected added foreign key scoring_engines(service_id) -> services(id)',
];

for (const backend of BACKENDS) {
  describe(`revision --autogenerate on ${backend}`, function () {
    this.timeout(10 * 60_000);
    let db: TempDatabase;
    let session: Session;
    let dir: string;
    const chain = () => new RevisionChain([...SHIPPED, ...loadRevisions(dir)]);
    const written: { baseline?: string; changes?: string; baselineFile?: string; changesFile?: string } = {};
    const dumps: { shippedHead?: string; baseline?: string; changes?: string } = {};

    before(async () => {
      db = await createTempDatabase(backend);
      session = await openSession(db.url);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-autogen-'));
    });
    after(async () => {
      await session?.close();
      await db?.drop();
    });

    it('refuses a database that is not at head and writes nothing', async () => {
      await upgrade(session, chain(), 'd098df6021e2');
      let error: Error | undefined;
      await autogenerateRevision(session, chain(), { message: 'x', migrationsDir: dir }).catch((e: Error) => (error = e));
      expect(error?.message).to.match(/database is not up to date/);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it("finds the drift between Watcher's models and its revision chain, and nothing once it is applied", async () => {
      await upgrade(session, chain());
      dumps.shippedHead = dumpSchema(db.url);
      const result = await autogenerateRevision(session, chain(), { message: 'models drift', migrationsDir: dir, includeKnownDrift: true });
      expect(result.parent).to.equal(SHIPPED_HEAD);
      expect(result.operations.map((op) => op.describe())).to.deep.equal(expectedDrift(backend));
      written.baseline = result.id;
      written.baselineFile = result.file;
      await upgrade(session, chain());
      expect((await diffDatabase(session, chain())).map((op) => op.describe())).to.deep.equal([]);
      dumps.baseline = dumpSchema(db.url);
    });

    it('round trip: changed entities, autogenerate, upgrade, autogenerate finds nothing, downgrade restores the schema', async () => {
      const result = await autogenerateRevision(session, chain(), { message: 'scoring engine changes', migrationsDir: dir, entities: CHANGED_ENTITIES });
      expect(result.parent).to.equal(written.baseline);
      expect(result.operations.map((op) => op.describe())).to.deep.equal(CHANGES);
      written.changes = result.id;
      written.changesFile = result.file;
      const text = fs.readFileSync(result.file, 'utf8');
      // One comment line saying what was detected before each operation, in both directions.
      expect(text).to.contain("    // Detected added foreign key scoring_engines(service_id) -> services(id)\n    await addForeignKey(db, 'scoring_engines', { columns: ['service_id'], references: ['services.id'] });");
      expect(text).to.contain("    // Undo: added table 'scoring_engine_tags'\n    await dropTable(db, 'scoring_engine_tags');");

      await upgrade(session, chain());
      expect((await diffDatabase(session, chain(), { entities: CHANGED_ENTITIES })).map((op) => op.describe())).to.deep.equal([]);
      dumps.changes = dumpSchema(db.url);
      expect(dumps.changes).to.not.equal(dumps.baseline);

      await downgrade(session, chain(), written.baseline);
      expect(dumpSchema(db.url)).to.equal(dumps.baseline);
      await downgrade(session, chain(), SHIPPED_HEAD);
      expect(dumpSchema(db.url)).to.equal(dumps.shippedHead);
      // And up again, through both generated revisions.
      await upgrade(session, chain());
      expect(dumpSchema(db.url)).to.equal(dumps.changes);
    });

    it('the generated revisions compile under the project tsconfig', () => {
      const tsc = typecheck([written.baselineFile as string, written.changesFile as string]);
      expect(tsc.status, tsc.output).to.equal(0);
    });

    it('offline (--sql), the generated revisions give the schema the online run gives, up and down', async () => {
      const other = await createTempDatabase(backend);
      const otherSession = await openSession(other.url);
      try {
        await upgrade(otherSession, chain(), SHIPPED_HEAD);
        await otherSession.close();
        const up = await migrationScript(other.url, chain(), 'upgrade', `${SHIPPED_HEAD}:head`);
        expect(up).to.contain(`-- Running upgrade ${written.baseline} -> ${written.changes}, scoring engine changes`);
        sqlQuery(other.url, up);
        expect(dumpSchema(other.url)).to.equal(dumps.changes);
        sqlQuery(other.url, await migrationScript(other.url, chain(), 'downgrade', `head:${SHIPPED_HEAD}`));
        expect(dumpSchema(other.url)).to.equal(dumps.shippedHead);
      } finally {
        await otherSession.close();
        await other.drop();
      }
    });
  });
}
