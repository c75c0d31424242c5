// Autogenerate against a database the Python reference upgraded to head (PostgreSQL, MySQL; its upgrade
// fails on SQLite): we report the drift between Watcher's models and its chain that the reference's own
// `revision --autogenerate` reports, plus the type difference it misses (audits.interval is still an
// integer on PostgreSQL). Against a database the reference built with create_schema, on every
// backend, we find nothing: its types, keys and MySQL's foreign-key indexes are not drift.
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { diffDatabase } from '../src/api/autogenerate';
import { withSession } from '../src/connection/session';
import { loadChain } from '../src/script/load';
import { BACKENDS, createTempDatabase, TempDatabase } from './support/backends';
import { runReference } from './support/reference';

/** Runs the reference's autogenerate and returns its "Detected ..." lines; its file is deleted. */
function referenceAutogenerate(url: string): string[] {
  const versions = path.join(process.env.WDM_TEST_REFERENCE_DIR as string, 'watcher', 'db', 'sqlalchemy', 'alembic', 'versions');
  const before = new Set(fs.readdirSync(versions));
  const r = runReference(url, ['revision', '-m', 'drift', '--autogenerate']);
  for (const f of fs.readdirSync(versions)) if (!before.has(f)) fs.rmSync(path.join(versions, f), { force: true });
  expect(r.status, r.stderr).to.equal(0);
  return `${r.stdout}\n${r.stderr}`
    .split('\n')
    .map((l) => /\[alembic\.autogenerate\.compare\] (Detected .*)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);
}

/** One wording for both tools: kind, table, column or key name. */
function key(line: string): string {
  const column = /^Detected added column '(\w+)\.(\w+)'/.exec(line);
  if (column) return `add_column ${column[1]}.${column[2]}`;
  const unique = /^Detected added unique constraint '(\w+)'/.exec(line);
  if (unique) return `add_unique ${unique[1]}`;
  const notNull = /^Detected NOT NULL on column '(\w+)\.(\w+)'/.exec(line);
  if (notNull) return `not_null ${notNull[1]}.${notNull[2]}`;
  const type = /^Detected type change from (\S+) to (\S+) on '(\w+)\.(\w+)'/.exec(line);
  if (type) return `type ${type[3]}.${type[4]}`;
  return `unparsed: ${line}`;
}

for (const backend of ['postgresql', 'mysql'] as const) {
  describe(`autogenerate against the reference's head database on ${backend}`, function () {
    this.timeout(10 * 60_000);
    let db: TempDatabase;
    before(async () => {
      db = await createTempDatabase(backend);
      const r = runReference(db.url, ['upgrade']);
      expect(r.status, r.stderr).to.equal(0);
    });
    after(async () => db?.drop());

    it("reports what the reference's autogenerate reports, plus the type changes it misses", async () => {
      const theirs = referenceAutogenerate(db.url).map(key);
      const ours = (await withSession(db.url, {}, (s) => diffDatabase(s, loadChain()))).map((op) => key(op.describe()));
      expect(theirs).to.have.members([
        'add_column apscheduler_jobs.created_at',
        'add_column apscheduler_jobs.updated_at',
        'add_column apscheduler_jobs.deleted_at',
        'add_column apscheduler_jobs.deleted',
        'add_unique uniq_apscheduler_jobs0id',
        'not_null audits.force',
        'add_unique uniq_audits0name',
      ]);
      const missed = backend === 'postgresql' ? ['type audits.interval'] : [];
      expect(ours).to.have.members([...theirs, ...missed]);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`autogenerate against the reference's create_schema on ${backend}`, function () {
    this.timeout(10 * 60_000);
    let db: TempDatabase;
    before(async () => {
      db = await createTempDatabase(backend);
      const r = runReference(db.url, ['create_schema']);
      expect(r.status, r.stderr).to.equal(0);
    });
    after(async () => db?.drop());

    it('finds no changes: the models are what the reference built', async () => {
      const ops = await withSession(db.url, {}, (s) => diffDatabase(s, loadChain()));
      expect(ops.map((op) => op.describe())).to.deep.equal([]);
    });
  });
}
