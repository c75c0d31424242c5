// Lock-wait warnings name the table the waiting statement waits for and, where the server tells,
// the session that holds it: also when the statement that waits is one the tool issued itself
// (TypeORM's catalog read before an ALTER, the version table). Another session holds a lock on a
// database one revision before head; `upgrade` warns while it waits, and reaches head once the
// holder lets go, within its retries.
import { expect } from 'chai';
import { Backend, TempDatabase, sqlQuery, sqlitePath } from './support/backends';
import { tempDatabases } from './support/fresh-database';
import { runCli, startCli } from './support/cli';
import { holdLock } from './support/lock-holder';
import { catalogReadTable, statementTable } from '../src/sql/statement-target';

const BEFORE_HEAD = '7150a7d8f228';
const HEAD = 'f56ba02662b4';

interface Case {
  backend: Backend;
  title: string;
  /** What the holder runs in its open transaction. */
  hold: string;
  reader?: boolean;
  /** The warning expected; group 1 is the holder's session id where the server names it. */
  warning(db: TempDatabase): RegExp;
  /** Checks, while the holder still holds, that the session named is the holder. */
  isHolder?(db: TempDatabase, id: string): void;
}

const PG_HOLDER = "SET application_name = 'lock-holder';";
const pgHolder = (db: TempDatabase, pid: string) =>
  expect(sqlQuery(db.url, `SELECT application_name FROM pg_stat_activity WHERE pid = ${pid};`).trim()).to.equal('lock-holder');
const mysqlHolder = (db: TempDatabase, thread: string) =>
  expect(sqlQuery(db.url, `SELECT count(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ${thread};`).trim()).to.equal('1');

