// A database is handed between the Python reference and our tool in the middle of the revision chain:
// each must carry on from where the other stopped, keeping the rows, and end with the schema it would
// have built alone. On SQLite the reference's upgrade fails at d098df6021e2, so there the hand-over is at
// 0f6042416884, the last revision it can reach.
import { expect } from 'chai';
import { sqlQuery } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { runCli, writeConfig } from './support/cli';
import { lastLine, runReference } from './support/reference';
import { sqliteStructure } from './support/sqlite-structure';
import { dumpSchema, referenceDump } from './support/schema-dump';
import { seedWatcherRows, snapshotRows, storedRevision, watcherTables } from './support/watcher-rows';

const HANDOVER = '609bec748f2a'; // the head of the reference as Debian ships it (9.0.0)
const SQLITE_HANDOVER = '0f6042416884'; // the last revision the reference reaches on SQLite

function ok(r: { status: number; stdout: string; stderr: string }, what: string): void {
  expect(r.status, `${what} failed:\n${r.stderr}\n${r.stdout.slice(-2000)}`).to.equal(0);
}

/** Our head, from our `heads` (`<id> (head)`). */
function ourHead(): string {
  const r = runCli(['heads']);
  ok(r, 'heads');
  const m = /^(\w+)/.exec(r.stdout.trim());
  if (!m) throw new Error(`unexpected heads output: ${r.stdout}`);
  return m[1];
}

const HEAD = ourHead();

for (const backend of ['postgresql', 'mysql'] as const) {
  describe(`interop with the reference on ${backend}`, function () {
    const dbs = tempDatabases('each');

    it(`upgrades to head a database with rows that the reference upgraded to ${HANDOVER}`, async function () {
      this.timeout(10 * 60_000);
      const db = await dbs.empty(backend);
      ok(runReference(db.url, ['upgrade', '--revision', HANDOVER]), `reference upgrade --revision ${HANDOVER}`);
      expect(storedRevision(db.url)).to.equal(HANDOVER);
      seedWatcherRows(db.url);
      const before = snapshotRows(db.url);
      for (const t of ['goals', 'strategies', 'audits', 'action_plans', 'actions', 'efficacy_indicators']) {
        expect(before.rows[t], t).to.not.equal('');
      }

      ok(runCli(['--config-file', writeConfig(db.url), 'upgrade']), 'our upgrade to head');
      expect(storedRevision(db.url)).to.equal(HEAD);
      expect(snapshotRows(db.url, before.columns).rows).to.deep.equal(before.rows);

      // The schema is the one our tool builds from an empty database.
      const fresh = await dbs.empty(backend);
      ok(runCli(['--config-file', writeConfig(fresh.url), 'upgrade']), 'our upgrade of an empty database');
      expect(dumpSchema(db.url)).to.equal(dumpSchema(fresh.url));
    });

    it(`hands a database it upgraded to ${HANDOVER} to the reference, which reads, upgrades and downgrades it`, async function () {
      this.timeout(10 * 60_000);
      const { db, conf } = await dbs.configured(backend);
      ok(runCli(['--config-file', conf, 'upgrade', '--revision', HANDOVER]), `our upgrade --revision ${HANDOVER}`);
      const atHandover = dumpSchema(db.url);
      seedWatcherRows(db.url);
      const before = snapshotRows(db.url);

      const version = runReference(db.url, ['version']);
      ok(version, 'reference version');
      expect(lastLine(version.stdout)).to.equal(HANDOVER);

      ok(runReference(db.url, ['upgrade']), 'reference upgrade to head');
      expect(storedRevision(db.url)).to.equal(HEAD);
      expect(dumpSchema(db.url)).to.equal(referenceDump(`${backend}-upgrade-head.sql`));
      expect(snapshotRows(db.url, before.columns).rows).to.deep.equal(before.rows);

      // The overlay's three revisions above 609bec748f2a (15f7375ca737, 7150a7d8f228, f56ba02662b4)
      // have downgrades (drop_column), so the reference can come all the way back.
      ok(runReference(db.url, ['downgrade', '--revision', HANDOVER]), `reference downgrade --revision ${HANDOVER}`);
      expect(storedRevision(db.url)).to.equal(HANDOVER);
      expect(dumpSchema(db.url)).to.equal(atHandover);
      expect(snapshotRows(db.url, before.columns).rows).to.deep.equal(before.rows);
      const ours = runCli(['--config-file', conf, 'version']);
      ok(ours, 'our version');
      expect(ours.stdout.trim()).to.equal(HANDOVER);
    });
  });
}

