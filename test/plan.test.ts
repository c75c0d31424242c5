// upgrade --plan / downgrade --plan: what the plan says each statement does, checked against what the
// server then does. The judge of "rewrite" is the server itself: a table's identity (PostgreSQL's
// pg_relation_filenode, InnoDB's TABLE_ID, SQLite's root page) changes exactly when its rows were
// written anew. The plan is taken for one revision (+1 / -1), the revision is run, and the identity of
// every table that exists before and after is compared with the plan's prediction for it.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backend, backendOf, sqlQuery, TempDatabase } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { coreApi, runCli } from './support/cli';
import { dumpSchema } from './support/schema-dump';
import { seedWatcherRows, snapshotRows, storedRevision, watcherTables } from './support/watcher-rows';

interface PlanStatement {
  sql: string;
  table: string | null;
  lock: string | null;
  rewrite: boolean;
  scan: boolean;
  rows: number | null;
  kind: string;
  rows_source: string | null;
  algorithm?: string;
  lock_level?: string;
  note?: string;
}
interface Plan {
  from: string | null;
  to: string | null;
  steps: { revision: string; message: string; statements: PlanStatement[] }[];
}

function ok(r: { status: number; stdout: string; stderr: string }, what: string): string {
  expect(r.status, `${what} failed:\n${r.stderr}\n${r.stdout.slice(-2000)}`).to.equal(0);
  return r.stdout;
}

/**
 * A plan's statement as a script writes it, or null for one only a run sends: PostgreSQL's table
 * locks taken without queueing, MariaDB's forms the server may refuse, and the lock wait turned off
 * around an instant ALTER. A script has nobody to answer a refusal or retry, and says so.
 */
function asScriptWrites(s: PlanStatement): string | null {
  if (s.kind === 'lock' || s.kind === 'refused' || /^SET SESSION lock_wait_timeout = 0$/.test(s.sql)) return null;
  return s.sql.replace(/, ALGORITHM=[A-Z]+(, LOCK=[A-Z]+)?$/, '');
}

function planOf(conf: string, args: string[]): Plan {
  const out = ok(runCli(['--config-file', conf, ...args, '--plan', '--json']), `${args.join(' ')} --plan --json`);
  return JSON.parse(out) as Plan;
}

/** The database's revision; null at base and before alembic_version exists. */
function versionOf(db: TempDatabase): string | null {
  const exists: Record<Backend, string> = {
    postgresql: "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'alembic_version';",
    mysql: "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'alembic_version';",
    sqlite: "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version';",
  };
  if (sqlQuery(db.url, exists[backendOf(db.url)]).trim() === '') return null;
  return storedRevision(db.url) || null;
}

/** Each table's storage identity: it changes when the server writes the table anew. */
function identities(backend: Backend, db: TempDatabase): Map<string, string> {
  const sql: Record<Backend, string> = {
    postgresql: "SELECT relname, pg_relation_filenode(oid) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r';",
    mysql: `SELECT substring(NAME, ${db.name.length + 2}), TABLE_ID FROM information_schema.INNODB_SYS_TABLES WHERE NAME LIKE '${db.name}/%';`,
    sqlite: "SELECT name, rootpage FROM sqlite_master WHERE type = 'table';",
  };
  const rows = sqlQuery(db.url, sql[backend]).split('\n').filter(Boolean);
  return new Map(rows.map((line) => line.split(/[|\t]/) as [string, string]));
}

/** What the plan says about `table`: whether any statement rewrites it, and the statements on it. */
function predicted(plan: Plan, table: string): { rewrite: boolean; statements: string[] } {
  const on = plan.steps.flatMap((s) => s.statements).filter((s) => s.table === table);
  return { rewrite: on.some((s) => s.rewrite), statements: on.map((s) => `${s.rewrite ? 'REWRITE' : 'no rewrite'}: ${s.sql.slice(0, 160)}`) };
}

/**
 * One revision up or down: the plan for it, the run, and the check of every table's identity against
 * the plan. On SQLite only one direction can be checked: a rebuild gives the table a new root page,
 * but DROP COLUMN rewrites every row in place (same root page), so a changed root page must have been
 * predicted, not the other way round.
 *
 * The plan and the run are the core's (what `--plan --json` prints and what the command runs), called
 * in this process: about a hundred revision steps per backend, where the CLI is not what is tested
 * (the tests below run `--plan` through the CLI, in text and JSON).
 */
