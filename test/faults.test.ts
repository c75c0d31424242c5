// Fault injection on every backend: the process killed (SIGKILL) at random SQL statements of upgrade,
// downgrade and purge, then rerun; the server connection dropped in the middle of a revision; SQLite's
// disk filling up during an upgrade; eight upgrades started together. Expectations are never written
// down: they come from an uninterrupted run on an identical database.
//
// The kill points are drawn from a seeded generator; the seed is printed, and WDM_FAULT_SEED=<seed>
// replays a run (WDM_FAULT_KILLS=<n> changes the number of kill points per operation and backend).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backend, BACKENDS, createTempDatabase, sqlitePath, sqlQuery, TempDatabase } from './support/backends';
import { runCli, writeConfig } from './support/cli';
import { ConfiguredDatabase, configuredDatabase } from './support/fresh-database';
import { allRows, dbState, DbState, errorLines, killAtStatement, prng, runCliWith, storedVersion } from './support/faults';
import { datasetSql, makeDataset } from './support/purge-dataset';
import { dumpSchema } from './support/schema-dump';
import { seedWatcherRows } from './support/watcher-rows';

const SEED = Number(process.env.WDM_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const KILLS = Number(process.env.WDM_FAULT_KILLS ?? 2);
const random = prng(SEED);
/** An integer in [lo, hi]. */
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** The line a revision cut between two of its own commits leaves in a PostgreSQL schema dump. */
const PARTIAL_NOTE = /^COMMENT ON TABLE public\.alembic_version IS 'watcher-db-manage: partly applied revision (\w+)';\n/m;
const CHAIN = ['001', '0f6042416884', 'd098df6021e2', 'd09a5945e4a0', '3cfc94cecf4e', 'a86240e89a29', '52804f2498c4', '4b16194c56bc', '609bec748f2a', '15f7375ca737', '7150a7d8f228', 'f56ba02662b4'];

before(() => {
  // Printed, not logged through mocha's title, so that it shows even when a hook fails.
  console.log(`      faults: seed ${SEED} (replay: WDM_FAULT_SEED=${SEED}), ${KILLS} kill point(s) per operation`);
});

function cli(conf: string, ...args: string[]): void {
  const r = runCli(['--config-file', conf, ...args]);
  if (r.status !== 0) throw new Error(`setup step ${args.join(' ')} failed: ${r.stderr}`);
}

/** What the purge runs on: a dataset of every kind, with soft-deleted rows, orphans and efficacy indicators. */
const PURGE_DATA = makeDataset(SEED, { goals: 24, strategiesPerGoal: 2, templatesPerGoal: 2, auditsPerGoal: 4, plansPerAudit: 2, actionsPerPlan: 3, tangle: 0.2, old: 0.3, young: 0.2 });
const NOW = Date.now();

interface Operation {
  name: string;
  /** Brings a fresh database to the operation's starting point. */
  setup(db: TempDatabase, conf: string, backend: Backend): void;
  command: string[];
}

const OPERATIONS: Operation[] = [
  { name: 'upgrade base -> head', setup: () => undefined, command: ['upgrade'] },
  {
    name: 'upgrade 001 -> head, with rows',
    setup: (db, conf) => {
      cli(conf, 'upgrade', '--revision', '001');
      seedWatcherRows(db.url);
    },
    command: ['upgrade'],
  },
  {
    name: 'downgrade head -> 001, with rows',
    setup: (db, conf) => {
      cli(conf, 'upgrade', '--revision', '001');
      seedWatcherRows(db.url);
      cli(conf, 'upgrade');
    },
    command: ['downgrade', '--revision', '001', '--yes'],
  },
  {
    name: 'downgrade head -> base',
    setup: (_db, conf) => cli(conf, 'upgrade'),
    command: ['downgrade', '--revision', 'base'],
  },
  {
    name: 'purge',
    setup: (db, conf, backend) => {
      cli(conf, 'upgrade');
      sqlQuery(db.url, datasetSql(backend, PURGE_DATA, NOW));
    },
    command: ['purge', '--yes'],
  },
];

/** A fresh database (and config) at an operation's starting point. */
async function prepared(backend: Backend, op: Operation): Promise<ConfiguredDatabase> {
  const made = await configuredDatabase(backend);
  op.setup(made.db, made.conf, backend);
  return made;
}

/** Schema dumps of a database brought by plain upgrades to each revision (and base), per backend. */
const schemaAt = new Map<string, string>();
async function schemaAtRevision(backend: Backend, revision: string): Promise<string> {
  const key = `${backend}:${revision}`;
  if (!schemaAt.has(key)) {
    const { db, conf } = await configuredDatabase(backend);
    try {
      // '<none>': never under version control; '': at base.
      if (revision === '') {
        cli(conf, 'upgrade', '--revision', '001');
        cli(conf, 'downgrade', '--revision', 'base');
      } else if (revision !== '<none>') cli(conf, 'upgrade', '--revision', revision);
      schemaAt.set(key, dumpSchema(db.url));
    } finally {
      await db.drop();
    }
  }
  return schemaAt.get(key)!;
}

function expectSameState(actual: DbState, expected: DbState, context: string): void {
  expect(actual.version, `${context}: alembic_version`).to.equal(expected.version);
  expect(actual.schema, `${context}: schema`).to.equal(expected.schema);
  expect(actual.rows, `${context}: rows`).to.deep.equal(expected.rows);
}

for (const backend of BACKENDS) {
  describe(`faults on ${backend}`, function () {
    // Not left to chance: a kill inside the first revision, after some of its tables exist. MySQL
    // keeps them (DDL commits at once) beside an empty alembic_version; the rerun must resume there,
    // not take them for a stranger's tables.
    it('killed inside the first revision, after its first tables: a rerun reaches head', async function () {
      const { db, conf } = await configuredDatabase(backend);
      try {
        const killed = await runCliWith(['--config-file', conf, '--debug', 'upgrade'], {
          onLine(line, _count, child) {
            if (/^DEBUG SQL: CREATE TABLE [`"]?audits[`"]? /.test(line)) child.kill('SIGKILL');
          },
        });
        expect(killed.signal ?? killed.status, killed.stderr).to.not.equal(0);
        const rerun = runCli(['--config-file', conf, 'upgrade']);
        expect(rerun.status, rerun.stderr).to.equal(0);
        expect(storedVersion(db.url)).to.equal(CHAIN[CHAIN.length - 1]);
      } finally {
        await db.drop();
      }
    });

    for (const op of OPERATIONS) {
      it(`${op.name}: killed at ${KILLS} random SQL statements, a rerun completes and equals an uninterrupted run`, async function () {
        // The uninterrupted run: its end state, and how many statements it sends.
        const { db: refDb, conf: refConf } = await prepared(backend, op);
        let reference: DbState;
        let before: DbState;
        let total: number;
        try {
          before = dbState(refDb.url);
          const run = await runCliWith(['--config-file', refConf, '--debug', ...op.command]);
          expect(run.status, run.stderr).to.equal(0);
          total = run.statements.length;
          reference = dbState(refDb.url);
        } finally {
          await refDb.drop();
        }
        expect(total).to.be.greaterThan(5);
        const points = Array.from({ length: KILLS }, () => between(1, total));
        for (const point of points) {
          let n = point;
          let { db, conf } = await prepared(backend, op);
          let killed = await killAtStatement(conf, op.command, n);
          // SQLite runs in the process, without waiting on a server: a quick run can end before the
          // kill lands. Then it is tried again on a fresh copy, killed earlier.
          while (killed.signal !== 'SIGKILL' && n > 1) {
            expect(killed.status, killed.stderr).to.equal(0);
            await db.drop();
            n = Math.ceil(n / 2);
            ({ db, conf } = await prepared(backend, op));
            killed = await killAtStatement(conf, op.command, n);
          }
          const context = `${op.name}, killed at statement ${n} of ${total} (seed ${SEED})`;
          try {
            expect(killed.signal, `${context}: the run was never killed:\n${killed.stderr}`).to.equal('SIGKILL');
            const after = dbState(db.url);
            // Whatever was interrupted, the database is at a revision of the chain (or base).
            expect(['<none>', '', ...CHAIN], `${context}: version after the kill`).to.include(after.version);
            if (op.name === 'purge') {
              // One transaction: all or nothing.
              expect([before.rows, reference.rows], `${context}: rows after the kill`).to.deep.include(after.rows);
            } else if (backend !== 'mysql') {
              // Transactional DDL: no revision is left half done, but for the steps a revision commits
              // on their own (a86240e89a29's batched UPDATEs, PostgreSQL): cut between two of them, it
              // leaves its note on alembic_version (src/runtime/partial-revision.ts), naming itself,
              // for the rerun below to resume. The note is all it changes of the schema.
              const note = PARTIAL_NOTE.exec(after.schema);
              if (note) expect(note[1], `${context}: the partly applied revision's note`).to.equal(CHAIN[CHAIN.indexOf(after.version) + 1]);
              expect(after.schema.replace(PARTIAL_NOTE, ''), `${context}: schema after the kill, at ${after.version || 'base'}`).to.equal(
                await schemaAtRevision(backend, after.version),
              );
            }
            if (backend === 'sqlite') expect(sqlQuery(db.url, 'PRAGMA integrity_check;').trim()).to.equal('ok');
            const rerun = runCli(['--config-file', conf, ...op.command]);
            expect(rerun.status, `${context}: rerun failed: ${rerun.stderr}`).to.equal(0);
            expectSameState(dbState(db.url), reference, context);
          } finally {
            await db.drop();
          }
        }
      });
    }

    it('eight upgrades started together all succeed and run each statement once', async function () {
      // A single run's DDL and data statements, to compare with what eight runs sent together.
      const changes = (statements: string[]) =>
        statements
          .map((s) => s.slice('DEBUG SQL: '.length))
          .filter((s) => /^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b/i.test(s))
          .sort();
      const { db: refDb, conf: refConf } = await configuredDatabase(backend);
      let single: string[];
      let reference: DbState;
      try {
        const run = await runCliWith(['--config-file', refConf, '--debug', 'upgrade']);
        expect(run.status, run.stderr).to.equal(0);
        single = changes(run.statements);
        reference = dbState(refDb.url);
      } finally {
        await refDb.drop();
      }
      const { db, conf } = await configuredDatabase(backend);
      try {
        const runs = await Promise.all(Array.from({ length: 8 }, () => runCliWith(['--config-file', conf, '--debug', 'upgrade'])));
        for (const r of runs) expect(r.status, r.stderr).to.equal(0);
        const steps = runs.flatMap((r) => r.stderr.split('\n').filter((l) => l.startsWith('INFO  Running upgrade')));
        expect(steps).to.have.length(CHAIN.length);
        expect(new Set(steps).size).to.equal(CHAIN.length);
        const together = runs.flatMap((r) => changes(r.statements)).sort();
        // Named, not counted: a failure says which statement was missing or repeated.
        const missing = single.filter((s) => together.filter((t) => t === s).length < single.filter((t) => t === s).length);
        const extra = together.filter((s) => together.filter((t) => t === s).length > single.filter((t) => t === s).length);
        expect({ missing: [...new Set(missing)], extra: [...new Set(extra)] }, 'statements of the eight runs against one run').to.deep.equal({ missing: [], extra: [] });
        expect(together).to.deep.equal(single);
        expectSameState(dbState(db.url), reference, 'eight upgrades together');
      } finally {
        await db.drop();
      }
    });
  });
}

/** The run's error output: one error line (no hint to use --debug: a lost connection is no bug), no stack trace, no secret. */
function expectOneErrorLine(stderr: string, secret: string, context: string): void {
  expect(stderr, `${context}: a secret in the output`).not.to.contain(secret);
  const lines = errorLines(stderr);
  expect(lines, `${context}: error output\n${stderr}`).to.have.length(1);
  expect(lines[0]).to.match(/^watcher-db-manage: error: \S/);
}

const SECRET = 'Fault-s3cret-PW';

/** A URL for `db` that carries a password, so that the test can check none is shown. */
function urlWithPassword(backend: Backend, db: TempDatabase): string {
  const u = new URL(db.url);
  if (backend === 'mysql') {
    // root has no password on the test server: a user of our own that has one.
    const user = `${db.name.slice(-12)}_u`;
    sqlQuery(db.url, `CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${SECRET}'; GRANT ALL ON ${db.name}.* TO '${user}'@'127.0.0.1';`);
    u.username = user;
  }
  // PostgreSQL's test server trusts local connections: the password is sent and ignored.
  u.password = SECRET;
  return u.toString();
}

/** Ends every connection to the database but the client's own. */
function dropConnections(backend: Backend, db: TempDatabase): void {
  if (backend === 'postgresql') {
    sqlQuery(db.url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND pid <> pg_backend_pid();`);
    return;
  }
  const ids = sqlQuery(db.url, `SELECT id FROM information_schema.processlist WHERE db = '${db.name}' AND id <> CONNECTION_ID();`)
    .split('\n')
    .filter(Boolean);
  expect(ids, 'no connection of the run to kill').not.to.be.empty;
  sqlQuery(db.url, ids.map((id) => `KILL ${id};`).join('\n'));
}

for (const backend of ['postgresql', 'mysql'] as const) {
  // SQLite has no connection to lose: its I/O failure is the full disk below.
  describe(`connection dropped mid-revision on ${backend}`, function () {
    it('exits with one error line, leaves a known revision, and a rerun equals an uninterrupted run', async function () {
      const op = OPERATIONS[1]; // upgrade 001 -> head, with rows
      const { db: refDb, conf: refConf } = await prepared(backend, op);
      let reference: DbState;
      try {
        expect(runCli(['--config-file', refConf, ...op.command]).status).to.equal(0);
        reference = dbState(refDb.url);
      } finally {
        await refDb.drop();
      }
      for (let trial = 0; trial < 2; trial++) {
        // A revision after which there is more to do, so the run cannot finish before it notices.
        const target = between(2, CHAIN.length - 2);
        const line = `INFO  Running upgrade ${CHAIN[target - 1]} -> ${CHAIN[target]}`;
        const context = `connection dropped at "${line}" (seed ${SEED})`;
        const db = await createTempDatabase(backend);
        try {
          const conf = writeConfig(urlWithPassword(backend, db));
          op.setup(db, conf, backend);
          let dropped = false;
          const run = await runCliWith(['--config-file', conf, ...op.command], {
            onLine(l, _n, child) {
              if (dropped || !l.startsWith(line)) return;
              dropped = true;
              // Frozen while its connections are ended, so it is inside the revision when it finds out.
              child.kill('SIGSTOP');
              try {
                dropConnections(backend, db);
              } finally {
                child.kill('SIGCONT');
              }
            },
          });
          expect(dropped, `${context}: the line never came\n${run.stderr}`).to.equal(true);
          expect(run.status, `${context}\n${run.stderr}`).to.equal(1);
          expectOneErrorLine(run.stderr, SECRET, context);
          expect(run.stderr, context).to.match(/^watcher-db-manage: error: .*connection/im);
          const version = storedVersion(db.url);
          if (process.env.WDM_FAULT_TRACE) console.log(`${context}: left at ${version}: ${errorLines(run.stderr)[0]}`);
          // The interrupted revision, or (if it was quicker than the drop) the one it completed.
          expect([CHAIN[target - 1], CHAIN[target]], context).to.include(version);
          if (backend === 'postgresql') {
            // As after a kill (above): a cut between a86240e89a29's own commits leaves its note, which
            // is all it changes of the schema, for the rerun to resume.
            const dump = dumpSchema(db.url);
            const note = PARTIAL_NOTE.exec(dump);
            if (note) expect([note[1], version], `${context}: the partly applied revision's note`).to.deep.equal([CHAIN[target], CHAIN[target - 1]]);
            expect(dump.replace(PARTIAL_NOTE, ''), `${context}: schema at ${version}`).to.equal(await schemaAtRevision(backend, version));
          }
          const rerun = runCli(['--config-file', conf, ...op.command]);
          expect(rerun.status, `${context}: rerun: ${rerun.stderr}`).to.equal(0);
          expectSameState(dbState(db.url), reference, context);
        } finally {
          if (backend === 'mysql') sqlQuery(db.url, `DROP USER IF EXISTS '${db.name.slice(-12)}_u'@'127.0.0.1';`);
          await db.drop();
        }
      }
    });
  });
}

