#!/usr/bin/env node
// Builds the standalone tarball (`oclif pack tarballs`): the package, its production dependencies and a
// Node.js binary, unpacked as watcher-db-manage/ with bin/watcher-db-manage. Usage: node scripts/pack-tarball.js
// (after `npm run build`; `npm run pack` does both).
//
// It must work where distributions build: from an unpacked release tarball (no .git) and offline, with
// only the npm registry (or npm's cache) reachable.
// - Version: package.json's, plus git's short sha when the tree is a git checkout. oclif would run
//   `git rev-parse` itself and die without .git, so the sha is always passed (--sha) and the file is
//   named here.
// - Node.js: oclif would download it; its cache (tmp/cache/node-v<version>-linux-x64/node) is filled
//   beforehand with the Node.js that runs this script, which is the version oclif bundles (it takes
//   process.versions.node).
// - The tree: production dependencies without peer dependencies, trimmed by scripts/ship-tree.js
//   (oclif's `pretarball` hook) to what runs, with a launcher that runs nothing outside it.
// - oclif's update check (plugin-warn-if-update-available) is switched off with its documented
//   OCLIF_SKIP_NEW_VERSION_CHECK: it would nag about an oclif the project cannot take (6.x needs Node 22).
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '..');
const TARGET = 'linux-x64';

/**
 * package.json's version, and the short sha of HEAD when `root` itself is a git checkout. A release
 * tree unpacked inside some other git repository (a distribution's packaging repository) must not
 * take that repository's sha, hence the check for root/.git rather than asking git.
 */
function sourceVersion(root = ROOT) {
  const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  let sha;
  if (fs.existsSync(path.join(root, '.git'))) {
    try {
      sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (error) {
      const why = String(error.stderr || error.message).trim().split('\n')[0];
      console.error(`pack: ${root}/.git exists but git gives no commit (${why}); the version carries no sha`);
    }
  }
  return {
    name: pjson.name,
    bin: pjson.oclif.bin,
    version: pjson.version,
    sha,
    /** The standalone tarball's version: oclif's form, <version>-<sha>. */
    tarballVersion: sha ? `${pjson.version}-${sha}` : pjson.version,
    /** The .deb's: a Debian upstream version, where `-` would start the Debian revision. */
    debVersion: sha ? `${pjson.version}+git${sha}` : pjson.version,
    source: sha ? `package.json ${pjson.version}, git ${sha}` : `package.json ${pjson.version}, no git checkout`,
  };
}

/**
 * better-sqlite3's production install would compile SQLite (a minute and a half on a small machine:
 * its prebuilt binaries are on GitHub, which is not reachable where distributions build). The binary
 * `npm ci` built here for this same Node.js is offered instead, as a local prebuild (prebuild-install's
 * documented <package>_local_prebuilds setting); without one it compiles as before.
 */
function localPrebuilds(root) {
  let dir;
  try {
    dir = path.dirname(require.resolve('better-sqlite3/package.json', { paths: [root] }));
  } catch {
    return {};
  }
  const binary = 'build/Release/better_sqlite3.node';
  if (!fs.existsSync(path.join(dir, binary))) return {};
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const prebuilds = path.join(root, 'tmp', 'prebuilds');
  fs.mkdirSync(prebuilds, { recursive: true });
  // The name prebuild-install looks for: the version being installed, this Node.js's ABI and platform.
  const file = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', path.join(prebuilds, file), '-C', dir, binary]);
  return { npm_config_better_sqlite3_local_prebuilds: prebuilds };
}

/** Runs the dev CLI `oclif` with stdout passed on and stderr passed on but for `drop`'s lines. */
function runOclif(root, args, drop, env = {}) {
  const oclif = require.resolve('oclif/bin/run.js', { paths: [root] });
  const child = spawn(process.execPath, [oclif, ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
    env: {
      ...process.env,
      OCLIF_SKIP_NEW_VERSION_CHECK: '1',
      // The production install oclif runs takes packages from npm's cache when it has them (CI just ran
      // npm ci), and asks the registry nothing it does not need.
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      ...env,
    },
  });
  // oclif's warnings are wrapped to the terminal's width: a dropped warning's continuation lines
  // (" ›   ..." without a new "Warning:") go with it.
  let dropping = false;
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    if (dropping && /^\s*›\s/.test(line) && !/Warning:|Error:/.test(line)) return;
    dropping = drop.some((re) => re.test(line));
    if (!dropping) process.stderr.write(line + '\n');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`oclif ${args.slice(0, 2).join(' ')} failed (${signal ?? `exit status ${code}`})`));
    });
  });
}