async function stepAndCompare(backend: Backend, db: TempDatabase, direction: 'upgrade' | 'downgrade', migrationsDir?: string): Promise<Plan> {
  const { downgrade, loadChain, plan: planOf, upgrade, withSession } = coreApi();
  const chain = loadChain(migrationsDir);
  const revision = direction === 'upgrade' ? '+1' : '-1';
  const before = versionOf(db);
  const plan = (await withSession(db.url, {}, (session) => planOf(session, chain, direction, revision))) as unknown as Plan;
  expect(plan.steps, JSON.stringify(plan)).to.have.length(1);
  expect(plan.from).to.equal(before);
  const ids = identities(backend, db);
  // Down, the seeded rows go with the columns and tables dropped: on purpose (the CLI would ask).
  await withSession(db.url, {}, (session) => (direction === 'upgrade' ? upgrade(session, chain, revision) : downgrade(session, chain, revision)));
  expect(versionOf(db)).to.equal(plan.to);
  const after = identities(backend, db);
  const label = `${direction} ${plan.steps[0].revision} (${plan.steps[0].message})`;
  for (const [table, id] of ids) {
    if (!after.has(table) || table.startsWith('sqlite_')) continue;
    const changed = after.get(table) !== id;
    const p = predicted(plan, table);
    const message = `${label}: ${table} ${changed ? 'was' : 'was not'} rewritten by the server; the plan said:\n  ${p.statements.join('\n  ') || '(no statement)'}`;
    if (backend === 'sqlite') {
      if (changed) expect(p.rewrite, message).to.equal(true);
    } else {
      expect(p.rewrite, message).to.equal(changed);
    }
  }
  return plan;
}

/** Our head, from `heads --json`. */
function head(extra: string[] = []): string {
  return (JSON.parse(ok(runCli([...extra, 'heads', '--json']), 'heads')) as { heads: { id: string }[] }).heads[0].id;
}

