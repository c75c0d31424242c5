#!/usr/bin/env node
// Usage (inside test/support/run-with-servers.js): node test/support/mocha-lanes.js [MOCHA ARGS...] [FILES...]
//
// Runs the suite in several lanes side by side, each lane one mocha process per file (or per group of
// files that share a process), taking the next file as soon as its last one is done; the
// timing-sensitive files run alone, one after another, before (FIRST) or after (SERIAL) the lanes. It prints at the very end the 15 slowest tests and the one summary line CI reads
// ("N passed, N failed"); the exit code is non-zero if any test of any lane failed or a lane died.
//
// Why lanes: most of a test's time is spent waiting on a database server, a child process or a sleep,
// so one mocha after another leaves the two cores mostly idle. Why processes rather than mocha's
// --parallel: files that share something started once per process can be kept in one (TOGETHER),
// and the timing-sensitive ones run alone. Each process's output is printed
// whole when it ends, so that files do not interleave.
//
// Test files named on the command line (`npm test -- test/url.test.ts`) run in one plain mocha,
// as before, unless WDM_TEST_LANES is set; other arguments (`--grep postgresql`) go to every mocha.
// WDM_TEST_LANES=N sets the number of lanes (1: one file after another, the FIRST ones first and the SERIAL ones last).
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { slowestLines, summaryLine } = require('./summary-reporter');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const MOCHA = require.resolve('mocha/bin/mocha.js');
const DEFAULT_LANES = 3;

/**
 * Files that run alone, one after another, once every lane is done: they measure time or wait on
 * locks with deadlines, and a busy machine would make them flaky. (test/deb.test.ts, which installs
 * a package that diverts /usr/bin/watcher-db-manage, runs in a lane: the tests that run the Python
 * tool's script use a copy taken before the lanes start, test/support/reference.ts referenceScript.)
 */
const SERIAL = [
  'test/live-traffic.test.ts', // service statements' latencies under traffic
  'test/purge-live.test.ts', // the same during a purge, against 3x the idle purge's time
  'test/upgrade-live.test.ts', // the same during an upgrade
  'test/galera-purge.test.ts', // node2's longest write during a purge under 1 s
];

/**
 * Files that run alone before the lanes start, while the machine and the servers are quietest.
 * write-lock-turns' control (a waiter never gets in between back-to-back SQLite transactions without
 * turns) fails when the writing process loses its CPU between two transactions: it failed in 2 of 6
 * full runs when it ran after the lanes, with the servers still busy from them, and in 1 of 66 runs
 * alone. It needs no server.
 */
const FIRST = [
  'test/write-lock-turns.test.ts', // SQLite writers' turns within busy timeouts
];

/**
 * Files that must share one process (in the lanes or alone): what they share is started once per
 * process. None today. The two Galera files used to share one cluster (about 15 s to start), but
 * galera.test.ts mostly waits (on kills, rejoins and lock takeovers whose deadlines are the tool's
 * own, counted in tens of seconds), so it runs in a lane with a cluster of its own, and only
 * galera-purge.test.ts, whose bound is a 1 s write stall, waits for the machine to be quiet.
 */
const TOGETHER = [];

/**
 * The seconds a file took in a lane, in a run of the whole suite on a 2-core machine (.ci/run at
 * ac32dd9, lanes phase 660 s): the lanes take the costliest first, so that the last to start are
 * short and the lanes end together. A file not listed counts as DEFAULT_COST. Only the order depends
 * on these numbers, never a result.
 */
