// The revision chain, revision by revision, against the Python reference:
// - PostgreSQL and MySQL: after `upgrade --revision R` from an empty database, for every R, our schema is
//   the reference's; at head it is also the stored reference dump; downgrading one revision at a time
//   gives back every schema the upgrade went through, down to base (the reference's base).
// - SQLite, where the reference's upgrade fails at d098df6021e2: our upgrade reaches head with the
//   reference's columns, keys and constraints, keeps the rows, and downgrades to base.
// - a86240e89a29 really names the audits (the reference's does not: its filter is not SQL).
import { expect } from 'chai';
import { Backend, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { coreApi, runCli } from './support/cli';
import { freshDatabaseEachTest, freshDatabaseForAllTests } from './support/fresh-database';
import { ReferenceSession } from './support/reference-session';
import { sqliteStructure } from './support/sqlite-structure';
import { dumpSchema, referenceDump } from './support/schema-dump';
import { seedWatcherRows, snapshotRows, storedRevision, watcherTables } from './support/watcher-rows';

/** The revision ids, oldest first, as our `history` lists them (`<parent> -> <id>[ (head)], <message>`). */
function chainIds(): string[] {
  const r = runCli(['history']);
  if (r.status !== 0) throw new Error(`history failed: ${r.stderr}`);
  const ids = r.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^(\S+) -> (\w+)/.exec(line);
      if (!m) throw new Error(`unexpected history line: ${line}`);
      return m[2];
    });
  return ids.reverse();
}

/** What differs between two normalised dumps, line by line, for a readable failure. */
function dumpDiff(ours: string, theirs: string): string {
  const count = (text: string) => {
    const m = new Map<string, number>();
    for (const l of text.split('\n')) m.set(l, (m.get(l) ?? 0) + 1);
    return m;
  };
  const a = count(ours);
  const b = count(theirs);
  const only = (x: Map<string, number>, y: Map<string, number>) =>
    [...x].filter(([l, n]) => n > (y.get(l) ?? 0)).map(([l]) => l);
  return [...only(a, b).map((l) => `  ours only: ${l}`), ...only(b, a).map((l) => `  reference only: ${l}`)].join('\n');
}

function ok(r: { status: number; stdout: string; stderr: string }, what: string): void {
  expect(r.status, `${what} failed:\n${r.stderr}\n${r.stdout.slice(-2000)}`).to.equal(0);
}

const IDS = chainIds();

/**
 * Our upgrade and downgrade, called in this process through the package's core API: the walks below
 * take 24 steps per backend, and what they compare is the schema the revisions build, not the CLI
 * (run below and in most other files).
 */
const core = {
  async upgrade(url: string, revision: string): Promise<void> {
    const { loadChain, upgrade, withSession } = coreApi();
    await withSession(url, {}, (session) => upgrade(session, loadChain(), revision));
  },
  async downgrade(url: string, revision: string): Promise<void> {
    const { loadChain, downgrade, withSession } = coreApi();
    await withSession(url, {}, (session) => downgrade(session, loadChain(), revision));
  },
};
const HEAD = IDS[IDS.length - 1];

for (const backend of ['postgresql', 'mysql'] as const) {
  describe(`migrations parity with the reference on ${backend}`, function () {
    let ours: TempDatabase;
    let ref: TempDatabase;
    /** one reference process for every step on `ref` */
    let reference: ReferenceSession;
    /** our schema after `upgrade --revision R`, by R */
    const upgradeDumps = new Map<string, string>();

    before(async () => {
      ours = await createTempDatabase(backend);
      ref = await createTempDatabase(backend);
      reference = ReferenceSession.start(ref.url);
    });
    after(async () => {
      await reference?.stop();
      await ours?.drop();
      await ref?.drop();
    });

    it('upgrading one revision at a time gives the reference schema at every revision', async function () {
      this.timeout(15 * 60_000);
      expect(IDS[0]).to.equal('001');
      const mismatches: string[] = [];
      for (const id of IDS) {
        ok(await reference.step('upgrade', id), `reference upgrade --revision ${id}`);
        await core.upgrade(ours.url, id);
        expect(storedRevision(ref.url), 'reference alembic_version').to.equal(id);
        expect(storedRevision(ours.url), 'our alembic_version').to.equal(id);
        const theirs = dumpSchema(ref.url);
        const mine = dumpSchema(ours.url);
        upgradeDumps.set(id, mine);
        if (mine !== theirs) mismatches.push(`${backend} at ${id}:\n${dumpDiff(mine, theirs)}`);
      }
      expect(mismatches, mismatches.join('\n')).to.deep.equal([]);
      expect(upgradeDumps.get(HEAD)).to.equal(referenceDump(`${backend}-upgrade-head.sql`));
    });

    it('downgrading one revision at a time gives back each revision’s schema, down to base', async function () {
      this.timeout(15 * 60_000);
      expect(upgradeDumps.size, 'the upgrade test must have run first').to.equal(IDS.length);
      // The reference's base: its own database, downgraded from head.
      ok(await reference.step('downgrade', 'base'), 'reference downgrade to base');
      const referenceBase = dumpSchema(ref.url);
      expect(watcherTables(ref.url)).to.deep.equal([]);

      const mismatches: string[] = [];
      for (let i = IDS.length - 1; i >= 0; i--) {
        await core.downgrade(ours.url, '-1');
        const target = i > 0 ? IDS[i - 1] : 'base';
        expect(storedRevision(ours.url), `alembic_version after downgrading from ${IDS[i]}`).to.equal(i > 0 ? target : '');
        const expected = i > 0 ? upgradeDumps.get(target)! : referenceBase;
        const mine = dumpSchema(ours.url);
        if (mine !== expected) mismatches.push(`${backend} downgraded to ${target}:\n${dumpDiff(mine, expected)}`);
      }
      expect(mismatches, mismatches.join('\n')).to.deep.equal([]);
      expect(watcherTables(ours.url)).to.deep.equal([]);
      expect(sqlQuery(ours.url, 'SELECT count(*) FROM alembic_version;').trim()).to.equal('0');
    });
  });
}

