// Mocha's spec reporter, plus at the end the 15 slowest tests with their seconds (so the next cost is
// visible in every CI log) and a closing line in the plain form CI reads in any language:
// "N passed, N failed" (", N skipped" when some were).
//
// With WDM_TEST_RESULTS=<file> it prints neither, and writes the counts and every test's duration
// there as JSON instead: the lane runner (test/support/mocha-lanes.js) runs several mochas and
// prints the combined ranking and summary line itself, once, at the very end.
'use strict';

const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');
const { cpuSeconds } = require('./proc-cpu');

const SLOWEST = 15;

/** "  12.3 s  file.test.ts  describe title > test title" lines of the `count` slowest of `tests`. */
function slowestLines(tests, count = SLOWEST) {
  return [...tests]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((t) => `${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.file}  ${t.title}`);
}

/** The closing line CI reads. */
function summaryLine({ passes, failures, pending }) {
  return `${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`;
}

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tests = [];
    const record = (test) => {
      tests.push({ file: path.relative(process.cwd(), test.file || '?'), title: test.fullTitle(), ms: test.duration || 0 });
    };
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, record);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test) => {
      // A hook failure has no duration of its own; it is counted as a failure all the same.
      if (test.type === 'test') record(test);
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = this.stats;
      const resultsFile = process.env.WDM_TEST_RESULTS;
      if (resultsFile) {
        fs.writeFileSync(resultsFile, JSON.stringify({ passes, failures, pending, tests, cpu: cpuSeconds() }));
        return;
      }
      process.stdout.write(`\nSlowest ${SLOWEST} tests:\n${slowestLines(tests).join('\n')}\n\n`);
      process.stdout.write(`${summaryLine({ passes, failures, pending })}\n`);
    });
  }
}

module.exports = SpecWithSummary;
module.exports.slowestLines = slowestLines;
module.exports.summaryLine = summaryLine;
