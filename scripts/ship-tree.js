#!/usr/bin/env node
// Trims the tree the standalone tarball (and so the .deb) ships to what runs. oclif runs it as the
// package's `pretarball` script, in its workspace (tmp/watcher-db-manage/, the npm package with its
// production dependencies and oclif's launcher), before it adds Node.js and packs the tarball.
// Usage: node scripts/ship-tree.js [TREE]  (default: the current directory, as oclif runs it)
//
// What goes, and why it is safe:
// - oclif's launchers (bin/<bin>, bin/<bin>.cmd): before running its own tree, bin/<bin> runs
//   $XDG_DATA_HOME/<bin>/client/bin/<bin> when that exists (oclif's auto-update), and takes a Node.js
//   from $XDG_DATA_HOME/oclif/node or PATH when the bundled one is missing. A few lines of sh replace it
//   that run the bundled Node.js on the bundled bin/run.js, resolved from the launcher's own path.
// - TypeScript material, never loaded at run time: declarations (*.d.ts, ...), TypeScript sources,
//   source maps. (typescript, ts-node and @types/node are not even installed: pack-tarball.js installs
//   without peer dependencies, see there.)
// - better-sqlite3's build inputs (SQLite's amalgamation in deps/, the C++ in src/, build/ but the
//   addon itself): the addon is built already.
// - node_modules/.bin and the files the packages declare as their command-line programs (package.json
//   "bin": semver's, ejs's, typeorm's CLI...): the tool runs none of them, and each is a script for a
//   `node` the package does not depend on. Dot files (.npmignore, .eslintrc, ...): the packages' own
//   build and lint settings.
// - TypeORM's browser build (typeorm/browser, 4.6 MB): Node.js loads typeorm/index.js (the "node"
//   condition of its exports).
// - Shebangs: bin/run.js is run by the launcher with the bundled Node.js, so it keeps no `#!/usr/bin/env
//   node` pointing at some other one (the line is blanked: line numbers in stack traces stay right).
// Modes: the launcher and bin/node executable, every other file 0644 (the addon is a shared library,
// loaded, never executed). better_sqlite3.node is stripped (strip --strip-unneeded, as Debian strips
// shared libraries); pack-tarball.js strips the Node.js binary it bundles.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** The launcher: POSIX sh, runs only files of its own tree (symlinks to it resolved, e.g. from /usr/local/bin). */
function launcher(bin) {
  return `#!/bin/sh
# ${bin}: runs the bundled Node.js on the bundled tool, in the tree this script belongs to, and nothing else.
set -e
self=$0
while [ -h "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=$(dirname "$self")/$link ;;
  esac
done
dir=$(CDPATH= cd -P "$(dirname "$self")" && pwd)
exec "$dir/node" "$dir/run.js" "$@"
`;
}

const TYPESCRIPT = /\.(d\.ts|d\.mts|d\.cts|ts|mts|cts|tsx|map)$/;

function walk(dir, visit) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (visit(p, entry) === false) continue;
    if (entry.isDirectory()) walk(p, visit);
  }
}

/** Every package directory under node_modules (scoped and nested ones too). */
function packageDirs(nodeModules) {
  const dirs = [];
  if (!fs.existsSync(nodeModules)) return dirs;
  for (const name of fs.readdirSync(nodeModules)) {
    if (name.startsWith('.')) continue;
    const p = path.join(nodeModules, name);
    const candidates = name.startsWith('@') ? fs.readdirSync(p).map((s) => path.join(p, s)) : [p];
    for (const dir of candidates) {
      if (!fs.existsSync(path.join(dir, 'package.json'))) continue;
      dirs.push(dir, ...packageDirs(path.join(dir, 'node_modules')));
    }
  }
  return dirs;
}

/** The command-line programs a package declares, unless one is also what `require(package)` loads. */
function declaredPrograms(dir) {
  const pjson = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const bins = typeof pjson.bin === 'string' ? [pjson.bin] : Object.values(pjson.bin ?? {});
  const main = path.resolve(dir, pjson.main ?? 'index.js');
  return bins.map((b) => path.resolve(dir, b)).filter((b) => b !== main && b !== `${main}.js` && b.startsWith(dir + path.sep));
}

function shipTree(tree, bin) {
  const removed = { files: 0, bytes: 0 };
  const remove = (p) => {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) walk(p, (q, e) => { if (e.isFile()) { removed.files++; removed.bytes += fs.lstatSync(q).size; } });
    else { removed.files++; removed.bytes += stat.size; }
    fs.rmSync(p, { recursive: true, force: true });
  };

  const binDir = path.join(tree, 'bin');
  for (const f of fs.readdirSync(binDir)) if (f.endsWith('.cmd')) remove(path.join(binDir, f));
  fs.writeFileSync(path.join(binDir, bin), launcher(bin));

  const nodeModules = path.join(tree, 'node_modules');
  remove(path.join(nodeModules, '.bin'));
  for (const dir of packageDirs(nodeModules)) {
    for (const program of declaredPrograms(dir)) remove(program);
    remove(path.join(dir, 'node_modules', '.bin'));
  }
  const sqlite = path.join(nodeModules, 'better-sqlite3');
  const addon = path.join(sqlite, 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(addon)) {
    for (const d of ['deps', 'src', 'binding.gyp']) remove(path.join(sqlite, d));
    walk(path.join(sqlite, 'build'), (p, e) => {
      if (p === addon || addon.startsWith(p + path.sep)) return true;
      remove(p);
      return false;
    });
    execFileSync('strip', ['--strip-unneeded', addon]);
  }
  remove(path.join(nodeModules, 'typeorm', 'browser'));
  walk(nodeModules, (p, e) => {
    if (e.name.startsWith('.') || (e.isFile() && TYPESCRIPT.test(e.name))) {
      remove(p);
      return false;
    }
    return true;
  });

  const run = path.join(binDir, 'run.js');
  fs.writeFileSync(run, fs.readFileSync(run, 'utf8').replace(/^#!.*/, ''));
  walk(tree, (p, e) => {
    if (e.isFile()) fs.chmodSync(p, p === path.join(binDir, bin) ? 0o755 : 0o644);
    else if (e.isDirectory()) fs.chmodSync(p, 0o755);
  });
  return removed;
}

module.exports = { shipTree, launcher, packageDirs };

if (require.main === module) {
  const tree = path.resolve(process.argv[2] ?? '.');
  // It deletes files: never in a checkout (`npm run pretarball` typed there by mistake).
  if (['.git', 'tsconfig.json', 'src'].some((f) => fs.existsSync(path.join(tree, f)))) {
    console.error(`ship-tree: error: ${tree} is a source tree, not the packed tree oclif builds the tarball from`);
    process.exit(1);
  }
  const { bin } = JSON.parse(fs.readFileSync(path.join(tree, 'package.json'), 'utf8')).oclif;
  const { files, bytes } = shipTree(tree, bin);
  console.log(`ship-tree: ${tree}: launcher bin/${bin} written; ${files} files not needed at run time removed (${(bytes / 1e6).toFixed(1)} MB)`);
}
