#!/usr/bin/env node
// `upgrade` from empty to head on SQLite (a file, and in memory), this tree beside a build of another
// commit (61b0d60 by default: main before the write-lock turns of issue 12), runs interleaved so that
// both see the same machine load. Prints each side's median and minimum and the ratio of the medians.
//
//   npm run build && node bench/sqlite-upgrade.js
//   BENCH_BASELINE=/path/to/built/checkout node bench/sqlite-upgrade.js   (reuse a build)
//   BENCH_BASELINE_COMMIT=<commit> BENCH_RUNS=15 node bench/sqlite-upgrade.js
//
// Without BENCH_BASELINE the commit is extracted (git archive) into a temporary directory outside the
// repository, with node_modules linked to this tree's, built there, and removed at exit.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const COMMIT = process.env.BENCH_BASELINE_COMMIT ?? '61b0d60';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-bench-sqlite-upgrade-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function baseline() {
  if (process.env.BENCH_BASELINE) return path.resolve(process.env.BENCH_BASELINE);
  const dir = path.join(tmp, `baseline-${COMMIT}`);
  fs.mkdirSync(dir);
  console.log(`building ${COMMIT} in ${dir} ...`);
  const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', COMMIT], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'));
  const built = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build of ${COMMIT} failed:\n${built.stdout}${built.stderr}`);
  return dir;
}

const env = { ...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: '1' };
delete env.OS_DATABASE__CONNECTION;

/** Milliseconds of one `upgrade` to head of a new database (`memory`: sqlite://). */
function upgradeOnce(checkout, memory, n) {
  const db = path.join(tmp, `${path.basename(checkout)}-${n}.sqlite`);
  const conf = path.join(tmp, 'watcher.conf');
  fs.writeFileSync(conf, `[database]\nconnection = ${memory ? 'sqlite://' : `sqlite:///${db}`}\n`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(checkout, 'bin', 'run.js'), '--config-file', conf, 'upgrade'], { cwd: tmp, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`upgrade with ${checkout} failed (${r.status}): ${r.stderr}`);
  fs.rmSync(db, { force: true });
  return ms;
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
}

const base = baseline();
const sides = [
  ['this tree', ROOT],
  [COMMIT, base],
];
const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;
console.log(`SQLite upgrade from empty to head, wall clock, median and min of ${RUNS} interleaved runs (Node.js ${process.versions.node}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)})`);
console.log(`${'database'.padEnd(10)} ${'tree median'.padStart(11)} ${'tree min'.padStart(9)} ${`${COMMIT} median`.padStart(15)} ${`${COMMIT} min`.padStart(12)}  tree/${COMMIT}`);
for (const memory of [false, true]) {
  const times = sides.map(() => []);
  let n = 0;
  for (let i = 0; i < WARMUP; i++) sides.forEach(([, dir]) => upgradeOnce(dir, memory, n++));
  for (let i = 0; i < RUNS; i++) {
    // Alternate which side goes first, so neither always runs on a cache the other warmed.
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    for (const s of order) times[s].push(upgradeOnce(sides[s][1], memory, n++));
  }
  const [ours, theirs] = times.map(stats);
  console.log(
    `${(memory ? 'memory' : 'file').padEnd(10)} ${fmt(ours.median).padStart(11)} ${fmt(ours.min).padStart(9)} ${fmt(theirs.median).padStart(15)} ${fmt(theirs.min).padStart(12)}  ${(ours.median / theirs.median).toFixed(2)}`,
  );
}