const CASES: Case[] = [
  {
    backend: 'postgresql',
    // TypeORM reads the table's columns before its ALTER: that catalog read is what waits first.
    title: 'ACCESS EXCLUSIVE on audit_templates, where a catalog read waits first',
    hold: `${PG_HOLDER} LOCK TABLE audit_templates IN ACCESS EXCLUSIVE MODE;`,
    warning: () =>
      /^WARNING upgrade 7150a7d8f228 -> f56ba02662b4: lock timeout on audit_templates, held by pid (\d+) AccessExclusiveLock \(application lock-holder, user \w+, idle in transaction, for \d+ s\) \(.*\); retrying in/m,
    isHolder: pgHolder,
  },
  {
    backend: 'postgresql',
    title: 'ACCESS EXCLUSIVE on alembic_version, where the first read of the version waits',
    hold: `${PG_HOLDER} LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE;`,
    warning: () =>
      /^WARNING reading the version: lock timeout on alembic_version, held by pid (\d+) AccessExclusiveLock \(application lock-holder, user \w+, idle in transaction, for \d+ s\) \(.*\); retrying in/m,
    isHolder: pgHolder,
  },
  {
    backend: 'postgresql',
    title: 'a row lock on alembic_version, where the version write waits',
    hold: `${PG_HOLDER} SELECT * FROM alembic_version FOR UPDATE;`,
    warning: () => /^WARNING upgrade 7150a7d8f228 -> f56ba02662b4: lock timeout on alembic_version, held by pid (\d+) RowShareLock \(application lock-holder, /m,
    isHolder: pgHolder,
  },
  {
    backend: 'mysql',
    // A metadata lock: MariaDB without performance_schema says that the ALTER waits, not for what.
    title: 'a reader of audit_templates (a metadata lock)',
    hold: 'SELECT id FROM audit_templates LIMIT 1;',
    reader: true,
    warning: () => /^WARNING upgrade 7150a7d8f228 -> f56ba02662b4: ALTER TABLE .*: lock timeout on audit_templates, (?:probably held by the oldest open transaction, )?thread (\d+) \(user \w+@[\w.:-]+, /m,
    isHolder: mysqlHolder,
  },
  {
    backend: 'mysql',
    // A row lock: InnoDB names the table and the transaction in the way.
    title: 'a row lock on alembic_version, where the version write waits',
    hold: 'SELECT * FROM alembic_version FOR UPDATE;',
    warning: () => /^WARNING upgrade 7150a7d8f228 -> f56ba02662b4: UPDATE `alembic_version` .*: lock timeout on alembic_version, held by thread (\d+) \(user \w+@[\w.:-]+, /m,
    isHolder: mysqlHolder,
  },
  {
    backend: 'sqlite',
    title: 'a write transaction of another connection, where the first read of the version waits',
    hold: 'SELECT 1;',
    warning: (db) =>
      new RegExp(
        String.raw`^WARNING reading the version: database is locked on the database file ${escape(sqlitePath(db.url))}, held by another connection to it \(SQLite locks the whole file\) \(.*\); retrying in`,
        'm',
      ),
  },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function versionOf(conf: string): string {
  const r = runCli(['--config-file', conf, 'version']);
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('lock-wait warnings', function () {
  this.timeout(120_000);
  const dbs = tempDatabases('all');

  for (const c of CASES) {
    it(`${c.backend}: ${c.title}: names the table and the holder, and reaches head once it lets go`, async () => {
      const { db, conf } = await dbs.configured(c.backend);
      const up = runCli(['--config-file', conf, 'upgrade', BEFORE_HEAD]);
      expect(up.status, up.stderr).to.equal(0);

      const holder = await holdLock(db.url, c.hold, { reader: c.reader });
      const run = startCli(['--config-file', conf, 'upgrade', '--lock-timeout', '0.5']);
      let released = false;
      try {
        const stderr = await run.stderrMatch(c.warning(db));
        const id = c.warning(db).exec(stderr)?.[1];
        if (c.isHolder) {
          expect(id, stderr).to.be.a('string');
          c.isHolder(db, id!);
        }
        await holder.release();
        released = true;
      } finally {
        if (!released) await holder.release().catch(() => undefined);
      }
      const r = await run.done;
      expect(r.status, r.stderr).to.equal(0);
      expect(versionOf(conf)).to.equal(HEAD);
      // Every warning of the run names a table of the database, never a catalog the tool read.
      for (const line of r.stderr.split('\n').filter((l) => l.startsWith('WARNING'))) {
        expect(line, line).to.match(/: (lock timeout on (audit_templates|alembic_version)|database is locked on the database file )/);
        expect(line).to.not.match(/\bon (columns|tables|pg_\w+)\b/);
      }
    });
  }
});

describe("a statement's table, read from its text where the server does not say", () => {
  it('is the table a schema or data statement works on, in each quoting', () => {
    expect(statementTable('ALTER TABLE `audit_templates` ADD `default_parameters` text NULL, ALGORITHM=INSTANT')).to.equal('audit_templates');
    expect(statementTable('UPDATE "public"."alembic_version" SET version_num = $1')).to.equal('alembic_version');
    expect(statementTable('SELECT version_num FROM `alembic_version`')).to.equal('alembic_version');
  });

  it("is none for a catalog read, which waits for a table its text does not name (never 'columns')", () => {
    expect(statementTable(`SELECT * FROM "information_schema"."columns" WHERE "table_schema" = 'public' AND "table_name" = 'audit_templates'`)).to.equal(undefined);
    expect(statementTable('SELECT * FROM `INFORMATION_SCHEMA`.`COLUMNS` WHERE `TABLE_SCHEMA` = ? AND `TABLE_NAME` = ?')).to.equal(undefined);
    expect(statementTable('SELECT "ns"."nspname", "t"."relname" FROM "pg_constraint" "cnst" INNER JOIN "pg_class" "t" ON 1 = 1')).to.equal(undefined);
  });

  it('for a catalog read, is the one table it looks up by name, if the server could not be asked in time', () => {
    expect(catalogReadTable(`SELECT * FROM "information_schema"."columns" WHERE ("table_schema" = 'public' AND "table_name" = 'audit_templates')`)).to.equal('audit_templates');
    expect(catalogReadTable(`SELECT "t"."relname" FROM "pg_class" "t" WHERE ("ns"."nspname" = 'public' AND "t"."relname" = 'audits') OR ("ns"."nspname" = 'public' AND "t"."relname" = 'audits')`)).to.equal('audits');
    expect(catalogReadTable(`SELECT * FROM "information_schema"."tables" WHERE ("table_name" = 'audits') OR ("table_name" = 'goals')`)).to.equal(undefined);
    expect(catalogReadTable('SELECT * FROM `INFORMATION_SCHEMA`.`COLUMNS` WHERE `TABLE_SCHEMA` = ? AND `TABLE_NAME` = ?')).to.equal(undefined);
    expect(catalogReadTable(`SELECT 1 FROM pg_class WHERE relname = 'pg_class'`)).to.equal(undefined);
  });
});
