// The kit's least blocking forms (src/portable; ../shared/spec/online-ddl.md), per backend:
// - the statements it sends: PostgreSQL CREATE INDEX CONCURRENTLY, UNIQUE USING INDEX, NOT VALID then
//   VALIDATE, SET NOT NULL through a CHECK; MariaDB ALGORITHM=INSTANT / INPLACE, LOCK=NONE, a foreign
//   key with foreign_key_checks = 0 after its own orphan check; SQLite unchanged;
// - the schema they leave is the one the plain statements (what Alembic sends) leave, compared as dumps;
// - a rerun after a kill at each step between two commits finishes the work (an INVALID index, an
//   index not yet attached, a NOT VALID key or CHECK, a CHECK left after SET NOT NULL);
// - rows that break a key or hold NULL fail in one line and leave nothing behind;
// - inside a transaction with no way out the plain forms; with the runtime's way out, across it;
// - offline scripts with these forms run in the backend's client and give the same schema.
// The kit runs in process on a TypeORM query runner (as the runtime hands it to revisions); the
// databases are read and the plain forms sent through the CLI clients (support/backends.ts).
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { QueryRunner } from 'typeorm';
import { migrationScript, upgrade } from '../src/api/migrate';
import { openSession, Session } from '../src/connection/session';
import { addColumn, addForeignKey, addUnique, alterColumnNullability, column, createIndex, dropIndex, sa } from '../src/portable';
import { hasCommittedPart, markCommittedPart, setTransactionControl } from '../src/portable/outside-transaction';
import { RevisionChain } from '../src/script/chain';
import { loadRevisions } from '../src/script/load';
import { Backend, createTempDatabase, sqlQuery, TempDatabase } from './support/backends';
import { REPO_ROOT } from './support/cli';
import { holdLock } from './support/lock-holder';
import { dumpSchema } from './support/schema-dump';
import { seedWatcherRows } from './support/watcher-rows';

const SHIPPED = loadRevisions();
const SHIPPED_HEAD = new RevisionChain(SHIPPED).head().id;

/** What the runner was sent: each statement, and the server's error number or code when it refused it. */
interface Sent {
  sql: string;
  error?: string;
}

/**
 * A query runner on `session` that records what it sends. `before` runs just before a statement is
 * sent (from another session: the test's CLI clients), e.g. to kill this runner's connection.
 */