const COST = {
  // 128 s in a lane, but most of it waiting on its cluster: first, so its waits overlap the most work.
  'test/galera.test.ts': 1000,
  // About 85 s alone, most of it packing (CPU): early, so that no lane ends with it.
  'test/deb.test.ts': 150,
  'test/faults.test.ts': 147,
  'test/purge.test.ts': 105,
  'test/bad-input.test.ts': 100,
  'test/purge-dry-run.test.ts': 95,
  'test/plan.test.ts': 81,
  'test/autogenerate-defaults.test.ts': 78,
  'test/ship.test.ts': 69,
  'test/migrations-parity.test.ts': 68,
  'test/purge-concurrency.test.ts': 63,
  'test/log-destinations.test.ts': 61,
  'test/check.test.ts': 60,
  'test/autogenerate-renames.test.ts': 59,
  'test/cli.test.ts': 54,
  'test/hostile-message.test.ts': 52,
  'test/autogenerate-data-loss.test.ts': 52,
  'test/run-json.test.ts': 49,
  'test/downgrade-data-loss.test.ts': 49,
  'test/offline.test.ts': 48,
  'test/audit-names.test.ts': 47,
  'test/secrets.test.ts': 42,
  'test/version-stamp.test.ts': 40,
  'test/exit-codes.test.ts': 40,
  'test/runtime-safety.test.ts': 37,
  'test/autogenerate-round-trip.test.ts': 37,
  'test/merge.test.ts': 35,
  'test/create-schema.test.ts': 35,
  // 22 s alone for the shipped revisions, plus about 10 s for the kit's online forms.
  'test/plan-sends.test.ts': 35,
  'test/migrations-interop.test.ts': 33,
  'test/revision-dir.test.ts': 23,
  'test/autogenerate-reference.test.ts': 22,
  'test/autogenerate.test.ts': 21,
  'test/retry.test.ts': 20,
  'test/lock-wait-warnings.test.ts': 20,
  'test/startup.test.ts': 19,
  'test/online-ddl.test.ts': 19,
  'test/revision.test.ts': 17,
  'test/logging.test.ts': 15,
  'test/reference-dumps.test.ts': 13,
  'test/default-config-files.test.ts': 8,
  'test/api.test.ts': 5,
  'test/lost-connection.test.ts': 4,
  'test/man-page.test.ts': 3,
  'test/config.test.ts': 3,
  'test/url.test.ts': 2,
  'test/argv.test.ts': 2,
  'test/statement-stages.test.ts': 1,
  'test/architecture.test.ts': 1,
};
const DEFAULT_COST = 20;

function log(msg) {
  process.stderr.write(`mocha-lanes: ${msg}\n`);
}

/**
 * One line that lets CI logs from different machines be compared: the suite is CPU-bound, and the
 * same commit has taken 12 and 18 minutes in its lanes on two machines of the same kind.
 */
function machineSpeed() {
  const data = Array.from({ length: 20000 }, (_, i) => ({ id: i, name: `row ${i}`, tags: ['a', 'b', String(i)] }));
  const started = process.hrtime.bigint();
  for (let i = 0; i < 20; i++) JSON.parse(JSON.stringify(data));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return `this machine: ${os.cpus().length} CPU(s), a fixed JSON workload in ${ms.toFixed(0)} ms`;
}

function allTestFiles() {
  return fs
    .readdirSync(path.join(REPO_ROOT, 'test'), { recursive: true })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.posix.join('test', f.split(path.sep).join('/')))
    .sort();
}

/**
 * The work: each TOGETHER group present is one unit, every other file a unit of its own; the most
 * expensive first, so that the last units to start are short ones and the lanes end together.
 */
function units(files) {
  const left = new Set(files);
  const result = [];
  for (const group of TOGETHER) {
    const present = group.filter((f) => left.has(f));
    present.forEach((f) => left.delete(f));
    if (present.length) result.push(present);
  }
  for (const f of left) result.push([f]);
  const cost = (unit) => unit.reduce((sum, f) => sum + (COST[f] ?? DEFAULT_COST), 0);
  return result.sort((a, b) => cost(b) - cost(a));
}

const children = new Set();
/** The signal (SIGINT/SIGTERM) that stops the run: no further file starts, and the exit code says why. */
let stopping = null;

/**
 * One mocha over `files` with `args`; its output goes to a log file (printed whole when it ends, so
 * lanes do not interleave) and its counts and durations to a results file. Resolves what it reported.
 */
function runLane(name, files, args, dir, env) {
  const logFile = path.join(dir, `${name}.log`);
  const resultsFile = path.join(dir, `${name}.json`);
  const out = fs.openSync(logFile, 'w');
  const started = Date.now();
  const child = spawn(process.execPath, [MOCHA, ...args, ...files], {
    cwd: REPO_ROOT,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env, WDM_TEST_RESULTS: resultsFile, WDM_TEST_CPU_TRACE_FILE: files.join(' ') },
  });
  children.add(child);
  return new Promise((resolve) => {
    const finish = (code) => {
      children.delete(child);
      fs.closeSync(out);
      const seconds = (Date.now() - started) / 1000;
      let results;
      try {
        results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
      } catch {
        results = undefined;
      }
      const cpu = results?.cpu ? `, CPU ${results.cpu.self.toFixed(0)} s in mocha + ${results.cpu.children.toFixed(0)} s in its children` : '';
      process.stdout.write(`\n===== ${name} (${seconds.toFixed(0)} s${cpu}, exit ${code}): ${files.join(' ')}\n`);
      process.stdout.write(fs.readFileSync(logFile, 'utf8'));
      resolve({ name, code, results, files, seconds });
    };
    child.once('error', (e) => {
      log(`cannot start mocha: ${e.message}`);
      finish(127);
    });
    child.once('exit', (code, signal) => finish(code ?? 128 + (os.constants.signals[signal] || 1)));
  });
}

