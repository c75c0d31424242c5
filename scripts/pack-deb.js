#!/usr/bin/env node
// Builds dist/watcher-db-manage_<version>_amd64.deb from the standalone tarball (scripts/pack-tarball.js,
// built first): Usage: node scripts/pack-deb.js  (after `npm run build`; `npm run pack:deb` does both).
//
// `oclif pack deb` does not fit: it builds every linux target (downloading their Node.js), needs sudo
// and apt-ftparchive, writes an apt repository around the package and installs no man page. So the
// package is put together here and built with dpkg-deb:
//   /usr/lib/watcher-db-manage/      the tarball's tree: the tool, its dependencies, bin/node
//   /usr/bin/watcher-db-manage       runs that tree with that Node.js (never a system one)
//   /usr/share/man/man1/watcher-db-manage.1.gz   written from the commands' help (scripts/man-page.js)
//   /usr/share/doc/watcher-db-manage/copyright    every bundled component's licence (scripts/deb-copyright.js)
//   /usr/share/doc/watcher-db-manage/changelog.gz
//   /usr/share/lintian/overrides/watcher-db-manage  the one lintian error bundling Node.js implies
// Debian's python3-watcher ships /usr/bin/watcher-db-manage too. This package is its drop-in, so it
// diverts the Python one to /usr/bin/watcher-db-manage.python while installed (preinst) and gives it
// back when removed (postrm): both packages stay installable side by side, and `dpkg --purge` leaves
// the system as it was. Apart from that diversion the package is only files.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { packTarball, megabytes, ROOT } = require('./pack-tarball');
const { writeManPage } = require('./man-page');
const { copyrightFile } = require('./deb-copyright');

const LIB = 'usr/lib/watcher-db-manage';

/**
 * The launcher: the tarball's (scripts/ship-tree.js) finds its tree from its own path; the package
 * knows where its tree is.
 */
function launcher(bin) {
  return `#!/bin/sh
# ${bin}, from the ${bin} package: the tool in /${LIB}, run by the Node.js bundled there.
exec /${LIB}/bin/node /${LIB}/bin/run.js "$@"
`;
}

/**
 * The shared libraries the bundled Node.js and native addons link to, as Debian packages (what
 * dpkg-shlibdeps would say, without the versions: the binaries come from this very system).
 */
function sharedLibraryDepends(tree) {
  const binaries = [path.join(tree, 'bin', 'node')];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.node')) binaries.push(p);
    }
  };
  walk(path.join(tree, 'node_modules'));
  const libraries = new Set();
  for (const binary of binaries) {
    const r = spawnSync('ldd', [binary], { encoding: 'utf8' });
    for (const m of (r.stdout ?? '').matchAll(/=>\s+(\/\S+)/g)) libraries.add(m[1]);
  }
  // dpkg knows a file by the path its package ships, which may be the link or its target, and with or
  // without /usr (merged /usr makes /lib a link to /usr/lib): try each.
  const owner = (library) => {
    const real = fs.realpathSync(library);
    const toggled = (p) => (p.startsWith('/usr/') ? p.slice(4) : `/usr${p}`);
    for (const candidate of [library, real, toggled(library), toggled(real)]) {
      const r = spawnSync('dpkg', ['-S', candidate], { encoding: 'utf8' });
      if (r.status === 0) return r.stdout.split(':')[0].trim();
    }
    return undefined;
  };
  const packages = new Set();
  for (const library of libraries) {
    const name = owner(library);
    if (name) packages.add(name);
    else console.error(`pack:deb: ${library} belongs to no Debian package; not in Depends`);
  }
  return [...packages].sort();
}

/** The paths another package (python3-watcher) may hold and this one diverts: the command and its page. */
function diverted(bin) {
  return [`/usr/bin/${bin}`, `/usr/share/man/man1/${bin}.1.gz`].map((p) => ({
    path: p,
    divert: p.endsWith('.1.gz') ? p.replace(/\.1\.gz$/, '.python.1.gz') : `${p}.python`,
  }));
}

