#!/usr/bin/env node
// Entry point of the installed tool: runs the compiled commands (dist/).
require('../dist/src/cli/main').main(process.argv.slice(2), { development: false, dir: __dirname });
