// The kit's least blocking schema changes under live traffic, at a million rows, on PostgreSQL and
// MariaDB (run by bench/online-ddl.sh inside the test servers, or with WDM_TEST_PG_URL /
// WDM_TEST_MYSQL_URL set). On a 1,000,000-row `actions` table, while Watcher-shaped traffic runs
// (bench/live-traffic.ts, BENCH_RATE rounds/s, default 50), each of
//   index    an index on actions(state, uuid)
//   unique   a unique constraint uniq_actions0uuid0deleted on actions(uuid, deleted)
//   key      the foreign key actions(action_plan_id) -> action_plans(id) (dropped before the bench)
//   notNull  actions.state NOT NULL
// is made twice: in its plain form, the statement Alembic sends (in a transaction on PostgreSQL, no
// lock timeout), and through the kit (src/portable) on a TypeORM query runner, as the runtime hands it
// to a revision: inside the revision's transaction with a way out of it lent (outside-transaction.ts)
// and the tool's lock timeout. Printed per operation and form: its wall time, the worst wait of a
// service write (create_action, update_action_state) and of a service read, and errors; the change is
// undone between the two, with the traffic stopped.
//
// BENCH_ROWS (default 1000000) sets the size of `actions` (action_plans and audits get a sixth of it),
// BENCH_BACKENDS the backends (default "postgresql,mysql"), BENCH_REPEAT how often each pair runs.
// PostgreSQL gets an index on actions(action_plan_id) first (MariaDB has one for its key): without it
// every list_actions of the traffic reads the whole table, and the traffic measures that instead.
import { spawn } from 'node:child_process';
import type { QueryRunner } from 'typeorm';
import { openSession } from '../src/connection/session';
import { DEFAULT_LOCK_POLICY } from '../src/connection/lock-policy';
import { dialectFor } from '../src/dialect';
import { addForeignKey, addUnique, alterColumnNullability, createIndex, sa } from '../src/portable';
import { MigrationContext, migrationContext } from '../src/portable/context';
import { RevisionChain } from '../src/script/chain';
import { loadRevisions } from '../src/script/load';
import { upgrade } from '../src/api/migrate';
import { Backend, createTempDatabase, libpqUrl, mysqlClientArgs, pgTool, sqlQuery } from '../test/support/backends';
import { commitAround } from '../test/support/transaction-control';
import { LiveTraffic, TrafficReport } from './live-traffic';
import { markdownTable, runBenchmark } from './report';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgresql,mysql').split(',') as ('postgresql' | 'mysql')[];

type Op = 'index' | 'unique' | 'key' | 'notNull';
const OPS: Op[] = ['index', 'unique', 'key', 'notNull'];

/** Alembic's statements, and how to undo each change between runs. */
const PLAIN: Record<'postgresql' | 'mysql', Record<Op, { plain: string; undo: string }>> = {
  postgresql: {
    index: { plain: 'CREATE INDEX ix_actions_state_uuid ON actions (state, uuid)', undo: 'DROP INDEX ix_actions_state_uuid' },
    unique: { plain: 'ALTER TABLE actions ADD CONSTRAINT uniq_actions0uuid0deleted UNIQUE (uuid, deleted)', undo: 'ALTER TABLE actions DROP CONSTRAINT uniq_actions0uuid0deleted' },
    key: { plain: 'ALTER TABLE actions ADD FOREIGN KEY (action_plan_id) REFERENCES action_plans (id)', undo: 'ALTER TABLE actions DROP CONSTRAINT actions_action_plan_id_fkey' },
    notNull: { plain: 'ALTER TABLE actions ALTER COLUMN state SET NOT NULL', undo: 'ALTER TABLE actions ALTER COLUMN state DROP NOT NULL' },
  },
  mysql: {
    index: { plain: 'CREATE INDEX ix_actions_state_uuid ON actions (state, uuid)', undo: 'DROP INDEX ix_actions_state_uuid ON actions' },
    unique: { plain: 'ALTER TABLE actions ADD CONSTRAINT uniq_actions0uuid0deleted UNIQUE (uuid, deleted)', undo: 'DROP INDEX uniq_actions0uuid0deleted ON actions' },
    key: { plain: 'ALTER TABLE actions ADD FOREIGN KEY (action_plan_id) REFERENCES action_plans (id)', undo: 'ALTER TABLE actions DROP FOREIGN KEY actions_ibfk_1' },
    notNull: { plain: 'ALTER TABLE actions MODIFY state VARCHAR(20) NOT NULL', undo: 'ALTER TABLE actions MODIFY state VARCHAR(20) NULL' },
  },
};