function maintainerScripts(name, bin) {
  const divert = (op) =>
    diverted(bin)
      .map((d) => `  dpkg-divert --package ${name} --${op} --rename --divert ${d.divert} ${d.path}`)
      .join('\n');
  return {
    preinst: `#!/bin/sh
# The Python watcher-db-manage (python3-watcher), if any, moves aside to ${bin}.python while this is installed.
set -e
if [ "$1" = install ] || [ "$1" = upgrade ]; then
${divert('add')}
fi
`,
    postrm: `#!/bin/sh
# Gives the Python watcher-db-manage its name back.
set -e
if [ "$1" = remove ] || [ "$1" = abort-install ] || [ "$1" = disappear ]; then
${divert('remove')}
fi
`,
  };
}

/**
 * dch's variables name the maintainer, as for any Debian package built by hand; else package.json's
 * author, the project's address.
 */
function maintainer(pjson) {
  if (process.env.DEBFULLNAME && process.env.DEBEMAIL) return `${process.env.DEBFULLNAME} <${process.env.DEBEMAIL}>`;
  const a = pjson.author;
  const text = typeof a === 'string' ? a : a?.name && a?.email ? `${a.name} <${a.email}>` : undefined;
  if (!text || !/^[^<>]+ <[^<>@\s]+@[^<>\s]+>$/.test(text)) {
    throw new Error('no maintainer: set DEBFULLNAME and DEBEMAIL, or package.json "author" to "Name <address>"');
  }
  return text;
}

/** RFC 5322 date, as Debian changelogs have it: SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
function changelogDate() {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const d = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  const [day, month] = [d.toUTCString().slice(0, 3), d.toUTCString().slice(8, 11)];
  const pad = (n) => String(n).padStart(2, '0');
  return `${day}, ${pad(d.getUTCDate())} ${month} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * The changelog. The version has no Debian revision (the package is built from the source tree itself,
 * a "native" package in Debian's terms), so the file is changelog.gz, not changelog.Debian.gz.
 */
function changelog({ name, debVersion, version, sha }, who) {
  return [
    `${name} (${debVersion}) unstable; urgency=medium`,
    '',
    `  * ${name} ${version}${sha ? ` (git ${sha})` : ''}, with Node.js ${process.versions.node}.`,
    '',
    ` -- ${who}  ${changelogDate()}`,
    '',
  ].join('\n');
}

/** lintian overrides, each for a tag that bundling Node.js implies, each with why. */
function lintianOverrides(name) {
  return `# The package bundles Node.js (/${LIB}/bin/node), so that the tool runs on the Node.js it was
# built and tested with whatever the system has. Node.js builds the zlib it ships with into its
# binary, as upstream's builds do; the package cannot use the system's libz instead.
${name}: embedded-library zlib [${LIB}/bin/node]
`;
}

/** Debian compresses documentation with gzip -9 and no name or timestamp in the header (zlib writes none). */
function gzip(data) {
  return zlib.gzipSync(data, { level: 9 });
}

function controlFile({ name, debVersion, depends, installedSize, maintainer }) {
  return [
    `Package: ${name}`,
    `Version: ${debVersion}`,
    'Architecture: amd64',
    `Maintainer: ${maintainer}`,
    `Installed-Size: ${installedSize}`,
    ...(depends.length ? [`Depends: ${depends.join(', ')}`] : []),
    'Section: admin',
    'Priority: optional',
    // The synopsis line: under 80 columns, as Debian asks (package.json's description is longer).
    'Description: database management tool of OpenStack Watcher',
    ' The database management tool of OpenStack Watcher, a drop-in for the Python',
    ' watcher-db-manage: create_schema, upgrade, downgrade, stamp, revisions, check',
    ' and purge, on SQLite, MySQL/MariaDB and PostgreSQL. Node.js is bundled.',
    '',
  ].join('\n');
}

function kilobytes(dir) {
  let total = 0;
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else total += Math.ceil(fs.lstatSync(p).size / 1024);
    }
  };
  walk(dir);
  return total;
}