for (const backend of ['postgresql', 'mysql', 'sqlite'] as const) {
  describe(`upgrade --plan / downgrade --plan on ${backend}`, function () {
    this.timeout(15 * 60_000);
    const dbs = tempDatabases('each');

    it('predicts, for every shipped revision up and then down, which tables the server rewrites', async () => {
      const db = await dbs.empty(backend);
      const target = head();
      const seen: string[] = [];
      while (versionOf(db) !== target) {
        const plan = await stepAndCompare(backend, db, 'upgrade');
        seen.push(plan.steps[0].revision);
        // Rows in every table from the first revision on, so that rewrites have something to write.
        if (plan.from === null) seedWatcherRows(db.url);
      }
      expect(seen.length).to.be.greaterThan(10);
      while (versionOf(db) !== null) await stepAndCompare(backend, db, 'downgrade');
    });

    it('changes nothing: neither the version, nor the schema, nor a row', async () => {
      const { db, conf } = await dbs.configured(backend);
      // A database without alembic_version: the plan reads that it is missing and does not create it.
      const empty = planOf(conf, ['upgrade']);
      expect(empty.from).to.equal(null);
      // The run's lock-wait settings come first (as the run sends them), then the version table.
      const created = empty.steps[0].statements.find((s) => s.kind !== 'session');
      expect(created?.sql).to.match(/CREATE TABLE\s+\W?alembic_version/);
      expect(created?.kind).to.equal('version');
      // Tables the plan creates first are empty when its later statements reach them: 0 rows, no read.
      const onNew = empty.steps.flatMap((s) => s.statements).filter((s) => ['goals', 'audits', 'apscheduler_jobs', 'alembic_version'].includes(s.table ?? ''));
      expect(onNew.length).to.be.greaterThan(10);
      for (const s of onNew) expect(s, s.sql).to.include({ rows: 0, rows_source: 'new', scan: false });
      // On every backend a CREATE INDEX after the CREATE TABLE, as SQLAlchemy sends it (TypeORM's CREATE
      // TABLE, which the servers no longer get, had MySQL's index inside it).
      expect(onNew.some((s) => /CREATE INDEX/.test(s.sql)), 'the index of apscheduler_jobs').to.equal(true);
      expect(watcherTables(db.url)).to.deep.equal([]);
      expect(versionOf(db)).to.equal(null);
      expect(sqlQuery(db.url, backend === 'sqlite' ? 'SELECT count(*) FROM sqlite_master;' : 'SELECT 0;').trim()).to.equal('0');

      ok(runCli(['--config-file', conf, 'upgrade', '--revision', '609bec748f2a']), 'upgrade');
      seedWatcherRows(db.url);
      const schema = dumpSchema(db.url);
      const rows = snapshotRows(db.url);
      for (const args of [['upgrade', '--plan'], ['upgrade', '--plan', '--json'], ['downgrade', '--plan'], ['downgrade', '--plan', '--revision', '001', '--json']]) {
        ok(runCli(['--config-file', conf, ...args]), args.join(' '));
      }
      expect(storedRevision(db.url)).to.equal('609bec748f2a');
      expect(dumpSchema(db.url)).to.equal(schema);
      expect(snapshotRows(db.url, rows.columns).rows).to.deep.equal(rows.rows);
    });

    it('gives, for each pending revision, its statements with the lock they take, in text and JSON', async () => {
      const { db, conf } = await dbs.configured(backend);
      ok(runCli(['--config-file', conf, 'upgrade', '--revision', '609bec748f2a']), 'upgrade');
      const plan = planOf(conf, ['upgrade']);
      expect(plan.from).to.equal('609bec748f2a');
      expect(plan.to).to.equal(head());
      expect(plan.steps.map((s) => s.revision)).to.deep.equal(['15f7375ca737', '7150a7d8f228', 'f56ba02662b4']);
      const script = ok(runCli(['--config-file', conf, 'upgrade', '--sql', '609bec748f2a:head']), 'upgrade --sql');
      for (const step of plan.steps) {
        for (const s of step.statements) {
          expect(Object.keys(s).slice(0, 6)).to.deep.equal(['sql', 'table', 'lock', 'rewrite', 'scan', 'rows']);
          // The same statements as the script: they come from the same offline run of the revisions,
          // but for what only a run can send (the script says so, Dialect.scriptCannot).
          const written = asScriptWrites(s);
          if (written !== null) expect(script).to.contain(`${written};`);
        }
        // The last statement of each step moves alembic_version, as the run does.
        const last = step.statements[step.statements.length - 1];
        expect(last.kind).to.equal('version');
        expect(last.table).to.equal('alembic_version');
        expect(last.sql).to.contain(step.revision);
      }
      const add = plan.steps[1].statements.find((s) => s.table === 'audits' && s.kind === 'ddl');
      expect(add?.sql).to.match(/ADD (COLUMN )?\W?status_message/);
      expect(add?.rewrite).to.equal(false);
      expect(add?.scan).to.equal(false);
      const expectedLock = { postgresql: /^ACCESS EXCLUSIVE$/, mysql: /^exclusive metadata lock \(brief\), LOCK=NONE$/, sqlite: /^database write lock$/ }[backend];
      expect(add?.lock).to.match(expectedLock);
      if (backend === 'mysql') expect(add?.algorithm).to.equal('INSTANT');

      const text = ok(runCli(['--config-file', conf, 'upgrade', '--plan']), 'upgrade --plan');
      expect(text).to.contain('upgrade 609bec748f2a -> 15f7375ca737, change_efficiacy_indicator_decimals');
      expect(text).to.match(/table\s+(algorithm\s+)?lock\s+rewrite\s+scan\s+rows/);
      for (const step of plan.steps) for (const s of step.statements) expect(text).to.contain(s.sql);
    });

    it('counts or estimates the rows of a populated table sanely', async () => {
      const { db, conf } = await dbs.configured(backend);
      ok(runCli(['--config-file', conf, 'upgrade', '--revision', '15f7375ca737']), 'upgrade');
      seedWatcherRows(db.url);
      const n = 3000;
      const bool = backend === 'postgresql' ? 'false' : '0';
      const series =
        backend === 'postgresql'
          ? `SELECT g FROM generate_series(10, ${n + 8}) g`
          : `WITH RECURSIVE s(g) AS (SELECT 10 UNION ALL SELECT g + 1 FROM s WHERE g < ${n + 8}) SELECT g FROM s`;
      // MariaDB stops a recursive CTE at 1000 rows unless told otherwise.
      // PostgreSQL's autovacuum may analyze the table by itself (it did once, between the insert and
      // the first plan): the first plan must see it as never analyzed, so autovacuum leaves it alone.
      const prelude = {
        mysql: `SET SESSION max_recursive_iterations = ${n + 10};`,
        postgresql: 'ALTER TABLE audits SET (autovacuum_enabled = false);',
        sqlite: '',
      }[backend];
      sqlQuery(db.url, `${prelude}INSERT INTO audits (id, uuid, goal_id, auto_trigger, deleted) SELECT g, ${backend === 'mysql' ? "CONCAT('u', g)" : "'u' || g"}, 1, ${bool}, 0 FROM (${series}) x;`);
      const audits = () => planOf(conf, ['upgrade', '--revision=+1']).steps[0].statements.find((s) => s.table === 'audits') as PlanStatement;
      // Unanalyzed PostgreSQL and SQLite tables are counted: exactly the rows there are.
      const first = audits();
      if (backend !== 'mysql') {
        expect(first.rows_source).to.equal('count');
        expect(first.rows).to.equal(n);
      }
      sqlQuery(db.url, backend === 'mysql' ? 'ANALYZE TABLE audits;' : 'ANALYZE;');
      const analyzed = audits();
      expect(analyzed.rows_source).to.equal('statistics');
      expect(analyzed.rows).to.be.within(n / 2, n * 2);
      if (backend !== 'mysql') expect(analyzed.rows).to.be.within(n * 0.9, n * 1.1);
    });

    it('refuses bad input in one line, with a non-zero exit status', async () => {
      const { db, conf } = await dbs.configured(backend);
      ok(runCli(['--config-file', conf, 'upgrade', '--revision', '609bec748f2a']), 'upgrade');
      for (const [args, pattern] of [
        [['upgrade', '--plan', '--revision', 'nosuch'], /nosuch/],
        [['upgrade', '--plan', '--revision', '001'], /not above the current revision/],
        [['downgrade', '--plan', '--revision', 'head'], /not below the current revision/],
        [['upgrade', '--plan', '--revision=+9'], /beyond head/],
        [['upgrade', '--plan', '--sql'], /--sql|--plan/],
        [['upgrade', '--json', '--sql'], /--json cannot be combined with --sql/],
      ] as const) {
        const r = runCli(['--config-file', conf, ...args]);
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.not.equal(0);
        expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
        expect(r.stderr).to.match(pattern);
        expect(r.stdout).to.equal('');
      }
      // A database at a revision this tool does not know: no plan is guessed.
      sqlQuery(db.url, "UPDATE alembic_version SET version_num = 'feedfacecafe';");
      const unknown = runCli(['--config-file', conf, 'upgrade', '--plan']);
      expect(unknown.status).to.equal(1);
      expect(unknown.stderr.trim().split('\n')).to.have.length(1);
      expect(unknown.stderr).to.match(/feedfacecafe/);
    });
  });
}