const KIT: Record<Op, (db: MigrationContext) => Promise<void>> = {
  index: (db) => createIndex(db, 'actions', { name: 'ix_actions_state_uuid', columns: ['state', 'uuid'] }),
  unique: (db) => addUnique(db, 'actions', { name: 'uniq_actions0uuid0deleted', columns: ['uuid', 'deleted'] }),
  key: (db) => addForeignKey(db, 'actions', { columns: ['action_plan_id'], references: ['action_plans.id'] }),
  notNull: (db) => alterColumnNullability(db, 'actions', 'state', sa.String(20), false),
};

/** Set-based seeding from the server's own integer sequence. */
function seedSql(backend: 'postgresql' | 'mysql', rows: number): string {
  const seq = (n: number) => (backend === 'postgresql' ? `generate_series(1, ${n}) AS s(n)` : `(SELECT seq AS n FROM seq_1_to_${n}) s`);
  const cat = (...parts: string[]) => (backend === 'mysql' ? `CONCAT(${parts.join(', ')})` : parts.join(' || '));
  const div = (a: string, b: number) => (backend === 'mysql' ? `(${a}) DIV ${b}` : `(${a}) / ${b}`);
  const ago = backend === 'postgresql' ? "now() - interval '60 days'" : 'NOW() - INTERVAL 60 DAY';
  const no = backend === 'postgresql' ? 'false' : '0';
  const plans = Math.ceil(rows / 6);
  const force = backend === 'mysql' ? '`force`' : '"force"';
  const statements = [
    `INSERT INTO goals (created_at, deleted, id, uuid, name, display_name, efficacy_specification) SELECT ${ago}, 0, n, ${cat("'g-'", 'n')}, ${cat("'goal-'", 'n')}, 'g', '[]' FROM ${seq(10)}`,
    `INSERT INTO strategies (created_at, deleted, id, uuid, name, display_name, goal_id) SELECT ${ago}, 0, n, ${cat("'s-'", 'n')}, ${cat("'strategy-'", 'n')}, 's', ${div('n - 1', 2)} + 1 FROM ${seq(20)}`,
    `INSERT INTO audits (created_at, deleted, id, uuid, name, audit_type, state, goal_id, strategy_id, auto_trigger, ${force}) ` +
      `SELECT ${ago}, 0, n, ${cat("'a-'", 'n')}, ${cat("'audit-'", 'n')}, 'ONESHOT', 'SUCCEEDED', n % 10 + 1, 2 * (n % 10) + 1, ${no}, ${no} FROM ${seq(plans)}`,
    `INSERT INTO action_plans (created_at, deleted, id, uuid, audit_id, strategy_id, state) SELECT ${ago}, 0, n, ${cat("'p-'", 'n')}, n, 2 * (n % 10) + 1, 'SUCCEEDED' FROM ${seq(plans)}`,
    `INSERT INTO actions (created_at, deleted, id, uuid, action_plan_id, action_type, state) ` +
      `SELECT ${ago}, 0, n, ${cat("'x-'", 'n')}, ${div('n - 1', 6)} + 1, 'nop', 'SUCCEEDED' FROM ${seq(rows)}`,
  ];
  if (backend === 'postgresql') {
    for (const t of ['goals', 'strategies', 'audits', 'action_plans', 'actions']) statements.push(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT MAX(id) FROM ${t}))`);
    statements.push('CREATE INDEX ix_bench_actions_action_plan_id ON actions (action_plan_id)', 'ANALYZE');
  } else {
    statements.push('ANALYZE TABLE goals, strategies, audits, action_plans, actions');
  }
  return statements.map((s) => `${s};`).join('\n');
}

/**
 * The plain statement as Alembic sends it: in a transaction on PostgreSQL, with no lock timeout. Sent
 * by the backend's client in a child process, waited for without blocking: the traffic runs in this
 * process, and a synchronous wait would stall it instead of letting its statements wait for locks.
 */
function plainForm(url: string, backend: 'postgresql' | 'mysql', sql: string): Promise<void> {
  const [command, args, env] =
    backend === 'postgresql'
      ? [pgTool('psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', libpqUrl(url)], process.env]
      : (() => {
          const c = mysqlClientArgs(url);
          return ['mariadb', [...c.args, c.database], c.env] as const;
        })();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${sql}: ${stderr.trim()}`))));
    child.stdin.end(backend === 'postgresql' ? `BEGIN;\n${sql};\nCOMMIT;\n` : `${sql};\n`);
  });
}

