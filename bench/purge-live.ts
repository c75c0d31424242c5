// purge on a live database, at a million rows, on PostgreSQL, MariaDB and SQLite (run by
// bench/purge-live.sh inside the test servers): for one transaction and for --batch-size, the time
// on an idle database, the time with Watcher-shaped traffic going on (bench/live-traffic.ts, 50
// rounds/s), the worst wait of a service statement and its errors, side by side. Both databases are
// seeded alike and get 60 state updates just before the purge (HOT updates on PostgreSQL).
//
// The database: 111,000 audits, each with an action plan, 6 actions and an efficacy indicator, plus
// a few goals, strategies and templates (about 1,000,000 rows); every third audit is soft deleted with
// its subtree, so a third of the rows are purged. BENCH_AUDITS changes the size, BENCH_BACKENDS the
// backends (e.g. "postgresql,mysql"), BENCH_BATCH the batch size (default 10000).
import * as path from 'node:path';
import { Backend, createTempDatabase, sqlQuery } from '../test/support/backends';
import { writeConfig } from '../test/support/cli';
import { LiveTraffic, hotUpdates } from './live-traffic';
import { markdownTable, runBenchmark } from './report';
import { timedRun } from './timed-run';

// BENCH_BIN: another build's bin/run.js (an earlier commit's, to compare).
const BIN = process.env.BENCH_BIN ?? path.join(__dirname, '..', 'bin', 'run.js');
const AUDITS = Number(process.env.BENCH_AUDITS ?? 111_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgresql,mysql,sqlite').split(',') as Backend[];
const TABLES = ['goals', 'strategies', 'audit_templates', 'audits', 'action_plans', 'actions', 'efficacy_indicators'];

/** Set-based seeding: the rows come from the server's own integer sequence, not from this process. */
function seedSql(backend: Backend, audits: number): string {
  const seq = (n: number) =>
    ({
      postgresql: `generate_series(1, ${n}) AS s(n)`,
      mysql: `(SELECT seq AS n FROM seq_1_to_${n}) s`,
      sqlite: `(WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < ${n}) SELECT n FROM r) s`,
    })[backend];
  const cat = (...parts: string[]) => (backend === 'mysql' ? `CONCAT(${parts.join(', ')})` : parts.join(' || '));
  const ago = (days: number) =>
    ({ postgresql: `now() - interval '${days} days'`, mysql: `NOW() - INTERVAL ${days} DAY`, sqlite: `datetime('now', '-${days} days')` })[backend];
  const div = (a: string, b: number) => (backend === 'mysql' ? `(${a}) DIV ${b}` : `(${a}) / ${b}`);
  const no = backend === 'postgresql' ? 'false' : '0';
  // An audit n is soft deleted when n % 3 = 0, and its plan and actions with it.
  const deleted = (audit: string, id: string) => `CASE WHEN ${audit} % 3 = 0 THEN ${id} ELSE 0 END`;
  const deletedAt = (audit: string) => `CASE WHEN ${audit} % 3 = 0 THEN ${ago(30)} END`;
  const statements = [
    `INSERT INTO goals (created_at, deleted, id, uuid, name, display_name, efficacy_specification) SELECT ${ago(60)}, 0, n, ${cat("'g-'", 'n')}, ${cat("'goal-'", 'n')}, 'g', '[]' FROM ${seq(10)}`,
    `INSERT INTO strategies (created_at, deleted, id, uuid, name, display_name, goal_id) SELECT ${ago(60)}, 0, n, ${cat("'s-'", 'n')}, ${cat("'strategy-'", 'n')}, 's', ${div('n - 1', 2)} + 1 FROM ${seq(20)}`,
    `INSERT INTO audit_templates (created_at, deleted, id, uuid, name, goal_id, strategy_id) SELECT ${ago(60)}, 0, n, ${cat("'t-'", 'n')}, ${cat("'template-'", 'n')}, n, 2 * n FROM ${seq(10)}`,
    `INSERT INTO audits (created_at, deleted_at, deleted, id, uuid, name, audit_type, state, goal_id, strategy_id, auto_trigger, ${backend === 'mysql' ? '`force`' : '"force"'}) ` +
      `SELECT ${ago(60)}, ${deletedAt('n')}, ${deleted('n', 'n')}, n, ${cat("'a-'", 'n')}, ${cat("'audit-'", 'n')}, 'ONESHOT', 'SUCCEEDED', n % 10 + 1, 2 * (n % 10) + 1, ${no}, ${no} FROM ${seq(audits)}`,
    `INSERT INTO action_plans (created_at, deleted_at, deleted, id, uuid, audit_id, strategy_id, state) ` +
      `SELECT ${ago(60)}, ${deletedAt('n')}, ${deleted('n', 'n')}, n, ${cat("'p-'", 'n')}, n, 2 * (n % 10) + 1, 'SUCCEEDED' FROM ${seq(audits)}`,
    `INSERT INTO actions (created_at, deleted_at, deleted, id, uuid, action_plan_id, action_type, state) ` +
      `SELECT ${ago(60)}, ${deletedAt(`(${div('n - 1', 6)} + 1)`)}, ${deleted(`(${div('n - 1', 6)} + 1)`, 'n')}, n, ${cat("'x-'", 'n')}, ${div('n - 1', 6)} + 1, 'nop', 'SUCCEEDED' FROM ${seq(6 * audits)}`,
    `INSERT INTO efficacy_indicators (created_at, deleted, id, uuid, name, action_plan_id) SELECT ${ago(60)}, 0, n, ${cat("'e-'", 'n')}, 'ratio', n FROM ${seq(audits)}`,
  ];
  if (backend === 'postgresql') {
    for (const t of TABLES) statements.push(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT MAX(id) FROM ${t}))`);
    statements.push('ANALYZE');
  }
  if (backend === 'mysql') statements.push(`ANALYZE TABLE ${TABLES.join(', ')}`);
  if (backend === 'sqlite') statements.push('ANALYZE');
  return statements.map((s) => `${s};`).join('\n');
}

/** A fresh database at head with the seeded rows, updated just before use. */
async function seeded(backend: Backend): Promise<{ url: string; conf: string; drop: () => Promise<void> }> {
  const db = await createTempDatabase(backend);
  const conf = writeConfig(db.url);
  const up = await run([BIN, '--config-file', conf, 'upgrade']);
  if (up.status !== 0) throw new Error(up.stderr);
  sqlQuery(db.url, seedSql(backend, AUDITS));
  await hotUpdates(db.url, 60);
  return { url: db.url, conf, drop: db.drop };
}

const run = timedRun;

/** Rows left of the seeded ones (the generators add their own, with higher ids), as a checksum. */
function seededLeft(url: string): string {
  const limit: Record<string, number> = { goals: 10, strategies: 20, audit_templates: 10, audits: AUDITS, action_plans: AUDITS, actions: 6 * AUDITS, efficacy_indicators: AUDITS };
  return TABLES.map((t) => sqlQuery(url, `SELECT COUNT(*), COALESCE(SUM(id), 0) FROM ${t} WHERE id <= ${limit[t]};`).trim().replace(/\s+/g, '/')).join(' ');
}

async function rowCount(url: string): Promise<number> {
  return TABLES.map((t) => Number(sqlQuery(url, `SELECT COUNT(*) FROM ${t};`).trim())).reduce((a, b) => a + b, 0);
}

async function main(): Promise<void> {
  console.log(`purge, idle and under live traffic (50 rounds/s), ${AUDITS} audits; Node.js ${process.versions.node}`);
  const header = ['backend', 'mode', 'rows', 'idle s', 'live s', 'live/idle', 'worst wait ms', 'errors', 'peak RSS MB', 'same rows left'];
  const table: string[][] = [];
  for (const backend of BACKENDS) {
    for (const [mode, extra] of [
      ['one transaction', []],
      [`--batch-size ${BATCH}`, ['--batch-size', String(BATCH)]],
    ] as [string, string[]][]) {
      const idle = await seeded(backend);
      const rows = await rowCount(idle.url);
      const quiet = await run([BIN, '--config-file', idle.conf, 'purge', '--yes', ...extra]);
      if (quiet.status !== 0) throw new Error(quiet.stderr);
      const idleLeft = seededLeft(idle.url);
      await idle.drop();

      const live = await seeded(backend);
      const traffic = await LiveTraffic.start(live.url);
      await new Promise((r) => setTimeout(r, 1000));
      const busy = await run([BIN, '--config-file', live.conf, 'purge', '--yes', ...extra]);
      await new Promise((r) => setTimeout(r, 500));
      const report = await traffic.stop();
      if (busy.status !== 0) throw new Error(busy.stderr);
      const ops = Object.entries(report.operations);
      const [worstOp, worst] = ops.reduce((a, b) => (b[1].max > a[1].max ? b : a));
      const errors = ops.reduce((n, [, op]) => n + op.errors, 0);
      const same = seededLeft(live.url) === idleLeft;
      await live.drop();
      const row = [
        backend, mode, String(rows), quiet.seconds.toFixed(2), busy.seconds.toFixed(2), (busy.seconds / quiet.seconds).toFixed(2),
        `${worst.max.toFixed(0)} (${worstOp})`, String(errors), busy.maxRssMb.toFixed(0), String(same),
      ];
      table.push(row);
      console.log(row.join('  |  '));
    }
  }
  console.log();
  console.log(markdownTable(header, table));
}

runBenchmark(main);