// Revisions of our own, in the online forms the kit moves to (CONCURRENTLY, NOT VALID + VALIDATE, a
// CHECK before SET NOT NULL, COMMIT/BEGIN around a step outside the transaction; MariaDB's ALGORITHM=
// and LOCK= clauses, foreign_key_checks=0), so that the classifier is judged on them by the server
// too, and not only on the forms the shipped chain uses today.
const ONLINE_FORMS: Record<'postgresql' | 'mysql', [string[], string[]][]> = {
  postgresql: [
    [
      ['CREATE TABLE p (id integer PRIMARY KEY)', 'CREATE TABLE c (id integer PRIMARY KEY, pid integer, v varchar(36), w varchar(20), i integer, n integer)'],
      ['DROP TABLE c', 'DROP TABLE p'],
    ],
    [
      ['ALTER TABLE c ADD CONSTRAINT c_pid_fkey FOREIGN KEY (pid) REFERENCES p (id) NOT VALID', 'COMMIT', 'BEGIN', 'ALTER TABLE c VALIDATE CONSTRAINT c_pid_fkey'],
      ['ALTER TABLE c DROP CONSTRAINT c_pid_fkey'],
    ],
    [
      ['ALTER TABLE c ADD CONSTRAINT c_i_nn CHECK (i IS NOT NULL) NOT VALID', 'ALTER TABLE c VALIDATE CONSTRAINT c_i_nn', 'ALTER TABLE c ALTER COLUMN i SET NOT NULL', 'ALTER TABLE c DROP CONSTRAINT c_i_nn'],
      ['ALTER TABLE c ALTER COLUMN i DROP NOT NULL'],
    ],
    [
      ['COMMIT', 'CREATE INDEX CONCURRENTLY c_v ON c (v)', 'BEGIN'],
      ['COMMIT', 'DROP INDEX CONCURRENTLY c_v', 'BEGIN'],
    ],
    [
      ['ALTER TABLE c ALTER COLUMN v TYPE varchar(255)', 'ALTER TABLE c ALTER COLUMN w TYPE text'],
      ['ALTER TABLE c ALTER COLUMN w TYPE varchar(20)', 'ALTER TABLE c ALTER COLUMN v TYPE varchar(36)'],
    ],
    [['ALTER TABLE c ALTER COLUMN n TYPE varchar(36) USING n::varchar(36)'], ['ALTER TABLE c ALTER COLUMN n TYPE integer USING n::integer']],
    [
      ['COMMIT', 'CREATE UNIQUE INDEX CONCURRENTLY c_id_v ON c (id, v)', 'BEGIN', 'ALTER TABLE c ADD CONSTRAINT c_id_v UNIQUE USING INDEX c_id_v'],
      ['ALTER TABLE c DROP CONSTRAINT c_id_v'],
    ],
    [['ALTER TABLE c ADD x timestamp DEFAULT clock_timestamp()', 'ALTER TABLE c ADD y boolean NOT NULL DEFAULT false'], ['ALTER TABLE c DROP COLUMN y', 'ALTER TABLE c DROP COLUMN x']],
    // renameColumn's form, on a column in a unique key.
    [['ALTER TABLE "c" RENAME COLUMN "v" TO "v2"'], ['ALTER TABLE "c" RENAME COLUMN "v2" TO "v"']],
  ],
  mysql: [
    [
      ['CREATE TABLE p (id int PRIMARY KEY) ENGINE=InnoDB', 'CREATE TABLE c (id int PRIMARY KEY, pid int, v varchar(36), w varchar(20), i int NULL, n int) ENGINE=InnoDB'],
      ['DROP TABLE c', 'DROP TABLE p'],
    ],
    [['ALTER TABLE c ADD x varchar(255) NULL, ALGORITHM=INSTANT'], ['ALTER TABLE c DROP COLUMN x, ALGORITHM=INSTANT']],
    [['CREATE INDEX c_v ON c (v) ALGORITHM=INPLACE LOCK=NONE'], ['ALTER TABLE c DROP INDEX c_v, ALGORITHM=INPLACE, LOCK=NONE']],
    [['ALTER TABLE c MODIFY w varchar(63) NULL, ALGORITHM=INSTANT'], ['ALTER TABLE c MODIFY w varchar(20) NULL']],
    [['ALTER TABLE c MODIFY v varchar(64) NULL'], ['ALTER TABLE c MODIFY v varchar(36) NULL']],
    [['ALTER TABLE c MODIFY i int NOT NULL, ALGORITHM=INPLACE, LOCK=NONE'], ['ALTER TABLE c MODIFY i int NULL, ALGORITHM=INPLACE, LOCK=NONE']],
    [
      ['SET SESSION foreign_key_checks = 0', 'ALTER TABLE c ADD CONSTRAINT c_ibfk_1 FOREIGN KEY (pid) REFERENCES p (id), ALGORITHM=INPLACE, LOCK=NONE', 'SET SESSION foreign_key_checks = 1'],
      ['ALTER TABLE c DROP FOREIGN KEY c_ibfk_1'],
    ],
    [['ALTER TABLE c ADD CONSTRAINT c_ibfk_2 FOREIGN KEY (n) REFERENCES p (id)'], ['ALTER TABLE c DROP FOREIGN KEY c_ibfk_2']],
    [['ALTER TABLE c CHANGE i i bigint NOT NULL'], ['ALTER TABLE c CHANGE i i int NOT NULL']],
    // renameColumn's form, on an indexed column and on one a foreign key uses.
    [
      ['ALTER TABLE `c` RENAME COLUMN `v` TO `v2`, ALGORITHM=INSTANT', 'ALTER TABLE `c` RENAME COLUMN `pid` TO `pid2`, ALGORITHM=INSTANT'],
      ['ALTER TABLE `c` RENAME COLUMN `pid2` TO `pid`, ALGORITHM=INSTANT', 'ALTER TABLE `c` RENAME COLUMN `v2` TO `v`, ALGORITHM=INSTANT'],
    ],
  ],
};