/**
 * The kit, as a revision runs it: the tool's lock timeout; on PostgreSQL inside the revision's
 * transaction, with the way out the runtime lends (commit the work so far, run the step outside,
 * open a new transaction), committed at the end. The connection is made before the traffic starts
 * (loading TypeORM would stall the traffic's process).
 */
async function kitRunner(url: string, backend: 'postgresql' | 'mysql'): Promise<{ run(op: Op): Promise<void>; close(): Promise<void> }> {
  const session = await openSession(url);
  const runner = session.dataSource.createQueryRunner();
  await runner.connect();
  for (const sql of dialectFor(backend === 'postgresql' ? 'postgres' : 'mysql').lockWaitStatements(DEFAULT_LOCK_POLICY.timeoutSeconds)) await runner.query(sql);
  const db = migrationContext(runner, backend === 'postgresql' ? { transactions: commitAround(runner) } : {});
  return {
    run: async (op) => {
      if (backend === 'postgresql') await runner.startTransaction();
      await KIT[op](db);
      if (runner.isTransactionActive) await runner.commitTransaction();
    },
    close: async () => {
      await runner.release();
      await session.close();
    },
  };
}

interface Measured {
  seconds: number;
  writeMs: number;
  writeOp: string;
  readMs: number;
  errors: number;
  messages: string[];
}

/** Runs `change` with the traffic going: 1 s before it, 0.5 s after. */
async function underTraffic(url: string, change: () => Promise<void> | void): Promise<Measured> {
  const traffic = await LiveTraffic.start(url, { rate: RATE });
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = performance.now();
  let failure: unknown;
  try {
    await change();
  } catch (error) {
    failure = error;
  }
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  const report: TrafficReport = await traffic.stop();
  await traffic.cleanup();
  if (failure) throw failure;
  const ops = Object.entries(report.operations);
  const writes = ops.filter(([name]) => name === 'create_action' || name === 'update_action_state');
  const [writeOp, write] = writes.reduce((a, b) => (b[1].max > a[1].max ? b : a));
  const readMs = Math.max(...ops.filter(([name]) => name.startsWith('list_')).map(([, s]) => s.max));
  return {
    seconds,
    writeMs: write.max,
    writeOp,
    readMs,
    errors: ops.reduce((n, [, s]) => n + s.errors, 0),
    messages: ops.flatMap(([name, s]) => s.errorMessages.map((m) => `${name}: ${m}`)),
  };
}

async function main(): Promise<void> {
  console.log(`online schema changes under live traffic (${RATE} rounds/s), actions with ${ROWS} rows; Node.js ${process.versions.node}`);
  const header = ['backend', 'operation', 'plain s', 'plain worst write ms', 'plain worst read ms', 'kit s', 'kit worst write ms', 'kit worst read ms', 'errors (plain/kit)'];
  const table: string[][] = [];
  for (const backend of BACKENDS) {
    const db = await createTempDatabase(backend as Backend);
    try {
      const session = await openSession(db.url);
      await upgrade(session, new RevisionChain(loadRevisions()));
      await session.close();
      const seeding = performance.now();
      sqlQuery(db.url, seedSql(backend, ROWS));
      // The key under test is the one 001 made: dropped, to be added again.
      sqlQuery(db.url, `${PLAIN[backend].key.undo};`);
      console.log(`${backend}: seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
      for (let round = 0; round < REPEAT; round++) {
        for (const op of OPS) {
          const plain = await underTraffic(db.url, () => plainForm(db.url, backend, PLAIN[backend][op].plain));
          sqlQuery(db.url, `${PLAIN[backend][op].undo};`);
          const runner = await kitRunner(db.url, backend);
          const kit = await underTraffic(db.url, () => runner.run(op)).finally(() => runner.close());
          sqlQuery(db.url, `${PLAIN[backend][op].undo};`);
          const ms = (v: number) => v.toFixed(0);
          const row = [
            backend, op, plain.seconds.toFixed(2), `${ms(plain.writeMs)} (${plain.writeOp})`, ms(plain.readMs),
            kit.seconds.toFixed(2), `${ms(kit.writeMs)} (${kit.writeOp})`, ms(kit.readMs), `${plain.errors}/${kit.errors}`,
          ];
          table.push(row);
          console.log(row.join('  |  '));
          for (const m of [...plain.messages.map((x) => `plain ${x}`), ...kit.messages.map((x) => `kit ${x}`)]) console.log(`    ${m}`);
        }
      }
    } finally {
      await db.drop();
    }
  }
  console.log();
  console.log(markdownTable(header, table));
}

runBenchmark(main);
