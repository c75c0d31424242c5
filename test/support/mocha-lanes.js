#!/usr/bin/env node
// Usage (inside test/support/run-with-servers.js): node test/support/mocha-lanes.js [MOCHA ARGS...] [FILES...]
//
// Runs the suite as several mocha processes ("lanes") side by side, then the timing-sensitive files
// alone, and prints at the very end the 15 slowest tests and the one summary line CI reads
// ("N passed, N failed"); the exit code is non-zero if any test of any lane failed or a lane died.
//
// Why lanes: most of a test's time is spent waiting on a database server, a child process or a sleep,
// so one mocha after another leaves the two cores mostly idle. Why processes rather than mocha's
// --parallel: the files that must share one expensive thing (the Galera cluster, the built scratch
// checkout template) are kept in one process, and the timing-sensitive ones run after everything else.
//
// Test files named on the command line (`npm test -- test/url.test.ts`) run in one plain mocha,
// as before, unless WDM_TEST_LANES is set; other arguments (`--grep postgresql`) go to every mocha.
// WDM_TEST_LANES=N sets the number of lanes (1: all but the serial files in one mocha, then those).
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
 * Files that run alone, one after another, once every lane is done: they measure time, wait on
 * locks with deadlines, or install a package, and a busy machine would make them flaky or slow.
 */
const SERIAL = [
  'test/live-traffic.test.ts',
  'test/write-lock-turns.test.ts',
  'test/deb.test.ts',
];

/** Files that must share one process: what they share is started once per process. */
const TOGETHER = [
  // The three-node Galera cluster (test/support/galera-cluster.ts), ~15 s to start and 3 servers' memory.
  ['test/galera.test.ts', 'test/galera-purge.test.ts'],
];

/**
 * Seconds each file took in a measured run of the whole suite (lanes are balanced by them, longest
 * first); a file not listed counts as DEFAULT_COST. Only the balance depends on these numbers.
 */
const COST = {};
const DEFAULT_COST = 20;

function log(msg) {
  process.stderr.write(`mocha-lanes: ${msg}\n`);
}

function allTestFiles() {
  return fs
    .readdirSync(path.join(REPO_ROOT, 'test'), { recursive: true })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.posix.join('test', f.split(path.sep).join('/')))
    .sort();
}

/** Splits files into `count` lanes of about equal cost; the TOGETHER groups each stay in one lane. */
function balance(files, count) {
  const units = [];
  const left = new Set(files);
  for (const group of TOGETHER) {
    const present = group.filter((f) => left.has(f));
    present.forEach((f) => left.delete(f));
    if (present.length) units.push(present);
  }
  for (const f of left) units.push([f]);
  const cost = (unit) => unit.reduce((sum, f) => sum + (COST[f] ?? DEFAULT_COST), 0);
  units.sort((a, b) => cost(b) - cost(a));
  const lanes = Array.from({ length: count }, () => ({ files: [], cost: 0 }));
  for (const unit of units) {
    const lightest = lanes.reduce((min, lane) => (lane.cost < min.cost ? lane : min));
    lightest.files.push(...unit);
    lightest.cost += cost(unit);
  }
  return lanes.filter((lane) => lane.files.length > 0);
}

const children = new Set();

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
    env: { ...process.env, ...env, WDM_TEST_RESULTS: resultsFile },
  });
  children.add(child);
  return new Promise((resolve) => {
    const finish = (code) => {
      children.delete(child);
      fs.closeSync(out);
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      process.stdout.write(`\n===== ${name} (${seconds} s, exit ${code}): ${files.join(' ')}\n`);
      process.stdout.write(fs.readFileSync(logFile, 'utf8'));
      let results;
      try {
        results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
      } catch {
        results = undefined;
      }
      resolve({ name, code, results });
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
  const serial = SERIAL.filter((f) => files.includes(f));
  const lanes = balance(files.filter((f) => !serial.includes(f)), laneCount);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-lanes-'));
  // One built scratch checkout for all lanes (see test/support/scratch-project.ts).
  const env = { WDM_TEST_SCRATCH_TEMPLATE: path.join(dir, 'scratch-template') };
  fs.mkdirSync(env.WDM_TEST_SCRATCH_TEMPLATE);
  try {
    const started = Date.now();
    log(`${lanes.length} lanes side by side, then ${serial.length} files alone`);
    const reports = await Promise.all(lanes.map((lane, i) => runLane(`lane ${i + 1}`, lane.files, mochaArgs, dir, env)));
    log(`lanes done after ${((Date.now() - started) / 1000).toFixed(0)} s; now the serial files`);
    if (serial.length) reports.push(await runLane('serial', serial, mochaArgs, dir, env));
    log(`all done after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return report(reports);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
  process.stdout.write(`\nSlowest 15 tests:\n${slowestLines(tests).join('\n')}\n\n`);
  process.stdout.write(`${summaryLine(totals)}\n`);
  return totals.failures > 0 ? 1 : 0;
}

// run-with-servers passes SIGINT/SIGTERM on; pass it to every lane, whose exit then ends main().
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
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