// ---- SQLite -------------------------------------------------------------------------------------------

/** Table -> [column, NOT NULL?] of a normalised PostgreSQL dump (the reference's, at head). */
function pgColumns(dump: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const stmt of dump.split(/;\n|;$/)) {
    const m = /^CREATE TABLE public\.(\w+) \(\n([\s\S]*)\n\)$/.exec(stmt);
    if (!m) continue;
    out[m[1]] = m[2].split(',\n').map((c) => {
      const t = c.trim();
      return `${t.split(' ')[0]} ${/ NOT NULL/.test(t) ? 'NOT NULL' : 'NULL'}`;
    });
  }
  return out;
}

/** Unique constraints, foreign keys and indexes of a normalised PostgreSQL dump, backend-neutral. */
function pgKeys(dump: string): string[] {
  const keys: string[] = [];
  for (const m of dump.matchAll(/ALTER TABLE ONLY public\.(\w+) ADD CONSTRAINT (\w+) UNIQUE\(([^)]*)\)/g)) {
    keys.push(`unique ${m[1]}.${m[2]}(${m[3]})`);
  }
  for (const m of dump.matchAll(/ALTER TABLE ONLY public\.(\w+) ADD CONSTRAINT \w+ FOREIGN KEY\((\w+)\) REFERENCES public\.(\w+)\((\w+)\)/g)) {
    keys.push(`fk ${m[1]}.${m[2]} -> ${m[3]}.${m[4]}`);
  }
  for (const m of dump.matchAll(/CREATE INDEX (\w+) ON public\.(\w+) USING btree\(([^)]*)\)/g)) {
    keys.push(`index ${m[2]}.${m[1]}(${m[3]})`);
  }
  return keys.sort();
}

function sqliteRows(url: string, sql: string): string[][] {
  return sqlQuery(url, sql)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('|'));
}

/** Table -> [column, NOT NULL?] of a SQLite database, including alembic_version. */
function sqliteColumns(url: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const table of [...watcherTables(url), 'alembic_version']) {
    out[table] = sqliteRows(url, `SELECT name, "notnull" FROM pragma_table_info('${table}') ORDER BY cid;`).map(
      ([name, notnull]) => `${name} ${notnull === '1' ? 'NOT NULL' : 'NULL'}`,
    );
  }
  return out;
}

/** Named unique constraints, foreign keys and named indexes of a SQLite database, as pgKeys writes them. */
function sqliteKeys(url: string): string[] {
  const keys: string[] = [];
  for (const [table, sql] of sqliteRows(url, "SELECT name, replace(replace(sql, char(10), ' '), '|', ' ') FROM sqlite_master WHERE type = 'table';")) {
    for (const m of sql.matchAll(/CONSTRAINT "?(\w+)"? UNIQUE \(([^)]*)\)/g)) {
      keys.push(`unique ${table}.${m[1]}(${m[2].split(',').map((c) => c.trim().replace(/"/g, '')).join(', ')})`);
    }
    for (const [, , refTable, from, to] of sqliteRows(url, `SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list('${table}');`)) {
      keys.push(`fk ${table}.${from} -> ${refTable}.${to}`);
    }
  }
  for (const [name, table] of sqliteRows(url, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL;")) {
    const cols = sqliteRows(url, `SELECT name FROM pragma_index_info('${name}') ORDER BY seqno;`).map(([c]) => c);
    keys.push(`index ${table}.${name}(${cols.join(', ')})`);
  }
  return keys.sort();
}