function writeChain(revisions: [string[], string[]][]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-plan-chain-'));
  revisions.forEach(([up, down], i) => {
    const id = `b0000000000${i + 1}`.slice(-12);
    const parent = i === 0 ? null : `b0000000000${i}`.slice(-12);
    fs.writeFileSync(
      path.join(dir, `${id}_online_${i + 1}.js`),
      `exports.revision = { id: ${JSON.stringify(id)}, parent: ${JSON.stringify(parent)}, message: ${JSON.stringify(up[up.length - 1])}, created: '2026-01-01T00:00:00',\n` +
        `  up: async (db) => { for (const s of ${JSON.stringify(up)}) await db.runner.query(s); },\n` +
        `  down: async (db) => { for (const s of ${JSON.stringify(down)}) await db.runner.query(s); } };\n`,
    );
  });
  return dir;
}

for (const backend of ['postgresql', 'mysql'] as const) {
  describe(`--plan on the online DDL forms, on ${backend}`, function () {
    this.timeout(10 * 60_000);
    const dbs = tempDatabases('each');

    it('predicts rewrites as the server does them, up and down', async () => {
      const db = await dbs.empty(backend);
      const dir = writeChain(ONLINE_FORMS[backend]);
      const extra = ['--migrations-dir', dir];
      const target = head(extra);
      const plans: Plan[] = [];
      while (versionOf(db) !== target) {
        plans.push(await stepAndCompare(backend, db, 'upgrade', dir));
        if (plans.length === 1) {
          const rows = Array.from({ length: 200 }, (_, i) => `(${i + 1}, ${i % 3 === 0 ? 'NULL' : 1}, 'v${i}', 'w${i}', ${i}, NULL)`).join(', ');
          sqlQuery(db.url, `INSERT INTO p (id) VALUES (1); INSERT INTO c (id, pid, v, w, i, n) VALUES ${rows};`);
        }
      }
      while (versionOf(db) !== null) plans.push(await stepAndCompare(backend, db, 'downgrade', dir));

      const all = plans.flatMap((p) => p.steps.flatMap((s) => s.statements));
      const find = (pattern: RegExp) => {
        const found = all.find((s) => pattern.test(s.sql));
        expect(found, String(pattern)).to.not.equal(undefined);
        return found as PlanStatement;
      };
      // What is not a table statement is said to be one of the run's transaction or session steps.
      for (const s of all.filter((x) => /^(COMMIT|BEGIN|SET )/.test(x.sql))) {
        expect(s.table, s.sql).to.equal(null);
        expect(['transaction', 'session']).to.include(s.kind);
      }
      if (backend === 'postgresql') {
        expect(find(/NOT VALID$/).lock).to.equal('SHARE ROW EXCLUSIVE; also on p');
        expect(find(/NOT VALID$/).scan).to.equal(false);
        expect(find(/VALIDATE CONSTRAINT c_pid_fkey/).lock).to.equal('SHARE UPDATE EXCLUSIVE; ROW SHARE on p');
        expect(find(/SET NOT NULL/).scan, 'a validated CHECK proves the column has no NULL').to.equal(false);
        expect(find(/CREATE INDEX CONCURRENTLY/).lock).to.equal('SHARE UPDATE EXCLUSIVE');
        expect(find(/DROP INDEX CONCURRENTLY/).table).to.equal('c');
        expect(find(/USING INDEX/).scan).to.equal(false);
        expect(find(/DROP CONSTRAINT c_pid_fkey/).lock).to.equal('ACCESS EXCLUSIVE; also on p');
        expect(find(/RENAME COLUMN "v" TO "v2"/)).to.include({ lock: 'ACCESS EXCLUSIVE', rewrite: false, scan: false });
      } else {
        expect(find(/ADD x varchar/).algorithm).to.equal('INSTANT');
        expect(find(/CREATE INDEX c_v/)).to.include({ algorithm: 'INPLACE', lock_level: 'NONE', rewrite: false });
        expect(find(/MODIFY v varchar\(64\)/).algorithm).to.equal('COPY');
        expect(find(/MODIFY i int NOT NULL/)).to.include({ algorithm: 'INPLACE', rewrite: true });
        // Unchecked, the key is a change of the data dictionary alone: the server accepts ALGORITHM=INSTANT
        // for it (the kit's form, test/plan-sends.test.ts), so INPLACE, which allows INSTANT, runs INSTANT.
        expect(find(/c_ibfk_1 FOREIGN KEY/)).to.include({ algorithm: 'INSTANT', rewrite: false });
        expect(find(/c_ibfk_2 FOREIGN KEY/)).to.include({ algorithm: 'COPY', rewrite: true });
        expect(find(/c_ibfk_2 FOREIGN KEY/).lock).to.match(/on p$/);
        expect(find(/RENAME COLUMN `pid` TO `pid2`/)).to.include({ algorithm: 'INSTANT', rewrite: false, scan: false });
      }
    });
  });
}
