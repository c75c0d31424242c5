// What a purge of ~1M rows costs beside the server's own DELETEs of exactly the same rows (issue 27),
// on PostgreSQL, MariaDB and SQLite: the yardstick is plain `DELETE ... WHERE NOT EXISTS (survivor)`
// (MariaDB: `DELETE t FROM t LEFT JOIN survivors ... WHERE survivor IS NULL`), table by table,
// children first, in one transaction, given the ids that must survive. Run by bench/purge-cost.sh,
// or by `BENCH_PURGE=1 npm run bench`.
//
// The database is the seeded Watcher dataset of the purge tests (test/support/purge-dataset.ts), by
// default 240,000 audits (BENCH_AUDITS), each with an action plan, two actions and an efficacy
// indicator: ~1.2M rows, of which ~770,000 are soft deleted (cascading, as Watcher soft deletes).
// It is loaded once per backend and copied by the server (PostgreSQL: CREATE DATABASE ... TEMPLATE;
// MariaDB: INSERT ... SELECT into a database at head; SQLite: the file), so that every run starts from
// the same rows:
//   1. ours, one transaction (wall time of the whole process, peak RSS);
//   2. the yardstick, its survivors loaded first (not timed);
//   3. ours, --batch-size (BENCH_BATCH, default 10000).
// Each run's survivors are checked against the independent oracle of the tests (expectedSurvivors).
// PostgreSQL does not index foreign keys: the yardstick gets the indexes its key checks need, built
// before it starts and not timed (their build time is printed apart); ours builds its own and that is
// in its time. BENCH_BASELINE=<dir> also runs <dir>/bin/run.js (e.g. a build of an earlier commit)
// the same two ways on further copies, side by side in the same run. The servers are WDM_TEST_PG_URL / WDM_TEST_MYSQL_URL, or else the local ones
// (127.0.0.1:5432, 127.0.0.1:3306). BENCH_BACKENDS picks backends (e.g. "mysql,sqlite").
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { Backend, createTempDatabase, sqlQuery, sqlitePath } from '../test/support/backends';
import { writeConfig } from '../test/support/cli';
import { KINDS, datasetSql, expectedSurvivors, makeDataset, survivors } from '../test/support/purge-dataset';
import { quoteIdent } from '../test/support/watcher-rows';
import { markdownTable, runBenchmark } from './report';
import { timedRun } from './timed-run';

process.env.WDM_TEST_PG_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
process.env.WDM_TEST_MYSQL_URL ??= 'mysql+pymysql://root@127.0.0.1:3306/mysql';