/** Every unique index SQLite enforces (constraint-made ones included), as `table(columns)`. */
function sqliteUniqueIndexes(url: string): string[] {
  const out: string[] = [];
  for (const table of watcherTables(url)) {
    for (const [, name, unique] of sqliteRows(url, `SELECT seq, name, "unique" FROM pragma_index_list('${table}');`)) {
      if (unique !== '1') continue;
      const cols = sqliteRows(url, `SELECT name FROM pragma_index_info('${name}') ORDER BY seqno;`).map(([c]) => c);
      out.push(`${table}(${cols.join(', ')})`);
    }
  }
  return out.sort();
}

describe('migrations on sqlite (where the reference fails at d098df6021e2)', function () {
  const fresh = freshDatabaseEachTest('sqlite');
  const { cli } = fresh;

  // Our revisions build SQLite tables through TypeORM's createTable, which writes the CREATE TABLE
  // text in its own style (quoted names, inline PRIMARY KEY, named foreign keys) where SQLAlchemy
  // writes its own; the structure is what must match: columns, types, NOT NULL, keys and indexes.
  // (Making the text identical too is open work, noted on the issue.)
  it('gives the reference’s schema at 001 and 0f6042416884, the revisions the reference can reach', async function () {
    this.timeout(5 * 60_000);
    const ref = await createTempDatabase('sqlite');
    const reference = ReferenceSession.start(ref.url);
    try {
      for (const id of IDS.slice(0, IDS.indexOf('0f6042416884') + 1)) {
        ok(await reference.step('upgrade', id), `reference upgrade --revision ${id}`);
        ok(cli('upgrade', '--revision', id), `our upgrade --revision ${id}`);
        expect(storedRevision(fresh.db.url)).to.equal(id);
        expect(sqliteStructure(fresh.db.url), `sqlite at ${id}`).to.deep.equal(sqliteStructure(ref.url));
      }
    } finally {
      await reference.stop();
      await ref.drop();
    }
  });

  it('upgrades an empty database to head with the reference’s columns, nullability, keys and indexes', function () {
    this.timeout(5 * 60_000);
    ok(cli('upgrade'), 'upgrade');
    expect(storedRevision(fresh.db.url)).to.equal(HEAD);
    // The reference cannot build this on SQLite, so its PostgreSQL upgrade dump is the yardstick for
    // everything that is not a type: column names and order, NOT NULL, unique constraints (by name),
    // foreign keys and indexes. (SQLite names neither primary nor foreign keys.)
    const pg = referenceDump('postgresql-upgrade-head.sql');
    expect(sqliteColumns(fresh.db.url)).to.deep.equal(pgColumns(pg));
    expect(sqliteKeys(fresh.db.url)).to.deep.equal(pgKeys(pg));
  });

  it('upgrades a database with rows from 0f6042416884 to head keeping every row, key and index, then downgrades to base', function () {
    this.timeout(5 * 60_000);
    ok(cli('upgrade', '--revision', '0f6042416884'), 'upgrade --revision 0f6042416884');
    seedWatcherRows(fresh.db.url);
    const before = snapshotRows(fresh.db.url);
    // The seed reached every table it is meant to (the audit with its integer interval among them).
    for (const t of ['goals', 'strategies', 'audits', 'action_plans', 'actions', 'efficacy_indicators', 'services', 'apscheduler_jobs']) {
      expect(before.rows[t], t).to.not.equal('');
    }
    expect(sqlQuery(fresh.db.url, 'SELECT typeof("interval"), "interval", created_at FROM audits;').trim()).to.equal('integer|3600|2023-05-06 07:08:09');
    expect(before.rows.apscheduler_jobs).to.include('|00ff10|');
    const uniquesBefore = sqliteUniqueIndexes(fresh.db.url);
    const keysBefore = sqliteKeys(fresh.db.url);

    ok(cli('upgrade'), 'upgrade to head');
    expect(storedRevision(fresh.db.url)).to.equal(HEAD);
    expect(snapshotRows(fresh.db.url, before.columns).rows).to.deep.equal(before.rows);
    expect(sqlQuery(fresh.db.url, 'PRAGMA foreign_key_check;').trim()).to.equal('');
    expect(sqlQuery(fresh.db.url, 'PRAGMA integrity_check;').trim()).to.equal('ok');
    // Nothing the audits rebuild (d098df6021e2) touched was lost: unique constraints, foreign keys,
    // ix_apscheduler_jobs_next_run_time; head only adds (uniq_action_description0action_type).
    const uniquesAfter = sqliteUniqueIndexes(fresh.db.url);
    for (const u of uniquesBefore) expect(uniquesAfter, u).to.include(u);
    const keysAfter = sqliteKeys(fresh.db.url);
    for (const k of keysBefore) expect(keysAfter, k).to.include(k);
    expect(keysAfter).to.include('index apscheduler_jobs.ix_apscheduler_jobs_next_run_time(next_run_time)');
    expect(keysAfter).to.include('unique audits.uniq_audits0uuid(uuid)');
    // ... and still enforced.
    expect(() =>
      sqlQuery(fresh.db.url, "INSERT INTO audits (uuid, goal_id, auto_trigger) VALUES ('dddddddd-0000-4000-8000-000000000001', 1, 0);"),
    ).to.throw(/UNIQUE constraint failed: audits\.uuid/);

    ok(cli('downgrade', '--revision', 'base', '--yes'), 'downgrade to base (the rows go with the tables)');
    expect(watcherTables(fresh.db.url)).to.deep.equal([]);
    expect(sqlQuery(fresh.db.url, "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\';").trim()).to.equal('table|alembic_version');
    expect(sqlQuery(fresh.db.url, 'SELECT count(*) FROM alembic_version;').trim()).to.equal('0');
  });
});

