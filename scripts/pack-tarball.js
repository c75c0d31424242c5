#!/usr/bin/env node
// Builds the standalone tarball (`oclif pack tarballs`): the package, its production dependencies and a
// Node.js binary, unpacked as watcher-db-manage/ with bin/watcher-db-manage. Only the npm registry is
// reachable here, so oclif must not download Node.js: its cache (tmp/cache/node-v<version>-linux-x64/node)
// is filled beforehand with the Node.js that runs this script, which is the version oclif bundles (it
// takes process.versions.node). Usage: node scripts/pack-tarball.js  (after `npm run build`).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const target = `${process.platform}-${process.arch}`;
if (target !== 'linux-x64') {
  console.error(`pack-tarball: builds linux-x64 only, from a linux-x64 Node.js (this one is ${target})`);
  process.exit(1);
}

const cached = path.join(root, 'tmp', 'cache', `node-v${process.versions.node}-linux-x64`, 'node');
if (!fs.existsSync(cached)) {
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  fs.copyFileSync(process.execPath, cached);
  fs.chmodSync(cached, 0o755);
  console.log(`pack-tarball: Node.js ${process.versions.node} from ${process.execPath} put into oclif's cache`);
}

const oclif = require.resolve('oclif/bin/run.js', { paths: [root] });
execFileSync(process.execPath, [oclif, 'pack', 'tarballs', '--targets', 'linux-x64', '--no-xz', '--root', root], {
  cwd: root,
  stdio: 'inherit',
  // The production install oclif runs takes packages from npm's cache when it has them (CI just ran npm ci).
  env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' },
});

const out = path.join(root, 'dist');
const tarballs = fs.readdirSync(out).filter((f) => f.endsWith('-linux-x64.tar.gz'));
for (const f of tarballs) console.log(path.join(out, f));
