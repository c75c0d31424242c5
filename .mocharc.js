// mocha's configuration. The whole suite by default; test files named on the command line
// (`npm test -- test/url.test.ts`) run alone, since mocha would otherwise add them to the config's spec.
'use strict';

const named = process.argv.slice(2).filter((arg) => /\.test\.ts$/.test(arg));

module.exports = {
  require: ['test/support/cpu-trace.js', 'ts-node/register/transpile-only', 'reflect-metadata', 'test/support/galera-cluster.ts'],
  spec: named.length > 0 ? [] : ['test/**/*.test.ts'],
  timeout: 120000,
  recursive: true,
  reporter: './test/support/summary-reporter.js',
};