/** A plain mocha with the terminal, for the files a developer named. */
function runPlain(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MOCHA, ...args], { cwd: REPO_ROOT, stdio: 'inherit' });
    children.add(child);
    child.once('error', () => resolve(127));
    child.once('exit', (code, signal) => resolve(code ?? 128 + (os.constants.signals[signal] || 1)));
  });
}

async function main() {
  const args = process.argv.slice(2);
  const named = args.filter((a) => /\.test\.ts$/.test(a));
  if (named.length > 0 && !process.env.WDM_TEST_LANES) return runPlain(args);

  const laneCount = Math.max(1, Number(process.env.WDM_TEST_LANES) || DEFAULT_LANES);
  const files = named.length > 0 ? named : allTestFiles();
  const mochaArgs = args.filter((a) => !named.includes(a));
  const first = FIRST.filter((f) => files.includes(f));
  const serial = SERIAL.filter((f) => files.includes(f));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-lanes-'));
  // One built scratch checkout for all lanes (see test/support/scratch-project.ts).
  const env = { WDM_TEST_SCRATCH_TEMPLATE: path.join(dir, 'scratch-template') };
  fs.mkdirSync(env.WDM_TEST_SCRATCH_TEMPLATE);
  try {
    const started = Date.now();
    log(`${first.length} file(s) alone, then ${laneCount} lanes side by side, then ${serial.length} files alone; ${machineSpeed()}`);
    const reports = [];
    let n = 0;
    /** Each unit alone, one after another, with `label` after its number. */
    const alone = async (files, label) => {
      for (const unit of units(files)) if (!stopping) reports.push(await runLane(`#${++n} (${label})`, unit, mochaArgs, dir, env));
    };
    await alone(first, 'alone, first');
    const queue = units(files.filter((f) => !serial.includes(f) && !first.includes(f)));
    // Each lane takes the next unit as soon as its previous one is done.
    const lane = async () => {
      for (let unit = queue.shift(); unit && !stopping; unit = queue.shift()) reports.push(await runLane(`#${++n}`, unit, mochaArgs, dir, env));
    };
    await Promise.all(Array.from({ length: laneCount }, lane));
    log(`lanes done after ${((Date.now() - started) / 1000).toFixed(0)} s; now the serial files`);
    await alone(serial, 'alone');
    log(`all done after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return report(reports);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** "  123 s  file(s)" lines of the `count` units that took longest, hooks and process start included. */
function slowestFiles(reports, count = 10) {
  return [...reports]
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count)
    .map((r) => `${r.seconds.toFixed(0).padStart(7)} s  ${r.files.join(' ')}`);
}

/** The combined ranking and summary line, last; the exit code. */
function report(reports) {
  const totals = { passes: 0, failures: 0, pending: 0 };
  const tests = [];
  for (const { name, code, results } of reports) {
    if (!results) {
      // A lane that died before reporting (a crash, a signal) lost its tests: that is a failure.
      process.stdout.write(`\n${name} exited ${code} without reporting its results\n`);
      totals.failures += 1;
      continue;
    }
    totals.passes += results.passes;
    totals.failures += results.failures;
    totals.pending += results.pending;
    tests.push(...results.tests);
    if (code !== 0 && results.failures === 0) {
      // Mocha reported no failure yet exited non-zero (an error after the run): count it, so that
      // the summary line and the exit code agree.
      process.stdout.write(`\n${name} exited ${code} after reporting no failure\n`);
      totals.failures += 1;
    }
  }
  process.stdout.write(`\nSlowest 15 tests:\n${slowestLines(tests).join('\n')}\n`);
  process.stdout.write(`\nSlowest 10 files (wall, with their hooks):\n${slowestFiles(reports).join('\n')}\n`);
  const cpu = reports.reduce((sum, r) => ({ self: sum.self + (r.results?.cpu?.self ?? 0), children: sum.children + (r.results?.cpu?.children ?? 0) }), { self: 0, children: 0 });
  process.stdout.write(`CPU: ${cpu.self.toFixed(0)} s in the mocha processes, ${cpu.children.toFixed(0)} s in their children (the database servers not counted)\n\n`);
  process.stdout.write(`${summaryLine(totals)}\n`);
  if (stopping) return 128 + os.constants.signals[stopping];
  return totals.failures > 0 ? 1 : 0;
}

// run-with-servers passes SIGINT/SIGTERM on; pass it to every lane, whose exit then ends main().
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = sig;
    for (const child of children) child.kill(sig);
  });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(e.stack || String(e));
    process.exit(1);
  },
);
