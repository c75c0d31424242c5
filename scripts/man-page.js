#!/usr/bin/env node
// Writes watcher-db-manage(1) from the built tool (src/cli/man-page.ts renders it from the commands'
// help metadata, the exit codes and the config options), then has groff check it when groff is here.
// Usage: node scripts/man-page.js [OUT]  (after `npm run build`; default dist/man/watcher-db-manage.1)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** The page's date: SOURCE_DATE_EPOCH when set (reproducible builds), else today. */
function pageDate() {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return date.toISOString().slice(0, 10);
}

async function writeManPage(out, root = ROOT) {
  const built = path.join(root, 'dist', 'src', 'cli', 'man-page.js');
  if (!fs.existsSync(built) || !fs.existsSync(path.join(root, 'oclif.manifest.json'))) throw new Error('the tool is not built: run `npm run build` first');
  const { Config } = require(require.resolve('@oclif/core', { paths: [root] }));
  // The commands as --help sees them: the tool's manifest and its plugins' (autocomplete), no user plugins.
  const config = await Config.load({ root, devPlugins: false, userPlugins: false });
  const { renderManPage } = require(built);
  const page = renderManPage({
    bin: config.bin,
    pluginName: config.pjson.name,
    version: config.version,
    description: config.pjson.description,
    commands: config.commands,
    helpFlags: config.pjson.oclif.additionalHelpFlags ?? [],
    date: pageDate(),
  });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, page);
  checkManPage(out);
  return { out, commands: config.commands.filter((c) => !c.hidden).map((c) => c.id).sort() };
}

/** groff's warnings (a bad escape, an unknown request) fail the build; without groff, a note. */
function checkManPage(file) {
  const r = spawnSync('groff', ['-man', '-Tutf8', '-wall', '-z', file], { encoding: 'utf8' });
  if (r.error && r.error.code === 'ENOENT') {
    console.error(`man-page: groff not found, ${file} not checked (Debian: apt-get install groff-base)`);
    return;
  }
  if (r.error) throw r.error;
  const warnings = r.stderr.trim();
  if (r.status !== 0 || warnings) throw new Error(`groff finds fault with ${file}: ${warnings.split('\n').slice(0, 3).join('; ')}`);
}

module.exports = { writeManPage, checkManPage };

if (require.main === module) {
  const arg = process.argv[2];
  // An option here is a mistake (or a request for help), never a file to write over.
  if (process.argv.length > 3 || (arg !== undefined && arg.startsWith('-'))) {
    console.error('usage: node scripts/man-page.js [OUT]  (default dist/man/watcher-db-manage.1)');
    process.exit(arg === '--help' || arg === '-h' ? 0 : 2);
  }
  const out = path.resolve(arg ?? path.join(ROOT, 'dist', 'man', 'watcher-db-manage.1'));
  writeManPage(out).then(
    ({ commands }) => console.log(`man-page: wrote ${out} (${commands.length} commands: ${commands.join(', ')})`),
    (error) => {
      console.error(`man-page: error: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
