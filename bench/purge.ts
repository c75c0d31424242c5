// Purge benchmark, ours beside the Python reference, on PostgreSQL (run by bench/purge.sh inside the
// test servers). 1) the spec's ~32,000-row database (8,000 audits, ~26,000 objects to purge): both tools
// on identical copies, wall time of the whole process; 2) a million soft-deleted objects: ours only, wall
// time and peak memory, in one transaction and in batches of 50,000 rows (the reference would need
// about an hour).
// Both databases get 60 action state updates just before the purge (HOT updates on PostgreSQL, as the
// applier leaves them all day): the condition under which an index built inside the deleting
// transaction became unusable to it. Set BENCH_SKIP_REFERENCE=1 to skip the slow reference run,
// BENCH_MILLION=0 to skip the second part.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { createTempDatabase, sqlQuery } from '../test/support/backends';
import { writeConfig } from '../test/support/cli';
import { runReference } from '../test/support/reference';
import { makeDataset, datasetSql, expectedSurvivors, survivors } from '../test/support/purge-dataset';
import { hotUpdates } from './live-traffic';

// BENCH_BIN: another build's bin/run.js (an earlier commit's, to compare).
const BIN = process.env.BENCH_BIN ?? path.join(__dirname, '..', 'bin', 'run.js');

function timed(args: string[]): { seconds: number; maxRssMb: number; status: number; stderr: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, BIN, ...args], { encoding: 'utf8', input: '', maxBuffer: 64 << 20 });
  const last = r.stderr.trim().split('\n').pop()!.split(' ');
  return { seconds: Number(last[0]), maxRssMb: Number(last[1]) / 1024, status: r.status ?? -1, stderr: r.stderr };
}