async function packDeb(root = ROOT) {
  const built = await packTarball(root);
  const { bin, name, debVersion } = built;
  const base = `${name}_${debVersion}_amd64`;
  const stage = path.join(root, 'tmp', 'deb', base);
  fs.rmSync(stage, { recursive: true, force: true });
  const lib = path.join(stage, LIB);
  fs.mkdirSync(lib, { recursive: true });
  execFileSync('tar', ['-xzf', built.tarball, '-C', lib, '--strip-components=1', '--no-same-owner']);
  // The tarball's launchers (see launcher()); the package has its own in /usr/bin.
  for (const f of fs.readdirSync(path.join(lib, 'bin'))) {
    if (f === bin || f.endsWith('.cmd')) fs.rmSync(path.join(lib, 'bin', f));
  }
  fs.mkdirSync(path.join(stage, 'usr', 'bin'), { recursive: true });
  fs.writeFileSync(path.join(stage, 'usr', 'bin', bin), launcher(bin), { mode: 0o755 });

  const manDir = path.join(stage, 'usr', 'share', 'man', 'man1');
  const page = path.join(root, 'tmp', 'deb', `${bin}.1`);
  const { commands } = await writeManPage(page, root);
  console.log(`pack:deb: man page ${bin}(1) written from the help of its ${commands.length} commands (${commands.join(', ')})`);
  fs.mkdirSync(manDir, { recursive: true });
  fs.writeFileSync(path.join(manDir, `${bin}.1.gz`), gzip(fs.readFileSync(page)));
  fs.rmSync(page);

  const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const who = maintainer(pjson);
  const doc = path.join(stage, 'usr', 'share', 'doc', name);
  fs.mkdirSync(doc, { recursive: true });
  fs.writeFileSync(path.join(doc, 'copyright'), copyrightFile({ lib, pathInPackage: LIB, pjson }));
  fs.writeFileSync(path.join(doc, 'changelog.gz'), gzip(changelog(built, who)));
  const overrides = path.join(stage, 'usr', 'share', 'lintian', 'overrides');
  fs.mkdirSync(overrides, { recursive: true });
  fs.writeFileSync(path.join(overrides, name), lintianOverrides(name));

  const depends = sharedLibraryDepends(lib);
  fs.mkdirSync(path.join(stage, 'DEBIAN'));
  fs.writeFileSync(
    path.join(stage, 'DEBIAN', 'control'),
    controlFile({ name, debVersion, depends, installedSize: kilobytes(path.join(stage, 'usr')), maintainer: who }),
  );
  for (const [script, text] of Object.entries(maintainerScripts(name, bin))) {
    fs.writeFileSync(path.join(stage, 'DEBIAN', script), text, { mode: 0o755 });
  }
  // Everything root-owned whoever builds (no fakeroot or sudo needed), directories and files as dpkg expects.
  execFileSync('chmod', ['-R', 'u+rwX,go+rX,go-w', stage]);
  const deb = path.join(root, 'dist', `${base}.deb`);
  fs.rmSync(deb, { force: true });
  // gzip: xz would take minutes over the Node.js binary on a small machine, for a third less size.
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', stage, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
  fs.rmSync(path.join(root, 'tmp', 'deb'), { recursive: true, force: true });
  return { ...built, deb, depends, maintainer: who };
}

module.exports = { packDeb };

if (require.main === module) {
  packDeb().then(
    ({ deb, tarball, bin, debVersion, depends }) => {
      console.log(`pack:deb: built ${tarball} (${megabytes(tarball)})`);
      console.log(
        `pack:deb: built ${deb} (${megabytes(deb)}): ${bin} ${debVersion}, /usr/bin/${bin} with its own Node.js ${process.versions.node} in /${LIB}, ` +
          `man page ${bin}(1)${depends.length ? `; depends on ${depends.join(', ')}` : ''}`,
      );
    },
    (error) => {
      console.error(`pack:deb: error: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