// ---- a86240e89a29: audit names ------------------------------------------------------------------------

/** Python's str(datetime) of a timestamp as the client printed it: `.ffffff` only when not zero. */
function pythonDatetimeText(printed: string): string {
  const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/.exec(printed.trim());
  if (!m) throw new Error(`unexpected timestamp: ${printed}`);
  const micro = (m[2] ?? '').padEnd(6, '0');
  return /^0+$/.test(micro) ? m[1] : `${m[1]}.${micro}`;
}

for (const backend of ['sqlite', 'postgresql', 'mysql'] as Backend[]) {
  describe(`a86240e89a29 names unnamed audits on ${backend}`, function () {
    const fresh = freshDatabaseForAllTests(backend);
    const { cli } = fresh;

    it('gives each audit without a name `<strategy or goal name>-<created_at>` and leaves named ones alone', function () {
      this.timeout(5 * 60_000);
      ok(cli('upgrade', '--revision', '3cfc94cecf4e'), 'upgrade --revision 3cfc94cecf4e');
      // Timestamps are written as SQLAlchemy writes them on SQLite (always six fraction digits). MySQL's
      // DATETIME keeps no fraction, so there the expected names are derived from what it stored.
      const audits: Array<{ id: number; strategy: number | null; created: string; name: string | null }> = [
        { id: 1, strategy: 1, created: '2021-03-04 05:06:07.000000', name: null },
        { id: 2, strategy: null, created: '2021-03-04 05:06:08.000000', name: null },
        { id: 3, strategy: 1, created: '2021-03-04 05:06:09.123456', name: null },
        { id: 4, strategy: 1, created: '2021-03-04 05:06:10.500000', name: null },
        { id: 5, strategy: 1, created: '2021-03-04 05:06:11.000000', name: 'my-named-audit' },
      ];
      const sql = [
        "INSERT INTO goals (id, deleted, name, display_name, efficacy_specification) VALUES (1, 0, 'goal_one', 'Goal one', '[]');",
        "INSERT INTO strategies (id, deleted, name, display_name, goal_id) VALUES (1, 0, 'strategy_one', 'Strategy one', 1);",
        ...audits.map(
          (a) =>
            `INSERT INTO audits (id, deleted, uuid, goal_id, strategy_id, auto_trigger, created_at, name) VALUES ` +
            `(${a.id}, 0, 'audit-${a.id}', 1, ${a.strategy ?? 'NULL'}, '0', '${a.created}', ${a.name === null ? 'NULL' : `'${a.name}'`});`,
        ),
      ];
      sqlQuery(fresh.db.url, sql.join('\n'));
      const sep = backend === 'mysql' ? '\t' : '|';
      const stored = new Map(
        sqlQuery(fresh.db.url, 'SELECT id, created_at FROM audits ORDER BY id;')
          .trim()
          .split('\n')
          .map((l) => l.split(sep) as [string, string]),
      );
      if (backend !== 'mysql') expect(stored.get('3')).to.match(/\.123456$/); // the microseconds case is real here

      ok(cli('upgrade', '--revision', 'a86240e89a29'), 'upgrade --revision a86240e89a29');
      const names = new Map(
        sqlQuery(fresh.db.url, 'SELECT id, name FROM audits ORDER BY id;')
          .trim()
          .split('\n')
          .map((l) => l.split(sep) as [string, string]),
      );
      // The reference's own a86240e89a29 leaves every name NULL (its known bug); ours must name them.
      for (const a of audits) {
        const owner = a.strategy === null ? 'goal_one' : 'strategy_one';
        const expected = a.name ?? `${owner}-${pythonDatetimeText(stored.get(String(a.id))!)}`;
        expect(names.get(String(a.id)), `audit ${a.id}`).to.equal(expected);
      }
      expect(storedRevision(fresh.db.url)).to.equal('a86240e89a29');
    });
  });
}