async function schema(): Promise<{ url: string; conf: string; drop: () => Promise<void> }> {
  const db = await createTempDatabase('postgresql');
  const conf = writeConfig(db.url);
  const r = spawnSync(process.execPath, [BIN, '--config-file', conf, 'upgrade'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { url: db.url, conf, drop: db.drop };
}

function rowCount(url: string): number {
  return ['goals', 'strategies', 'audit_templates', 'audits', 'action_plans', 'actions', 'efficacy_indicators']
    .map((t) => Number(sqlQuery(url, `SELECT COUNT(*) FROM ${t};`).trim()))
    .reduce((a, b) => a + b, 0);
}

async function spec32k(): Promise<void> {
  const data = makeDataset(11, {
    goals: 20, strategiesPerGoal: 5, templatesPerGoal: 10, auditsPerGoal: 400, plansPerAudit: 1, actionsPerPlan: 1,
    tangle: 0, old: 0.8, young: 0.1, cascade: true,
  });
  const sql = datasetSql('postgresql', data);
  const ours = await schema();
  const theirs = await schema();
  sqlQuery(ours.url, sql);
  sqlQuery(theirs.url, sql);
  // The generator's own live rows survive any purge; they are the same on both databases.
  await hotUpdates(ours.url, 60);
  await hotUpdates(theirs.url, 60);
  const rows = rowCount(ours.url);
  const expected = expectedSurvivors(data, {});
  const toPurge = Object.entries(data.rows).reduce((n, [k, rs]) => n + rs.length - expected[k as keyof typeof expected].length, 0);
  console.log(`spec database: ${rows} rows, ${data.rows.audits.length} audits, ${toPurge} objects to purge`);

  const t = timed(['--config-file', ours.conf, 'purge', '--yes']);
  if (t.status !== 0) throw new Error(t.stderr);
  // The seeded rows left (the generator's rows of hotUpdates come after them).
  const seededLeft = (url: string) => {
    const left = survivors(url);
    const limit = (t: keyof typeof left) => (t === 'efficacy_indicators' ? data.indicators.length : data.rows[t].length);
    return Object.fromEntries(Object.entries(left).map(([t, ids]) => [t, ids.filter((id) => id <= limit(t as keyof typeof left))]));
  };
  const oursOk = JSON.stringify(seededLeft(ours.url)) === JSON.stringify(expected);
  console.log(`  ours:      ${t.seconds.toFixed(2)} s, peak RSS ${t.maxRssMb.toFixed(0)} MB, survivors as the oracle: ${oursOk}`);
  if (process.env.BENCH_SKIP_REFERENCE !== '1') {
    const start = process.hrtime.bigint();
    const r = runReference(theirs.url, ['purge'], { input: 'y\n', timeoutMs: 1_800_000 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const same = JSON.stringify(seededLeft(theirs.url)) === JSON.stringify(seededLeft(ours.url));
    console.log(`  reference: ${seconds.toFixed(2)} s (exit ${r.status}), same survivors as ours: ${same}`);
    console.log(`  ratio:     ${(seconds / t.seconds).toFixed(0)}x`);
  }
  await ours.drop();
  await theirs.drop();
}

async function million(batchSize?: number): Promise<void> {
  const db = await schema();
  const old = "now() - interval '30 days'";
  const created = "now() - interval '60 days'";
  sqlQuery(
    db.url,
    [
      `INSERT INTO goals (created_at, deleted_at, deleted, id, uuid, name, display_name, efficacy_specification) SELECT ${created}, ${old}, g, g, 'g-' || g, 'goal-' || g, 'goal-' || g, '[]' FROM generate_series(1, 10) g;`,
      `INSERT INTO strategies (created_at, deleted_at, deleted, id, uuid, name, display_name, goal_id) SELECT ${created}, ${old}, s, s, 's-' || s, 'strategy-' || s, 's', (s - 1) % 10 + 1 FROM generate_series(1, 20) s;`,
      `INSERT INTO audit_templates (created_at, deleted_at, deleted, id, uuid, name, goal_id, strategy_id) SELECT ${created}, ${old}, t, t, 't-' || t, 'template-' || t, t, t FROM generate_series(1, 10) t;`,
      `INSERT INTO audits (created_at, deleted_at, deleted, id, uuid, name, audit_type, state, goal_id, strategy_id, auto_trigger, force) SELECT ${created}, ${old}, a, a, 'a-' || a, 'audit-' || a, 'ONESHOT', 'SUCCEEDED', (a - 1) % 10 + 1, (a - 1) % 10 + 1, false, false FROM generate_series(1, 100000) a;`,
      `INSERT INTO action_plans (created_at, deleted_at, deleted, id, uuid, audit_id, strategy_id, state) SELECT ${created}, ${old}, p, p, 'p-' || p, p, (p - 1) % 10 + 1, 'SUCCEEDED' FROM generate_series(1, 100000) p;`,
      `INSERT INTO actions (created_at, deleted_at, deleted, id, uuid, action_plan_id, action_type, state) SELECT ${created}, ${old}, x, x, 'x-' || x, (x - 1) / 8 + 1, 'nop', 'SUCCEEDED' FROM generate_series(1, 800000) x;`,
      `INSERT INTO efficacy_indicators (created_at, deleted, id, uuid, name, action_plan_id) SELECT ${created}, 0, i, 'e-' || i, 'ratio', i FROM generate_series(1, 100000) i;`,
      // Sequences past the ids, as in a real database (hotUpdates inserts rows of its own).
      ...['goals', 'strategies', 'audit_templates', 'audits', 'action_plans', 'actions', 'efficacy_indicators'].map(
        (t) => `SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT MAX(id) FROM ${t}));`,
      ),
      'ANALYZE;',
    ].join('\n'),
  );
  await hotUpdates(db.url, 60);
  const how = batchSize === undefined ? 'one transaction' : `--batch-size ${batchSize}`;
  console.log(`a million soft-deleted objects (${how}): ${rowCount(db.url)} rows`);
  const t = timed(['--config-file', db.conf, 'purge', '--yes', ...(batchSize === undefined ? [] : ['--batch-size', String(batchSize)])]);
  if (t.status !== 0) throw new Error(t.stderr);
  console.log(`  ours:      ${t.seconds.toFixed(2)} s, peak RSS ${t.maxRssMb.toFixed(0)} MB, rows left: ${rowCount(db.url)}`);
  await db.drop();
}

async function main(): Promise<void> {
  await spec32k();
  if (process.env.BENCH_MILLION !== '0') {
    await million();
    await million(50_000);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