/** Builds dist/<bin>-v<version>[-<sha>]-linux-x64.tar.gz from the built tree; returns its path. */
async function packTarball(root = ROOT) {
  const target = `${process.platform}-${process.arch}`;
  if (target !== TARGET) throw new Error(`builds ${TARGET} only, from a ${TARGET} Node.js (this one is ${target})`);
  if (!fs.existsSync(path.join(root, 'oclif.manifest.json'))) throw new Error('no oclif.manifest.json: run `npm run build` first');
  const v = sourceVersion(root);
  console.log(`pack: version ${v.tarballVersion} (${v.source})`);

  const cached = path.join(root, 'tmp', 'cache', `node-v${process.versions.node}-${TARGET}`, 'node');
  // Always copied afresh: a copy left by an older pack script may be unstripped.
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  fs.copyFileSync(process.execPath, cached);
  // Without its debugging symbols (12 MB here): the symbols addons link against are dynamic
  // ones, which --strip-unneeded keeps.
  execFileSync('strip', ['--strip-unneeded', cached]);
  fs.chmodSync(cached, 0o755);
  console.log(`pack: bundling Node.js ${process.versions.node} from ${process.execPath} (nothing is downloaded)`);

  const dist = path.join(root, 'dist');
  const named = (sha) => path.join(dist, `${v.bin}-v${v.version}-${sha}-${TARGET}.tar.gz`);
  // oclif names the file <bin>-v<version>-<sha>-<target>; without git the sha is a placeholder,
  // dropped from the name below.
  const sha = v.sha ?? 'nogit';
  fs.rmSync(named(sha), { force: true });
  // The production install leaves out peer dependencies (npm's legacy-peer-deps): the drivers TypeORM
  // names as its optional peers are this tool's own dependencies, and npm would otherwise install the
  // rest of the peers the lock file holds for development, typescript, ts-node and @types/node (28 MB
  // never loaded: oclif loads ts-node in development only, TypeORM for .ts entities and its CLI only).
  // oclif then runs the package's pretarball script, scripts/ship-tree.js, which trims the tree.
  await runOclif(root, ['pack', 'tarballs', '--targets', TARGET, '--no-xz', '--sha', sha, '--root', root], [
    // The tarball is not meant to update itself (distributions and the .deb update it): not a problem.
    /No S3 bucket or host configured/,
  ], { ...localPrebuilds(root), npm_config_legacy_peer_deps: 'true' });
  const tarball = path.join(dist, `${v.bin}-v${v.tarballVersion}-${TARGET}.tar.gz`);
  if (named(sha) !== tarball) fs.renameSync(named(sha), tarball);
  return { tarball, ...v };
}

function megabytes(file) {
  return `${(fs.statSync(file).size / 1e6).toFixed(0)} MB`;
}

module.exports = { sourceVersion, packTarball, runOclif, megabytes, localPrebuilds, ROOT, TARGET };

if (require.main === module) {
  packTarball().then(
    ({ tarball, bin }) => {
      console.log(`pack: built ${tarball} (${megabytes(tarball)}): ${bin}/, run ${bin}/bin/${bin}; Node.js ${process.versions.node} inside`);
    },
    (error) => {
      console.error(`pack: error: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