/** `table.constraint` for every named UNIQUE constraint in a SQLite database's CREATE TABLE texts. */
function namedUniqueConstraints(url: string): string[] {
  const out: string[] = [];
  const rows = sqlQuery(url, "SELECT name || '|' || replace(sql, char(10), ' ') FROM sqlite_master WHERE type = 'table';");
  for (const line of rows.split('\n').filter((l) => l !== '')) {
    const [table, sql] = [line.slice(0, line.indexOf('|')), line.slice(line.indexOf('|') + 1)];
    for (const m of sql.matchAll(/CONSTRAINT "?(\w+)"? UNIQUE/g)) out.push(`${table}.${m[1]}`);
  }
  return out.sort();
}

describe(`interop with the reference on sqlite (hand-over at ${SQLITE_HANDOVER})`, function () {
  const dbs = tempDatabases('each');

  it(`upgrades to head a database with rows that the reference upgraded to ${SQLITE_HANDOVER}`, async function () {
    this.timeout(10 * 60_000);
    const db = await dbs.empty('sqlite');
    ok(runReference(db.url, ['upgrade', '--revision', SQLITE_HANDOVER]), `reference upgrade --revision ${SQLITE_HANDOVER}`);
    expect(storedRevision(db.url)).to.equal(SQLITE_HANDOVER);
    seedWatcherRows(db.url);
    const before = snapshotRows(db.url);
    for (const t of ['goals', 'strategies', 'audits', 'action_plans', 'actions', 'efficacy_indicators', 'services', 'apscheduler_jobs']) {
      expect(before.rows[t], t).to.not.equal('');
    }
    const uniquesBefore = namedUniqueConstraints(db.url);
    expect(uniquesBefore).to.include('audits.uniq_audits0uuid');

    ok(runCli(['--config-file', writeConfig(db.url), 'upgrade']), 'our upgrade to head');
    expect(storedRevision(db.url)).to.equal(HEAD);
    expect(snapshotRows(db.url, before.columns).rows).to.deep.equal(before.rows);
    expect(sqlQuery(db.url, 'PRAGMA foreign_key_check;').trim()).to.equal('');
    expect(sqlQuery(db.url, 'PRAGMA integrity_check;').trim()).to.equal('ok');

    // The rebuild of audits in d098df6021e2 must keep the constraint names SQLAlchemy wrote
    // (TypeORM alone reads only double-quoted names and would invent hashed ones).
    expect(namedUniqueConstraints(db.url)).to.include.members(uniquesBefore);

    const fresh = await dbs.empty('sqlite');
    ok(runCli(['--config-file', writeConfig(fresh.url), 'upgrade']), 'our upgrade of an empty database');
    // Same structure as our own upgrade (the CREATE TABLE text style of untouched tables differs:
    // SQLAlchemy's here, TypeORM's there).
    expect(sqliteStructure(db.url)).to.deep.equal(sqliteStructure(fresh.url));
  });

  it(`hands a database it upgraded to ${SQLITE_HANDOVER} to the reference, which reads it and downgrades it to base`, async function () {
    this.timeout(10 * 60_000);
    const { db, conf } = await dbs.configured('sqlite');
    ok(runCli(['--config-file', conf, 'upgrade', '--revision', SQLITE_HANDOVER]), `our upgrade --revision ${SQLITE_HANDOVER}`);
    seedWatcherRows(db.url);

    const version = runReference(db.url, ['version']);
    ok(version, 'reference version');
    expect(lastLine(version.stdout)).to.equal(SQLITE_HANDOVER);

    // The reference cannot go up from here on SQLite (d098df6021e2 fails), but it can go down.
    ok(runReference(db.url, ['downgrade', '--revision', 'base']), 'reference downgrade to base');
    expect(watcherTables(db.url)).to.deep.equal([]);
    expect(sqlQuery(db.url, 'SELECT count(*) FROM alembic_version;').trim()).to.equal('0');
    const ours = runCli(['--config-file', conf, 'version']);
    ok(ours, 'our version');
    expect(ours.stdout.trim()).to.equal('None');
  });
});
