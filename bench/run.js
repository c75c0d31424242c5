#!/usr/bin/env node
// Start-up time of the tool, side by side with the Python reference and with Node.js itself: `--help`,
// `--version`, and `version`, `current`, `heads`, `history` on a SQLite database at head. Run with
// `npm run bench` (which builds first). Each command runs BENCH_RUNS times (default 15) after
// BENCH_WARMUP (default 2) unmeasured runs, interleaved with as many runs of `node -e 0` (the floor:
// Node.js starting and doing nothing); the wall-clock median and minimum are printed with the
// reference's, and the ratios of the medians to the reference's and to `node -e 0`'s.
// The reference is /usr/bin/python3 with WDM_TEST_REFERENCE_DIR (as the tests set it) or, without it, a
// copy of the installed python3-watcher with ../shared/reference/overlay.py applied, made here.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const PYTHON = '/usr/bin/python3';
const REFERENCE_SRC = '/usr/lib/python3/dist-packages/watcher';
const OVERLAY = path.resolve(ROOT, '..', 'shared', 'reference', 'overlay.py');
const REF_MAIN =
  "import sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'watcher-db-manage'; " +
  'from watcher.cmd.dbmanage import main; main()';

const env = { ...process.env };
delete env.OS_DATABASE__CONNECTION; // the database is the one in the config file written here
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function referenceDir() {
  if (process.env.WDM_TEST_REFERENCE_DIR) return process.env.WDM_TEST_REFERENCE_DIR;
  if (!fs.existsSync(path.join(REFERENCE_SRC, 'cmd', 'dbmanage.py'))) return null;
  const dir = path.join(tmp, 'reference');
  fs.cpSync(REFERENCE_SRC, path.join(dir, 'watcher'), { recursive: true, filter: (src) => path.basename(src) !== '__pycache__' });
  if (fs.existsSync(OVERLAY)) spawnSync(PYTHON, [OVERLAY, path.join(dir, 'watcher')], { stdio: 'ignore' });
  return dir;
}

function run(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: tmp, encoding: 'utf8', env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

function measure(argv) {
  for (let i = 0; i < WARMUP; i++) run(argv);
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(run(argv));
  return stats(times);
}

/** argv's times and `node -e 0`'s, runs interleaved so that both see the same machine load. */
function measureBesideNode(argv) {
  const bare = [process.execPath, '-e', '0'];
  for (let i = 0; i < WARMUP; i++) (run(argv), run(bare));
  const times = [];
  const floor = [];
  for (let i = 0; i < RUNS; i++) (times.push(run(argv)), floor.push(run(bare)));
  return { ...stats(times), node: stats(floor).median };
}

const db = path.join(tmp, 'watcher.sqlite');
const conf = path.join(tmp, 'watcher.conf');
fs.writeFileSync(conf, `[database]\nconnection = sqlite:///${db}\n`);
const ours = [process.execPath, path.join(ROOT, 'bin', 'run.js')];
const refDir = referenceDir();
const reference = refDir ? [PYTHON, '-c', REF_MAIN, refDir] : null;
// The reference cannot upgrade SQLite (README: upgrade); ours brings the database to head for both.
spawnSync(ours[0], [...ours.slice(1), '--config-file', conf, 'upgrade'], { stdio: 'ignore', env });

const cases = [
  ['--help', ['--help']],
  ['--version', ['--version']],
  ['version (SQLite)', ['--config-file', conf, 'version']],
  ['current (SQLite)', ['--config-file', conf, 'current'], 'ours only'], // the reference has no current
  ['heads', ['--config-file', conf, 'heads'], 'ours only'], // the reference has no heads or history
  ['history (SQLite)', ['--config-file', conf, 'history'], 'ours only'],
];
const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;
console.log(`start-up, wall clock, median and min of ${RUNS} runs (Node.js ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)})`);
console.log(`${'command'.padEnd(18)} ${'ours median'.padStart(11)} ${'ours min'.padStart(9)} ${'ref median'.padStart(11)} ${'ref min'.padStart(9)}  ours/ref ${'node -e 0'.padStart(10)}  ours/node`);
for (const [name, args, oursOnly] of cases) {
  const o = measureBesideNode([...ours, ...args]);
  let r = null;
  if (reference && !oursOnly) r = measure([...reference, ...args]);
  console.log(
    `${name.padEnd(18)} ${fmt(o.median).padStart(11)} ${fmt(o.min).padStart(9)} ${r ? fmt(r.median).padStart(11) : '          -'} ${r ? fmt(r.min).padStart(9) : '        -'}  ${(r ? (o.median / r.median).toFixed(2) : '-').padStart(8)} ${fmt(o.node).padStart(10)}  ${(o.median / o.node).toFixed(2).padStart(9)}`,
  );
}
if (!reference) console.log('(the Python reference is not installed: python3-watcher; only our times are shown)');

// The Galera benchmark (bench/galera.sh: a 3-node cluster of its own and a single server, upgrade and a
// purge of a million objects with the worst write stall on another node; an hour or more) runs here only
// when asked: BENCH_GALERA=1 npm run bench (WDM_BENCH_OBJECTS=50000 for a quick one).
if (process.env.BENCH_GALERA === '1') runWithServers('galera.ts');

// Purge of ~1M rows beside the plain DELETEs of the same rows, one transaction and batches, on the three
// backends (bench/purge-cost.ts: issue 27; about half an hour on 2 cores) runs here only when asked:
// BENCH_PURGE=1 npm run bench (BENCH_BASELINE=<dir of another build> adds it side by side).
if (process.env.BENCH_PURGE === '1') runWithServers('purge-cost.ts');

/** Runs bench/<file> with the tests' throwaway servers; its failure is this run's. */
function runWithServers(file) {
  console.log();
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'test', 'support', 'run-with-servers.js'), 'npx', 'ts-node', '--transpile-only', path.join(ROOT, 'bench', file)],
    { cwd: ROOT, stdio: 'inherit', env },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
