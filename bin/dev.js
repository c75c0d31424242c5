#!/usr/bin/env node
// Runs the TypeScript sources directly, for developing without a build.
require('ts-node').register({ project: require('node:path').join(__dirname, '..', 'tsconfig.json'), transpileOnly: true });
require('reflect-metadata');
require('../src/cli/main').main(process.argv.slice(2), { development: true, dir: __dirname });
