#!/usr/bin/env node
// Builds dist/vendor/oclif-core.js: the parts of @oclif/core the CLI uses, with their dependencies,
// in one file (src/cli/oclif.ts loads it). Every run of the tool loads oclif, and loaded from
// node_modules that is about 200 files, each resolved, read and compiled on its own: some 55 ms of
// CPU, the largest part of `--help` or `version`. One file costs about a third of that.
//
// Each part is evaluated when first used (esbuild keeps each bundled module lazy until required), so
// `version` does not evaluate the help renderer. TypeScript and ts-node stay outside: oclif loads them
// only to run sources in development (bin/dev.js, which uses node_modules, not this file).
'use strict';
const esbuild = require('esbuild');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

// The parts src/cli/oclif-parts.ts names, as compiled by tsc just before.
const entry = "module.exports = require('./dist/src/cli/oclif-parts.js').oclifFromPackages();";

esbuild.buildSync({
  stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'oclif-core-entry.js', loader: 'js' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: path.join(ROOT, 'dist', 'vendor', 'oclif-core.js'),
  external: ['typescript', 'ts-node', 'tsx'],
  legalComments: 'inline',
  logLevel: 'warning',
});