const BIN = process.env.BENCH_BIN ?? path.join(__dirname, '..', 'bin', 'run.js');
const BASELINE = process.env.BENCH_BASELINE ? path.join(path.resolve(process.env.BENCH_BASELINE), 'bin', 'run.js') : undefined;
const AUDITS = Number(process.env.BENCH_AUDITS ?? 240_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgresql,mysql,sqlite').split(',') as Backend[];
const TABLES = [...KINDS, 'efficacy_indicators'] as const;
/** Children before parents: the order any delete of these tables must take. */
const DELETE_ORDER = ['actions', 'efficacy_indicators', 'action_plans', 'audits', 'audit_templates', 'strategies', 'goals'] as const;
/** The foreign keys PostgreSQL checks when a parent row goes (the yardstick's indexes). */
const REFERENCING: [string, string][] = [
  ['strategies', 'goal_id'], ['audit_templates', 'goal_id'], ['audit_templates', 'strategy_id'], ['audits', 'goal_id'],
  ['audits', 'strategy_id'], ['action_plans', 'audit_id'], ['action_plans', 'strategy_id'], ['actions', 'action_plan_id'],
  ['efficacy_indicators', 'action_plan_id'],
];

interface Db {
  url: string;
  conf: string;
  drop: () => Promise<void>;
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

const run = timedRun;

async function atHead(backend: Backend): Promise<Db> {
  const db = await createTempDatabase(backend);
  const conf = writeConfig(db.url);
  const up = await run([BIN, '--config-file', conf, 'upgrade']);
  if (up.status !== 0) throw new Error(up.stderr);
  return { url: db.url, conf, drop: db.drop };
}

function analyze(backend: Backend, url: string): void {
  sqlQuery(url, backend === 'mysql' ? `ANALYZE TABLE ${TABLES.join(', ')};` : 'ANALYZE;');
}

/** A copy of `seed`'s rows, made by the server. */
async function copyOf(backend: Backend, seed: Db): Promise<Db> {
  if (backend === 'postgresql') {
    const admin = process.env.WDM_TEST_PG_URL!;
    const from = new URL(seed.url).pathname.slice(1);
    const name = `${from}_c${Math.random().toString(16).slice(2, 8)}`;
    sqlQuery(admin, `CREATE DATABASE ${name} TEMPLATE ${from};`);
    const u = new URL(seed.url);
    u.pathname = `/${name}`;
    const url = u.toString();
    analyze(backend, url);
    return { url, conf: writeConfig(url), drop: async () => void sqlQuery(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE);`) };
  }
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-sqlite-'));
    const file = path.join(dir, 'x.sqlite');
    fs.copyFileSync(sqlitePath(seed.url), file);
    const url = `sqlite:///${file}`;
    return { url, conf: writeConfig(url), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const db = await atHead(backend);
  const from = new URL(seed.url).pathname.slice(1);
  sqlQuery(db.url, ['SET FOREIGN_KEY_CHECKS = 0;', ...[...TABLES].map((t) => `INSERT INTO ${t} SELECT * FROM ${from}.${t};`)].join('\n'));
  analyze(backend, db.url);
  return db;
}

/** The yardstick: given the survivors, the server's own DELETEs of the rest, in one transaction. */
function yardstick(backend: Backend, url: string, keep: Record<string, number[]>): { seconds: number; indexSeconds: number } {
  const q = (n: string) => quoteIdent(backend, n);
  const load: string[] = [];
  for (const t of TABLES) {
    load.push(`CREATE TABLE keep_${t} (id INTEGER NOT NULL PRIMARY KEY);`);
    for (let i = 0; i < keep[t].length; i += 5000) load.push(`INSERT INTO keep_${t} (id) VALUES ${keep[t].slice(i, i + 5000).map((id) => `(${id})`).join(',')};`);
  }
  sqlQuery(url, load.join('\n'));
  analyze(backend, url);
  let indexSeconds = 0;
  if (backend === 'postgresql') {
    const started = process.hrtime.bigint();
    sqlQuery(url, REFERENCING.map(([t, c]) => `CREATE INDEX bench_ix_${t}_${c} ON ${t} (${c});`).join('\n') + '\nANALYZE;');
    indexSeconds = seconds(started);
  }
  const deletes = DELETE_ORDER.map((t) =>
    backend === 'mysql'
      ? `DELETE t FROM ${q(t)} t LEFT JOIN keep_${t} k ON k.id = t.id WHERE k.id IS NULL;`
      : `DELETE FROM ${q(t)} WHERE NOT EXISTS (SELECT 1 FROM keep_${t} k WHERE k.id = ${q(t)}.id);`,
  );
  const begin = backend === 'mysql' ? 'START TRANSACTION;' : 'BEGIN;';
  const started = process.hrtime.bigint();
  sqlQuery(url, [begin, ...deletes, 'COMMIT;'].join('\n'));
  const took = seconds(started);
  const cleanup = TABLES.map((t) => `DROP TABLE keep_${t};`);
  if (backend === 'postgresql') cleanup.push(...REFERENCING.map(([t, c]) => `DROP INDEX bench_ix_${t}_${c};`));
  sqlQuery(url, cleanup.join('\n'));
  return { seconds: took, indexSeconds };
}

async function main(): Promise<void> {
  const data = makeDataset(27, {
    goals: 40, strategiesPerGoal: 5, templatesPerGoal: 10, auditsPerGoal: Math.ceil(AUDITS / 40), plansPerAudit: 1, actionsPerPlan: 2,
    tangle: 0, old: 0.2, young: 0.02, cascade: true,
  });
  const expected = expectedSurvivors(data, {});
  const rows = TABLES.reduce((n, t) => n + (t === 'efficacy_indicators' ? data.indicators.length : data.rows[t].length), 0);
  const left = TABLES.reduce((n, t) => n + expected[t].length, 0);
  console.log(
    `purge cost at ${rows} rows (${data.rows.audits.length} audits, ${rows - left} rows to purge) beside the plain DELETEs; ` +
      `Node.js ${process.versions.node}, ${os.cpus().length} CPUs shared with other work (load ${os.loadavg()[0].toFixed(2)})`,
  );
  const header = ['backend', 'build', 'rows', 'purged', 'yardstick s', '1 tx s', '1 tx/yardstick', `--batch-size ${BATCH} s`, 'batch/1 tx', 'peak RSS MB (1 tx / batch)', 'survivors as oracle'];
  const table: string[][] = [];
  for (const backend of BACKENDS) {
    const seed = await atHead(backend);
    const loading = process.hrtime.bigint();
    sqlQuery(seed.url, datasetSql(backend, data));
    analyze(backend, seed.url);
    console.log(`${backend}: seeded in ${seconds(loading).toFixed(0)} s`);
    const same = (url: string) => JSON.stringify(survivors(url)) === JSON.stringify(expected);
    const purgeCopy = async (backend: Backend, seed: Db, bin: string, what: string, extra: string[]) => {
      const copy = await copyOf(backend, seed);
      const r = await run([bin, '--config-file', copy.conf, 'purge', '--yes', ...extra]);
      if (r.status !== 0) throw new Error(r.stderr);
      const ok = same(copy.url);
      await copy.drop();
      console.log(`  ${what}: ${r.seconds.toFixed(2)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB, survivors as the oracle: ${ok}`);
      if (process.env.BENCH_SHOW_STDERR === '1') console.log(r.stderr);
      return { ...r, ok };
    };

    const ours = await purgeCopy(backend, seed, BIN, 'ours, one transaction', []);
    const plain = await copyOf(backend, seed);
    const yard = yardstick(backend, plain.url, expected);
    const plainSame = same(plain.url);
    await plain.drop();
    const indexNote = backend === 'postgresql' ? ` (+ ${yard.indexSeconds.toFixed(2)} s for its key indexes, untimed)` : '';
    console.log(`  plain DELETEs: ${yard.seconds.toFixed(2)} s${indexNote}, survivors as the oracle: ${plainSame}`);

    const inBatches = await purgeCopy(backend, seed, BIN, `ours, --batch-size ${BATCH}`, ['--batch-size', String(BATCH)]);
    const base = BASELINE && {
      one: await purgeCopy(backend, seed, BASELINE, 'baseline, one transaction', []),
      batch: await purgeCopy(backend, seed, BASELINE, `baseline, --batch-size ${BATCH}`, ['--batch-size', String(BATCH)]),
    };
    await seed.drop();

    const row = (who: string, one: typeof ours, batch: typeof ours, ok: boolean) => [
      backend, who, String(rows), String(rows - left), yard.seconds.toFixed(2), one.seconds.toFixed(2), (one.seconds / yard.seconds).toFixed(2),
      batch.seconds.toFixed(2), (batch.seconds / one.seconds).toFixed(2), `${one.maxRssMb.toFixed(0)} / ${batch.maxRssMb.toFixed(0)}`,
      String(ok && one.ok && batch.ok),
    ];
    table.push(row('ours', ours, inBatches, plainSame));
    if (base) table.push(row('baseline', base.one, base.batch, plainSame));
  }
  console.log();
  console.log(markdownTable(header, table));
  if (table.some((r) => r[r.length - 1] !== 'true')) throw new Error('survivors differ from the oracle');
}

runBenchmark(main);