describe('disk full on sqlite', function () {
  const mounts: string[] = [];
  const dirs: string[] = [];
  after(() => {
    for (const dir of mounts) execFileSync('umount', [dir]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails with one error line, the file intact at a known revision; with space again a rerun equals an uninterrupted run', async function () {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
      throw new Error('this test mounts a small tmpfs and must run as root (CI does)');
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-diskfull-'));
    dirs.push(work);
    // A database at 001 with many audits: d098df6021e2 rebuilds that table and a86240e89a29 names every audit.
    const source = path.join(work, 'source.sqlite');
    const sourceConf = writeConfig(`sqlite:///${source}`);
    cli(sourceConf, 'upgrade', '--revision', '001');
    seedWatcherRows(`sqlite:///${source}`);
    const audits = 20000;
    sqlQuery(
      `sqlite:///${source}`,
      `WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < ${audits + 9})
       INSERT INTO audits (created_at, deleted, id, uuid, audit_type, state, parameters, interval, goal_id, strategy_id, scope, auto_trigger)
       SELECT '2023-05-06 07:08:09', 0, i, printf('dddddddd-0000-4000-8000-%012d', i), 'ONESHOT', 'SUCCEEDED', printf('{"p": "%.300c"}', 'x'), 60, 1, 1, '[]', 0 FROM n;`,
    );
    const size = fs.statSync(source).size;
    const copy = (to: string) => fs.copyFileSync(source, to);

    const refFile = path.join(work, 'reference.sqlite');
    copy(refFile);
    cli(writeConfig(`sqlite:///${refFile}`), 'upgrade');
    const reference = dbState(`sqlite:///${refFile}`);

    // Room for the file and a random part of what the upgrade needs on top of it.
    const dir = path.join(work, 'small');
    fs.mkdirSync(dir);
    const room = Math.ceil((size + between(0, Math.floor(size / 2))) / 4096) * 4;
    const context = `tmpfs of ${room} KiB for a ${Math.round(size / 1024)} KiB file (seed ${SEED})`;
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${room}k`, 'tmpfs', dir]);
    mounts.push(dir);
    const file = path.join(dir, 'watcher.sqlite');
    copy(file);
    const url = `sqlite:///${file}`;
    const conf = writeConfig(url);

    const full = runCli(['--config-file', conf, 'upgrade']);
    expect(full.status, `${context}: the upgrade did not fail\n${full.stderr}`).to.equal(1);
    expectOneErrorLine(full.stderr, SECRET, context);
    expect(full.stderr, `${context}\n${full.stderr}`).to.match(/disk is full|SQLITE_FULL/i);
    expect(sqlQuery(url, 'PRAGMA integrity_check;').trim(), context).to.equal('ok');
    const version = storedVersion(url);
    if (process.env.WDM_FAULT_TRACE) console.log(`${context}: stopped at ${version}: ${errorLines(full.stderr)[0]}`);
    expect(['', ...CHAIN], context).to.include(version);
    expect(dumpSchema(url), `${context}: schema at ${version}`).to.equal(await schemaAtRevision('sqlite', version));
    // The rows are those of the same file upgraded to that revision with room to spare.
    const atVersion = path.join(work, 'at-version.sqlite');
    copy(atVersion);
    if (version !== '001') cli(writeConfig(`sqlite:///${atVersion}`), 'upgrade', '--revision', version);
    expect(allRows(url), `${context}: rows at ${version}`).to.deep.equal(allRows(`sqlite:///${atVersion}`));

    execFileSync('mount', ['-o', `remount,size=${Math.ceil((size * 4) / 1024)}k`, dir]);
    const rerun = runCli(['--config-file', conf, 'upgrade']);
    expect(rerun.status, `${context}: rerun: ${rerun.stderr}`).to.equal(0);
    expectSameState(dbState(url), reference, context);
  });
});