async function recordingRunner(session: Session, before?: (sql: string, connectionId: number) => void): Promise<{ runner: QueryRunner; sent: Sent[] }> {
  const runner = session.dataSource.createQueryRunner();
  await runner.connect();
  const postgres = runner.connection.driver.options.type === 'postgres';
  const [{ id }] = (await runner.query(postgres ? 'SELECT pg_backend_pid() AS id' : 'SELECT CONNECTION_ID() AS id')) as { id: number }[];
  const sent: Sent[] = [];
  const original = runner.query.bind(runner);
  (runner as unknown as { query: unknown }).query = async (sql: string, ...rest: unknown[]) => {
    before?.(sql, Number(id));
    const entry: Sent = { sql };
    sent.push(entry);
    try {
      return await (original as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
    } catch (error) {
      const e = error as { errno?: number; code?: string };
      entry.error = String(e.errno ?? e.code ?? 'error');
      throw error;
    }
  };
  return { runner, sent };
}

type Db = { db: TempDatabase; session: Session };

/** Test steps on one backend's databases. */
function harness(backend: 'postgresql' | 'mysql') {
  const url = (d: Db) => d.db.url;
  /** Runs `work` on a fresh recording runner of `d`; returns what it sent. */
  async function withRunner(d: Db, work: (r: QueryRunner) => Promise<unknown>, before?: (sql: string, id: number) => void): Promise<Sent[]> {
    const { runner, sent } = await recordingRunner(d.session, before);
    try {
      await work(runner);
    } finally {
      await runner.release().catch(() => undefined);
    }
    return sent;
  }
  /**
   * Runs `work` and kills its connection just before the first statement that matches `killAt`: what
   * the database keeps is what a process killed there leaves (the kit's clean-up cannot run either).
   * The dead connection takes the session with it: the rerun opens a new one, as a new process would.
   */
  async function killed(d: Db, work: (r: QueryRunner) => Promise<unknown>, killAt: RegExp): Promise<void> {
    let done = false;
    const kill = (sql: string, id: number) => {
      if (done || !killAt.test(sql)) return;
      done = true;
      sqlQuery(url(d), backend === 'postgresql' ? `SELECT pg_terminate_backend(${id});` : `KILL ${id};`);
    };
    const error = await failure(withRunner(d, work, kill));
    expect(done, `no statement matched ${killAt}`).to.equal(true);
    expect(error.message).to.match(/terminat|Connection|closed|lost/i);
    await d.session.close().catch(() => undefined);
    d.session = await openSession(url(d));
  }
  return { url, withRunner, killed };
}

/** The statements the server accepted, without the kit's catalog reads. */
function ddl(sent: Sent[]): string[] {
  return sent.filter((s) => !s.error && !/^\s*(SELECT|SHOW)\b/i.test(s.sql)).map((s) => s.sql.replace(/\s+/g, ' ').trim());
}

/** A database at head with one row of each Watcher table, and a Session on it. */
async function watcherDatabase(backend: Backend): Promise<{ db: TempDatabase; session: Session }> {
  const db = await createTempDatabase(backend);
  const session = await openSession(db.url);
  await upgrade(session, new RevisionChain(SHIPPED));
  seedWatcherRows(db.url);
  return { db, session };
}

async function failure(work: Promise<unknown>): Promise<Error> {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

// The operations under test, as Alembic's plain statements (sent to the `plain` database) and as kit
// calls (sent to the others). The foreign key is the one 001 makes, dropped first in every database.
const PLAIN: Record<'postgresql' | 'mysql', Record<'dropKey' | 'index' | 'unique' | 'key' | 'notNull', string>> = {
  postgresql: {
    dropKey: 'ALTER TABLE actions DROP CONSTRAINT actions_action_plan_id_fkey;',
    index: 'CREATE INDEX ix_actions_state ON actions (state);',
    unique: 'ALTER TABLE audits ADD CONSTRAINT uniq_audits0name UNIQUE (name, deleted);',
    key: 'ALTER TABLE actions ADD FOREIGN KEY (action_plan_id) REFERENCES action_plans (id);',
    notNull: 'ALTER TABLE audits ALTER COLUMN "force" SET NOT NULL;',
  },
  mysql: {
    dropKey: 'ALTER TABLE actions DROP FOREIGN KEY actions_ibfk_1;',
    index: 'CREATE INDEX ix_actions_state ON actions (state);',
    unique: 'ALTER TABLE audits ADD CONSTRAINT uniq_audits0name UNIQUE (name, deleted);',
    key: 'ALTER TABLE actions ADD FOREIGN KEY (action_plan_id) REFERENCES action_plans (id);',
    notNull: 'ALTER TABLE audits MODIFY `force` BOOL NOT NULL;',
  },
};
const KIT = {
  index: (r: QueryRunner) => createIndex(r, 'actions', { name: 'ix_actions_state', columns: ['state'] }),
  unique: (r: QueryRunner) => addUnique(r, 'audits', { name: 'uniq_audits0name', columns: ['name', 'deleted'] }),
  key: (r: QueryRunner) => addForeignKey(r, 'actions', { columns: ['action_plan_id'], references: ['action_plans.id'] }),
  notNull: (r: QueryRunner) => alterColumnNullability(r, 'audits', 'force', sa.Boolean, false),
};

/**
 * A revision directory with one revision after the shipped head that does what the tests do: drop
 * the key, then the four operations, through the kit. For offline scripts.
 */
function scratchRevisions(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-online-'));
  const kit = path.join(REPO_ROOT, 'src', 'portable');
  fs.writeFileSync(
    path.join(dir, 'a1b2c3d4e5f6_online_forms.ts'),
    `import { defineRevision } from '${path.join(REPO_ROOT, 'src', 'script', 'revision')}';
import { addForeignKey, addUnique, alterColumnNullability, createIndex, dropForeignKey, sa } from '${kit}';
export const revision = defineRevision({
  id: 'a1b2c3d4e5f6',
  parent: '${SHIPPED_HEAD}',
  message: 'online forms',
  created: '2026-01-01T00:00:00',
  async up(queryRunner) {
    await dropForeignKey(queryRunner, 'actions', { columns: ['action_plan_id'], references: ['action_plans.id'] });
    await createIndex(queryRunner, 'actions', { name: 'ix_actions_state', columns: ['state'] });
    await addUnique(queryRunner, 'audits', { name: 'uniq_audits0name', columns: ['name', 'deleted'] });
    await addForeignKey(queryRunner, 'actions', { columns: ['action_plan_id'], references: ['action_plans.id'] });
    await alterColumnNullability(queryRunner, 'audits', 'force', sa.Boolean, false);
  },
  async down() {},
});
`,
  );
  return dir;
}

/** The offline script of scratchRevisions() from the shipped head, run by the client on a database at head. */
async function offlineRun(backend: Backend): Promise<{ script: string; schema: string }> {
  const dir = scratchRevisions();
  const { db, session } = await watcherDatabase(backend);
  try {
    await session.close();
    const script = await migrationScript(db.url, new RevisionChain([...SHIPPED, ...loadRevisions(dir)]), 'upgrade', `${SHIPPED_HEAD}:head`);
    sqlQuery(db.url, script);
    return { script, schema: dumpSchema(db.url) };
  } finally {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('online DDL on postgresql', function () {
  this.timeout(5 * 60_000);
  const backend = 'postgresql';
  const { url, withRunner, killed } = harness(backend);
  // plain: Alembic's statements; online: the kit; rerun: the kit, killed at a step and run again.
  let plain: Db;
  let online: Db;
  let rerun: Db;

  before(async () => {
    [plain, online, rerun] = await Promise.all([watcherDatabase(backend), watcherDatabase(backend), watcherDatabase(backend)]);
    for (const d of [plain, online, rerun]) sqlQuery(url(d), PLAIN.postgresql.dropKey);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });
  after(async () => {
    for (const d of [plain, online, rerun]) {
      await d?.session.close().catch(() => undefined);
      await d?.db.drop();
    }
  });

  it('createIndex: CREATE INDEX CONCURRENTLY, and the schema of the plain CREATE INDEX', async () => {
    sqlQuery(url(plain), PLAIN.postgresql.index);
    const sent = await withRunner(online, KIT.index);
    expect(ddl(sent)).to.deep.equal(['CREATE INDEX CONCURRENTLY "ix_actions_state" ON "actions" ("state")']);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });

  it('createIndex: a rerun after a kill in mid-build drops the INVALID index CONCURRENTLY and builds it again', async () => {
    // The build waits for a transaction that writes to the table; it is killed while it waits.
    const holder = await holdLock(url(rerun), 'LOCK TABLE actions IN ROW EXCLUSIVE MODE;');
    const building = withRunner(rerun, KIT.index);
    const waiting = "SELECT pid FROM pg_stat_activity WHERE wait_event_type IS NOT NULL AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND datname = current_database();";
    for (const deadline = Date.now() + 20_000; sqlQuery(url(rerun), waiting).trim() === ''; ) {
      if (Date.now() > deadline) throw new Error('the index build never waited');
      await new Promise((r) => setTimeout(r, 50));
    }
    sqlQuery(url(rerun), `SELECT pg_terminate_backend(pid) FROM (${waiting.replace(/;$/, '')}) w;`);
    expect((await failure(building)).message).to.match(/terminat|Connection/i);
    await holder.release();
    expect(sqlQuery(url(rerun), "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_actions_state'::regclass;").trim()).to.equal('f');
    await rerun.session.close().catch(() => undefined);
    rerun.session = await openSession(url(rerun));

    const sent = await withRunner(rerun, KIT.index);
    expect(ddl(sent)).to.deep.equal(['DROP INDEX CONCURRENTLY "ix_actions_state"', 'CREATE INDEX CONCURRENTLY "ix_actions_state" ON "actions" ("state")']);
    expect(dumpSchema(url(rerun))).to.equal(dumpSchema(url(plain)));
  });

  it('addUnique: CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX under the same name', async () => {
    sqlQuery(url(plain), PLAIN.postgresql.unique);
    const sent = await withRunner(online, KIT.unique);
    expect(ddl(sent)).to.deep.equal([
      'CREATE UNIQUE INDEX CONCURRENTLY "uniq_audits0name" ON "audits" ("name", "deleted")',
      'ALTER TABLE "audits" ADD CONSTRAINT "uniq_audits0name" UNIQUE USING INDEX "uniq_audits0name"',
    ]);
    // The constraint and its index are both named as the reference names them.
    expect(sqlQuery(url(online), "SELECT conname, conindid::regclass FROM pg_constraint WHERE conname = 'uniq_audits0name';").trim()).to.equal('uniq_audits0name|uniq_audits0name');
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });

  it('addUnique: a rerun after a kill between the index and the constraint attaches the built index', async () => {
    await killed(rerun, KIT.unique, /UNIQUE USING INDEX/);
    expect(sqlQuery(url(rerun), "SELECT count(*) FROM pg_constraint WHERE conname = 'uniq_audits0name';").trim()).to.equal('0');
    const sent = await withRunner(rerun, KIT.unique);
    expect(ddl(sent)).to.deep.equal(['ALTER TABLE "audits" ADD CONSTRAINT "uniq_audits0name" UNIQUE USING INDEX "uniq_audits0name"']);
    expect(dumpSchema(url(rerun))).to.equal(dumpSchema(url(plain)));
  });

  it('addForeignKey: ADD ... NOT VALID, then VALIDATE CONSTRAINT in a transaction of its own', async () => {
    sqlQuery(url(plain), PLAIN.postgresql.key);
    const sent = await withRunner(online, KIT.key);
    expect(ddl(sent)).to.deep.equal([
      'ALTER TABLE "actions" ADD CONSTRAINT "actions_action_plan_id_fkey" FOREIGN KEY ("action_plan_id") REFERENCES "action_plans" ("id") NOT VALID',
      'ALTER TABLE "actions" VALIDATE CONSTRAINT "actions_action_plan_id_fkey"',
    ]);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });

  it('addForeignKey: a rerun after a kill before VALIDATE validates the NOT VALID key', async () => {
    await killed(rerun, KIT.key, /VALIDATE CONSTRAINT/);
    expect(sqlQuery(url(rerun), "SELECT convalidated FROM pg_constraint WHERE conname = 'actions_action_plan_id_fkey';").trim()).to.equal('f');
    const sent = await withRunner(rerun, KIT.key);
    expect(ddl(sent)).to.deep.equal(['ALTER TABLE "actions" VALIDATE CONSTRAINT "actions_action_plan_id_fkey"']);
    expect(dumpSchema(url(rerun))).to.equal(dumpSchema(url(plain)));
  });

  it('alterColumnNullability: CHECK NOT VALID, VALIDATE, SET NOT NULL (no scan), DROP the CHECK', async () => {
    sqlQuery(url(plain), PLAIN.postgresql.notNull);
    const sent = await withRunner(online, KIT.notNull);
    expect(ddl(sent)).to.deep.equal([
      'ALTER TABLE "audits" ADD CONSTRAINT "wdm_not_null_audits_force" CHECK ("force" IS NOT NULL) NOT VALID',
      'ALTER TABLE "audits" VALIDATE CONSTRAINT "wdm_not_null_audits_force"',
      'ALTER TABLE "audits" ALTER COLUMN "force" SET NOT NULL',
      'ALTER TABLE "audits" DROP CONSTRAINT "wdm_not_null_audits_force"',
    ]);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });

  it('alterColumnNullability: reruns after a kill before VALIDATE and after SET NOT NULL finish, leaving no CHECK', async () => {
    await killed(rerun, KIT.notNull, /VALIDATE CONSTRAINT/);
    expect(sqlQuery(url(rerun), "SELECT convalidated FROM pg_constraint WHERE conname = 'wdm_not_null_audits_force';").trim()).to.equal('f');
    let sent = await withRunner(rerun, KIT.notNull);
    expect(ddl(sent)).to.deep.equal([
      'ALTER TABLE "audits" VALIDATE CONSTRAINT "wdm_not_null_audits_force"',
      'ALTER TABLE "audits" ALTER COLUMN "force" SET NOT NULL',
      'ALTER TABLE "audits" DROP CONSTRAINT "wdm_not_null_audits_force"',
    ]);
    expect(dumpSchema(url(rerun))).to.equal(dumpSchema(url(plain)));

    sqlQuery(url(rerun), 'ALTER TABLE audits ALTER COLUMN "force" DROP NOT NULL;');
    await killed(rerun, KIT.notNull, /DROP CONSTRAINT/);
    expect(sqlQuery(url(rerun), "SELECT count(*) FROM pg_constraint WHERE conname = 'wdm_not_null_audits_force';").trim()).to.equal('1');
    sent = await withRunner(rerun, KIT.notNull);
    expect(ddl(sent)).to.deep.equal(['ALTER TABLE "audits" DROP CONSTRAINT "wdm_not_null_audits_force"']);
    expect(dumpSchema(url(rerun))).to.equal(dumpSchema(url(plain)));
  });

  it('rows that break the key, hold NULL or repeat a unique key fail in one line and leave nothing behind', async () => {
    const before = dumpSchema(url(rerun));
    // An action of a plan that does not exist, an audit without `force`, a second audit named as the first.
    sqlQuery(url(rerun), [
      'ALTER TABLE actions DROP CONSTRAINT actions_action_plan_id_fkey;',
      "INSERT INTO actions (id, uuid, action_plan_id, action_type, state, deleted) VALUES (50, 'orphan', 999, 'nop', 'PENDING', 0);",
      'ALTER TABLE audits DROP CONSTRAINT uniq_audits0name;',
      'ALTER TABLE audits ALTER COLUMN "force" DROP NOT NULL;',
      "INSERT INTO audits (id, uuid, name, audit_type, state, goal_id, auto_trigger, deleted, \"force\") VALUES (50, 'dup', 'audit-one', 'ONESHOT', 'PENDING', 1, false, 0, NULL);",
    ].join('\n'));
    const changed = dumpSchema(url(rerun));
    const key = await failure(withRunner(rerun, KIT.key));
    expect(key.message).to.equal(
      'Cannot add the foreign key actions(action_plan_id) -> action_plans(id): 1 row of actions references no row of action_plans; correct or delete them, then run again',
    );
    const notNull = await failure(withRunner(rerun, KIT.notNull));
    expect(notNull.message).to.equal('Cannot make audits.force NOT NULL: 1 row holds NULL there; set a value in them, then run again');
    const unique = await failure(withRunner(rerun, KIT.unique));
    expect(unique.message).to.match(/could not create unique index "uniq_audits0name"/);
    // No NOT VALID key, no CHECK, no INVALID unique index (each would go on checking new rows).
    expect(dumpSchema(url(rerun))).to.equal(changed);
    expect(sqlQuery(url(rerun), "SELECT count(*) FROM pg_class WHERE relname IN ('uniq_audits0name', 'wdm_not_null_audits_force', 'actions_action_plan_id_fkey');").trim()).to.equal('0');
    expect(sqlQuery(url(rerun), "SELECT count(*) FROM pg_constraint WHERE conname IN ('wdm_not_null_audits_force', 'actions_action_plan_id_fkey');").trim()).to.equal('0');

    sqlQuery(url(rerun), [
      'DELETE FROM actions WHERE id = 50;',
      'DELETE FROM audits WHERE id = 50;',
    ].join('\n'));
    for (const op of [KIT.key, KIT.unique, KIT.notNull]) await withRunner(rerun, op);
    expect(dumpSchema(url(rerun))).to.equal(before);
  });

  it('inside a transaction with no way out: the plain statements, rolled back with it', async () => {
    const sent = await withRunner(rerun, async (r) => {
      await r.startTransaction();
      await createIndex(r, 'actions', { name: 'ix_actions_wdm_probe', columns: ['action_type'] });
      await r.rollbackTransaction();
    });
    const built = ddl(sent).filter((s) => /INDEX/.test(s));
    expect(built).to.have.length(1);
    expect(built[0]).to.match(/^CREATE INDEX "ix_actions_wdm_probe" ON "actions" \("action_type"\)/);
    expect(sqlQuery(url(rerun), "SELECT count(*) FROM pg_class WHERE relname = 'ix_actions_wdm_probe';").trim()).to.equal('0');
  });

  it("with the runtime's way out: what came before is committed, the index built outside, and a retry skips both", async () => {
    const revision = async (r: QueryRunner) => {
      await addColumn(r, 'actions', column('wdm_probe', sa.String(36)));
      await createIndex(r, 'actions', { name: 'ix_actions_wdm_probe', columns: ['wdm_probe'] });
    };
    let retried: Sent[] = [];
    const sent = await withRunner(rerun, async (r) => {
      // What the runtime lends: commit the revision's work so far, run the step, open a new transaction.
      setTransactionControl(r, {
        outside: async (work) => {
          await r.commitTransaction();
          try {
            return await work();
          } finally {
            await r.startTransaction();
          }
        },
      });
      await r.startTransaction();
      await revision(r);
      // The revision fails after its step: the retry finds the column and the index there.
      await r.rollbackTransaction();
      expect(hasCommittedPart(r)).to.equal(true);
      const original = r.query.bind(r);
      (r as unknown as { query: unknown }).query = async (sql: string, ...rest: unknown[]) => {
        retried.push({ sql });
        return (original as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
      };
      await r.startTransaction();
      await revision(r);
      await r.commitTransaction();
      markCommittedPart(r, false);
      setTransactionControl(r, undefined);
    });
    expect(ddl(sent).filter((s) => /wdm_probe/.test(s))).to.include('CREATE INDEX CONCURRENTLY "ix_actions_wdm_probe" ON "actions" ("wdm_probe")');
    expect(ddl(retried).filter((s) => /^(ALTER|CREATE)/.test(s))).to.deep.equal([]);
    expect(sqlQuery(url(rerun), "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_actions_wdm_probe'::regclass;").trim()).to.equal('t');
    await withRunner(rerun, (r) => dropIndex(r, 'actions', 'ix_actions_wdm_probe'));
    sqlQuery(url(rerun), 'ALTER TABLE actions DROP COLUMN wdm_probe;');
    expect(dumpSchema(url(rerun))).to.equal(dumpSchema(url(plain)));
  });

  it('offline --sql: each form between COMMIT and BEGIN, and psql builds the plain schema with it', async () => {
    const { script, schema } = await offlineRun(backend);
    expect(script).to.contain('COMMIT;\nCREATE INDEX CONCURRENTLY "ix_actions_state" ON "actions" ("state");\nBEGIN;');
    expect(script).to.contain(
      'COMMIT;\nCREATE UNIQUE INDEX CONCURRENTLY "uniq_audits0name" ON "audits" ("name", "deleted");\n' +
        'ALTER TABLE "audits" ADD CONSTRAINT "uniq_audits0name" UNIQUE USING INDEX "uniq_audits0name";\nBEGIN;',
    );
    expect(script).to.match(/NOT VALID;\nALTER TABLE "actions" VALIDATE CONSTRAINT "actions_action_plan_id_fkey";\nBEGIN;/);
    expect(script).to.contain('ALTER TABLE "audits" ALTER COLUMN "force" SET NOT NULL;\nALTER TABLE "audits" DROP CONSTRAINT "wdm_not_null_audits_force";\nBEGIN;');
    expect(schema).to.equal(dumpSchema(url(plain)));
  });
});

describe('online DDL on mysql', function () {
  this.timeout(5 * 60_000);
  const backend = 'mysql';
  const { url, withRunner, killed } = harness(backend);
  let plain: Db;
  let online: Db;
  let rerun: Db;
  /** The forms the server refused, as `errno: form`. */
  const refused = (sent: Sent[]) => sent.filter((s) => s.error).map((s) => `${s.error}: ${/ALGORITHM=.*$/.exec(s.sql)?.[0] ?? s.sql}`);

  before(async () => {
    [plain, online, rerun] = await Promise.all([watcherDatabase(backend), watcherDatabase(backend), watcherDatabase(backend)]);
    for (const d of [plain, online, rerun]) sqlQuery(url(d), PLAIN.mysql.dropKey);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });
  after(async () => {
    for (const d of [plain, online, rerun]) {
      await d?.session.close().catch(() => undefined);
      await d?.db.drop();
    }
  });

  it('createIndex: INSTANT refused, INPLACE with LOCK=NONE, and the schema of the plain CREATE INDEX', async () => {
    sqlQuery(url(plain), PLAIN.mysql.index);
    const sent = await withRunner(online, KIT.index);
    expect(refused(sent)).to.deep.equal(['1846: ALGORITHM=INSTANT']);
    expect(ddl(sent)).to.deep.equal(['ALTER TABLE `actions` ADD INDEX `ix_actions_state` (`state`), ALGORITHM=INPLACE, LOCK=NONE']);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
    // Run again, as a rerun of the revision after a kill: the index is there, nothing is sent.
    expect(ddl(await withRunner(online, KIT.index))).to.deep.equal([]);
  });

  it('addUnique: a unique index, INPLACE with LOCK=NONE, as the plain ADD CONSTRAINT UNIQUE makes it', async () => {
    sqlQuery(url(plain), PLAIN.mysql.unique);
    const sent = await withRunner(online, KIT.unique);
    expect(ddl(sent)).to.deep.equal(['ALTER TABLE `audits` ADD UNIQUE INDEX `uniq_audits0name` (`name`, `deleted`), ALGORITHM=INPLACE, LOCK=NONE']);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });

  it('addForeignKey: rows counted first, then foreign_key_checks = 0 and INSTANT, the setting put back, the plain schema', async () => {
    sqlQuery(url(plain), PLAIN.mysql.key);
    let checks: unknown;
    const sent = await withRunner(online, async (r) => {
      await KIT.key(r);
      checks = (await r.query('SELECT @@SESSION.foreign_key_checks AS v'))[0].v;
    });
    const statements = sent.map((s) => s.sql.replace(/\s+/g, ' '));
    const first = statements.findIndex((s) => /LEFT JOIN `action_plans`/.test(s));
    expect(first, 'the orphan count comes before the key').to.be.greaterThan(-1);
    expect(ddl(sent.slice(first))).to.deep.equal([
      'SET SESSION foreign_key_checks = 0',
      'ALTER TABLE `actions` ADD CONSTRAINT `actions_ibfk_1` FOREIGN KEY (`action_plan_id`) REFERENCES `action_plans` (`id`), ALGORITHM=INSTANT',
      'SET SESSION foreign_key_checks = 1',
    ]);
    expect(statements.slice(first + 1).filter((s) => /LEFT JOIN `action_plans`/.test(s)), 'counted again after the key').to.have.length(1);
    expect(Number(checks)).to.equal(1);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });

  it('addForeignKey: a row without its parent fails in one line naming the table and the count, and no key is added', async () => {
    sqlQuery(url(rerun), [
      "INSERT INTO actions (id, uuid, action_plan_id, action_type, state, deleted) VALUES (50, 'orphan-1', 998, 'nop', 'PENDING', 0);",
      "INSERT INTO actions (id, uuid, action_plan_id, action_type, state, deleted) VALUES (51, 'orphan-2', 999, 'nop', 'PENDING', 0);",
    ].join('\n'));
    const before = dumpSchema(url(rerun));
    const error = await failure(withRunner(rerun, KIT.key));
    expect(error.message).to.equal(
      'Cannot add the foreign key actions(action_plan_id) -> action_plans(id): 2 rows of actions reference no row of action_plans; correct or delete them, then run again',
    );
    expect(dumpSchema(url(rerun))).to.equal(before);
    sqlQuery(url(rerun), 'DELETE FROM actions WHERE id IN (50, 51);');
  });

  it('addForeignKey: a row written without its parent while the key is added is found after it, and the key dropped again', async () => {
    const before = dumpSchema(url(rerun));
    // Another session (foreign_key_checks = 0 there too) writes the row just before the ALTER.
    const sneak = (sql: string) => {
      if (/ADD CONSTRAINT `actions_ibfk_1`/.test(sql)) {
        sqlQuery(url(rerun), "SET foreign_key_checks = 0; INSERT INTO actions (id, uuid, action_plan_id, action_type, state, deleted) VALUES (52, 'late', 997, 'nop', 'PENDING', 0);");
      }
    };
    const error = await failure(withRunner(rerun, KIT.key, sneak));
    expect(error.message).to.equal(
      'Cannot add the foreign key actions(action_plan_id) -> action_plans(id): 1 row of actions references no row of action_plans (written while the key was being added); correct or delete them, then run again',
    );
    expect(dumpSchema(url(rerun))).to.equal(before);
    sqlQuery(url(rerun), 'DELETE FROM actions WHERE id = 52;');
  });

  it('addForeignKey: a rerun after a kill once the key is there adds no second key', async () => {
    await killed(rerun, KIT.key, /SET SESSION foreign_key_checks = 1/);
    const sent = await withRunner(rerun, KIT.key);
    expect(ddl(sent)).to.deep.equal([]);
    sqlQuery(url(rerun), [PLAIN.mysql.index, PLAIN.mysql.unique].join('\n'));
    expect(dumpSchema(url(rerun))).to.equal(dumpSchema(url(plain)));
  });

  it('alterColumnNullability: INSTANT refused, then INPLACE with LOCK=NONE, and the schema of the plain MODIFY', async () => {
    sqlQuery(url(plain), PLAIN.mysql.notNull);
    const sent = await withRunner(online, KIT.notNull);
    expect(refused(sent)).to.deep.equal(['1845: ALGORITHM=INSTANT']);
    expect(ddl(sent)).to.deep.equal(['ALTER TABLE `audits` CHANGE `force` `force` boolean NOT NULL, ALGORITHM=INPLACE, LOCK=NONE']);
    expect(dumpSchema(url(online))).to.equal(dumpSchema(url(plain)));
  });

  it('a column type change (the shipped d098df6021e2) falls back to COPY with LOCK=SHARED', async () => {
    const sent = await withRunner(rerun, (r) => alterColumnNullability(r, 'audits', 'interval', sa.Integer, true));
    expect(refused(sent)).to.deep.equal(['1846: ALGORITHM=INSTANT', '1846: ALGORITHM=INPLACE, LOCK=NONE']);
    expect(ddl(sent)).to.deep.equal(['ALTER TABLE `audits` CHANGE `interval` `interval` int NULL, ALGORITHM=COPY, LOCK=SHARED']);
    await withRunner(rerun, (r) => alterColumnNullability(r, 'audits', 'interval', sa.String(36), true));
  });

  it('offline --sql: the plain statements (the target server chooses), and they give the schema the online run gives', async () => {
    const { script, schema } = await offlineRun(backend);
    expect(script).to.not.match(/ALGORITHM|foreign_key_checks/);
    expect(script).to.contain('ALTER TABLE `actions` ADD INDEX `ix_actions_state` (`state`);');
    // The same revision online, through the runtime.
    const dir = scratchRevisions();
    const other = await watcherDatabase(backend);
    try {
      await upgrade(other.session, new RevisionChain([...SHIPPED, ...loadRevisions(dir)]));
      expect(schema).to.equal(dumpSchema(other.db.url));
    } finally {
      await other.session.close();
      await other.db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('online DDL on sqlite', function () {
  this.timeout(2 * 60_000);

  it('keeps its forms (CREATE INDEX, table rebuilds), none of the servers\' syntax, with every change made', async () => {
    const { db, session } = await watcherDatabase('sqlite');
    try {
      const runner = session.dataSource.createQueryRunner();
      const sent: string[] = [];
      const original = runner.query.bind(runner);
      (runner as unknown as { query: unknown }).query = (sql: string, ...rest: unknown[]) => {
        sent.push(sql);
        return (original as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
      };
      for (const op of [KIT.index, KIT.unique, KIT.notNull]) await op(runner);
      await runner.release();
      expect(sent.filter((s) => /CONCURRENTLY|NOT VALID|VALIDATE|ALGORITHM|foreign_key_checks|USING INDEX/i.test(s))).to.deep.equal([]);
      expect(sent).to.include('CREATE INDEX "ix_actions_state" ON "actions" ("state") ');
      expect(sent.some((s) => /^CREATE TABLE "temporary_audits"/.test(s))).to.equal(true);
      const audits = sqlQuery(db.url, "SELECT sql FROM sqlite_master WHERE name = 'audits';");
      expect(audits).to.contain('CONSTRAINT "uniq_audits0name" UNIQUE ("name", "deleted")');
      expect(audits).to.match(/"force" BOOLEAN NOT NULL/);
    } finally {
      await session.close();
      await db.drop();
    }
  });
});
