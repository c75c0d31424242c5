// Issue 15: packing as a distribution does, and the .deb. A release tree (the files git tracks, no .git,
// inside some other git repository as a distribution's packaging repository would be) is packed with
// `npm run pack` and `npm run pack:deb`; the .deb is installed into the real root (the tests run as root),
// run without any Node.js on PATH, its man page read with man, and purged. Packing from a git checkout
// (the sha in both versions) is test/ship.test.ts's, which packs anyway.
import { execFileSync, spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from './support/cli';
import { EXIT_CODES } from '../src/cli/exit-codes';

const PKG = 'watcher-db-manage';
const pjson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const VERSION: string = pjson.version;
/**
 * Installed-Size bound, in KiB: 169 421 with typescript, ts-node, declarations, source maps, SQLite's
 * sources and an unstripped Node.js; 98 369 without (84 000 of them Node.js). The bound leaves room
 * for dependency updates.
 */
const MAX_INSTALLED_KB = 115_000;

function check(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error) throw r.error;
  expect(r.status, `${what} failed\n${r.stdout}\n${r.stderr}`).to.equal(0);
  return `${r.stdout}${r.stderr}`;
}

/** What a packager would not want to read: an update nag, a git failure, a stack trace. */
function expectQuiet(output: string, what: string): void {
  expect(output, `${what} nags about an update`).to.not.match(/update available/i);
  expect(output, `${what} tried git`).to.not.match(/git rev-parse|not a git repository/i);
  expect(output, `${what} printed a stack trace`).to.not.match(/^\s+at .+:\d+:\d+\)?$/m);
}

function installed(): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', PKG], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('installed') && !r.stdout.includes('not-installed');
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('packaging from a release tree, and the .deb (issue 15)', function () {
  this.timeout(1_200_000);
  let tmp: string;
  let tree: string;
  let env: NodeJS.ProcessEnv;
  let deb: string;
  /** lintian's output, run in the background while the package is installed and tried. */
  let lintian: Promise<{ status: number | null; output: string }> | undefined;

  const npmRun = (script: string) => spawnSync('npm', ['run', script], { cwd: tree, env, encoding: 'utf8', timeout: 900_000 });

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-deb-'));
    // The release tree sits inside another git repository: its sha must not be taken for the tool's.
    const outer = path.join(tmp, 'packaging');
    fs.mkdirSync(outer);
    execFileSync('git', ['init', '-q', outer]);
    execFileSync('git', ['-C', outer, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '--allow-empty', '-m', 'outer']);
    tree = path.join(outer, `${PKG}-${VERSION}`);
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of tracked) {
      if (!fs.existsSync(path.join(REPO_ROOT, file))) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, file), path.join(tree, file));
    }
    fs.symlinkSync(fs.realpathSync(path.join(REPO_ROOT, 'node_modules')), path.join(tree, 'node_modules'));
    expect(fs.existsSync(path.join(tree, '.git'))).to.equal(false);
    // oclif's update check finds a newer oclif in its cache, so an update nag would be printed unless switched off.
    const cache = path.join(tmp, 'cache');
    fs.mkdirSync(path.join(cache, 'oclif'), { recursive: true });
    fs.writeFileSync(path.join(cache, 'oclif', 'version'), JSON.stringify({ latest: '99.0.0', current: '4.24.0' }));
    env = { ...process.env, XDG_CACHE_HOME: cache, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
    delete env.OCLIF_SKIP_NEW_VERSION_CHECK;
    // The maintainer is package.json's author unless these name another.
    delete env.DEBFULLNAME;
    delete env.DEBEMAIL;
    delete env.OS_DATABASE__CONNECTION;
  });

  after(() => {
    if (installed()) spawnSync('dpkg', ['--purge', PKG], { stdio: 'ignore' });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the update nag would show here without the switch (so the tests below can see one)', () => {
    const oclif = require.resolve('oclif/bin/run.js', { paths: [REPO_ROOT] });
    const r = spawnSync(process.execPath, [oclif, '--version'], { cwd: tree, env, encoding: 'utf8' });
    // Without colour codes: ansis colours the versions when CI is set, even with no terminal.
    expect(check(r, 'oclif --version').replace(/\x1b\[[0-9;]*m/g, '')).to.match(/oclif update available from [\d.]+ to 99\.0\.0/);
  });

  it('npm run pack, without .git and offline: the tarball carries package.json\'s version and Node.js, and the output says so', () => {
    const out = check(npmRun('pack'), 'npm run pack');
    expectQuiet(out, 'npm run pack');
    expect(out).to.contain(`pack: version ${VERSION} (package.json ${VERSION}, no git checkout)`);
    expect(out).to.contain(`pack: bundling Node.js ${process.versions.node} from ${process.execPath} (nothing is downloaded)`);
    const tarball = path.join(tree, 'dist', `${PKG}-v${VERSION}-linux-x64.tar.gz`);
    expect(out).to.match(new RegExp(`pack: built ${tarball.replace(/[.+]/g, '\\$&')} \\(\\d+ MB\\)`));
    expect(fs.existsSync(tarball)).to.equal(true);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
    expect(listing).to.include.members([`${PKG}/bin/node`, `${PKG}/bin/run.js`, `${PKG}/package.json`, `${PKG}/oclif.manifest.json`]);
  });

  it('npm run pack:deb, without .git and offline: watcher-db-manage_<version>_amd64.deb with the tool, its Node.js and the man page', () => {
    const out = check(npmRun('pack:deb'), 'npm run pack:deb');
    expectQuiet(out, 'npm run pack:deb');
    deb = path.join(tree, 'dist', `${PKG}_${VERSION}_amd64.deb`);
    expect(out).to.contain(`pack:deb: built ${deb} (`);
    expect(out).to.contain(`pack:deb: built ${path.join(tree, 'dist', `${PKG}-v${VERSION}-linux-x64.tar.gz`)} (`);
    // The tool's commands and the autocomplete plugin's, as the manifest lists them.
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
    const commands = ['autocomplete', ...Object.keys(manifest.commands)].sort();
    expect(out).to.contain(`pack:deb: man page watcher-db-manage(1) written from the help of its ${commands.length} commands (${commands.join(', ')})`);
    const field = (name: string) => execFileSync('dpkg-deb', ['-f', deb, name], { encoding: 'utf8' }).trim();
    expect(field('Package')).to.equal(PKG);
    expect(field('Version')).to.equal(VERSION);
    expect(field('Architecture')).to.equal('amd64');
    expect(field('Depends')).to.contain('libc6');
    expect(field('Depends')).to.not.match(/node/); // it brings its own
    expect(field('Maintainer')).to.equal(pjson.author);
    expect(Number(field('Installed-Size')), 'Installed-Size (KiB)').to.be.below(MAX_INSTALLED_KB);
    const contents = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n');
    const paths = contents.map((line) => line.split(/\s+/).slice(5).join(' '));
    expect(paths).to.include.members([
      './usr/bin/watcher-db-manage',
      './usr/share/man/man1/watcher-db-manage.1.gz',
      './usr/lib/watcher-db-manage/bin/node',
      './usr/lib/watcher-db-manage/bin/run.js',
      './usr/share/doc/watcher-db-manage/copyright',
      './usr/share/doc/watcher-db-manage/changelog.gz',
      './usr/share/lintian/overrides/watcher-db-manage',
    ]);
    const owners = new Set(contents.map((line) => line.split(/\s+/)[1]));
    expect([...owners]).to.deep.equal(['root/root']);
    // Nothing of the build: TypeScript and its declarations, source maps, SQLite's sources, the packages' own CLIs.
    const buildTime = paths.filter((p) =>
      /\.(d\.[mc]?ts|ts|map)$|\/node_modules\/(typescript|ts-node|@types)\/|\/better-sqlite3\/(deps|src)\/|\/node_modules\/\.bin\/|\/typeorm\/browser\//.test(p),
    );
    expect(buildTime, 'build-time files in the package').to.deep.equal([]);
    // The launcher of the tarball's tree is oclif's no more; the package has its own in /usr/bin.
    expect(paths).to.not.include('./usr/lib/watcher-db-manage/bin/watcher-db-manage');
    const changelog = execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/share/doc/watcher-db-manage/changelog.gz | gzip -dc', 'sh', deb], { encoding: 'utf8' });
    expect(changelog.split('\n')[0]).to.equal(`${PKG} (${VERSION}) unstable; urgency=medium`);
    expect(changelog).to.contain(` -- ${pjson.author}  `);
    // lintian reads the whole package (a minute): in the background while the tests below install it.
    // Never rejected (a rejection nothing awaits yet would be unhandled): a failure to start is its output.
    lintian = new Promise((resolve) => {
      const child = spawn('lintian', ['--info', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', (error) => resolve({ status: null, output: `lintian did not run: ${error.message}` }));
      child.on('close', (status) => resolve({ status, output }));
    });
  });

  it('dpkg -i installs /usr/bin/watcher-db-manage, which runs without a system Node.js, and its man page; dpkg --purge removes it all', () => {
    expect(deb, 'the .deb of the test above').to.be.a('string');
    expect(process.getuid?.(), 'dpkg -i needs root (the tests run as root in CI)').to.equal(0);
    expect(installed(), `${PKG} is installed on this machine already; remove it before running this test`).to.equal(false);
    // Debian's python3-watcher owns /usr/bin/watcher-db-manage: it is diverted while ours is installed, then given back.
    const python = '/usr/bin/watcher-db-manage';
    const pythonBefore = fs.existsSync(python) ? sha256(python) : undefined;

    const install = spawnSync('dpkg', ['-i', deb], { encoding: 'utf8' });
    let files: string[] = [];
    try {
      check(install, 'dpkg -i');
      files = execFileSync('dpkg', ['-L', PKG], { encoding: 'utf8' })
        .trim()
        .split('\n')
        // Paths only: the diversion is listed too ("package diverts others to: ...").
        .filter((f) => f.startsWith('/') && !fs.lstatSync(f).isDirectory());
      expect(files).to.include.members(['/usr/bin/watcher-db-manage', '/usr/share/man/man1/watcher-db-manage.1.gz', '/usr/lib/watcher-db-manage/bin/node']);
      expectCopyrightOfInstalledTree();
      // Each lintian override is for a tag that bundling Node.js implies, and says why just above it.
      const overrides = fs.readFileSync('/usr/share/lintian/overrides/watcher-db-manage', 'utf8').trim().split('\n');
      let reason = '';
      for (const line of overrides) {
        if (line.startsWith('#')) reason += line;
        else {
          expect(reason, `the reason for ${line}`).to.match(/Node\.js/);
          reason = '';
        }
      }
      if (pythonBefore) expect(sha256('/usr/bin/watcher-db-manage.python'), 'the Python tool, moved aside').to.equal(pythonBefore);

      // No Node.js on PATH: only what a shell script may use.
      const tools = path.join(tmp, 'tools');
      fs.mkdirSync(tools);
      for (const tool of ['sh', 'cat', 'ls']) fs.symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), path.join(tools, tool));
      const bare = { HOME: tmp, PATH: tools };
      expect(spawnSync(path.join(tools, 'sh'), ['-c', 'command -v node'], { env: bare }).status, 'node on the bare PATH').to.not.equal(0);
      const run = (args: string[], extra: Record<string, string> = {}) =>
        spawnSync('/usr/bin/watcher-db-manage', args, { cwd: tmp, env: { ...bare, ...extra }, encoding: 'utf8' });
      expect(check(run(['--version']), '--version')).to.contain(`watcher-db-manage/${VERSION} linux-x64 node-v${process.versions.node}`);
      const dir = path.join(tmp, 'x');
      fs.mkdirSync(dir);
      const db = { OS_DATABASE__CONNECTION: `sqlite:///${path.join(dir, 'db.sqlite')}` };
      const up = run(['upgrade'], db);
      check(up, 'upgrade');
      expect(up.stderr).to.contain('Running upgrade 7150a7d8f228 -> f56ba02662b4');
      expect(check(run(['version'], db), 'version').trim()).to.equal('f56ba02662b4');

      // A developer's own revisions beside the installed tool (issue 22): plain JavaScript it loads.
      expect(run(['revision', '-m', 'add a thing']).stderr.trim()).to.match(/no source tree to write the revision into .*: pass --migrations-dir DIR$/);
      const own = path.join(tmp, 'own');
      fs.mkdirSync(own);
      const made = JSON.parse(check(run(['revision', '-m', 'add a thing', '--migrations-dir', own, '--json']), 'revision')) as { id: string; file: string };
      expect(path.basename(made.file)).to.equal(`${made.id}_add_a_thing.js`);
      expect(check(run(['heads', '--migrations-dir', own]), 'heads').trim()).to.equal(`${made.id} (head), add a thing`);
      const ownDb = { OS_DATABASE__CONNECTION: `sqlite:///${path.join(own, 'db.sqlite')}` };
      expect(run(['upgrade', '--migrations-dir', own], ownDb).stderr).to.contain(`Running upgrade  -> ${made.id}, add a thing`);
      expect(check(run(['version', '--migrations-dir', own], ownDb), 'version').trim()).to.equal(made.id);

      // The man page, found and read as a user would.
      expect(execFileSync('man', ['-w', PKG], { encoding: 'utf8' }).trim()).to.equal('/usr/share/man/man1/watcher-db-manage.1.gz');
      const page = spawnSync('man', [PKG], { env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100', LANG: 'C.UTF-8' }, encoding: 'utf8' });
      const text = check(page, 'man watcher-db-manage');
      const manifest = JSON.parse(fs.readFileSync(path.join(tree, 'oclif.manifest.json'), 'utf8'));
      const ids = ['autocomplete', ...Object.keys(manifest.commands)];
      expect(ids.length).to.be.greaterThan(10);
      for (const id of ids) expect(text, `the page's section of ${id}`).to.match(new RegExp(`^ {3}watcher-db-manage ${id}\\b`, 'm'));
      for (const section of ['NAME', 'SYNOPSIS', 'GLOBAL OPTIONS', 'COMMANDS', 'CONFIGURATION', 'ENVIRONMENT', 'FILES', 'EXIT STATUS', 'EXAMPLES', 'SEE ALSO']) {
        expect(text).to.match(new RegExp(`^${section}$`, 'm'));
      }
      expect(text, 'a literal backtick (roff prints an opening quote)').to.not.match(/[`‘]/);
      const exitStatus = text.slice(text.indexOf('\nEXIT STATUS\n'), text.indexOf('\nEXAMPLES\n'));
      for (const { code, meaning } of EXIT_CODES) {
        expect(exitStatus, `exit status ${code}`).to.match(new RegExp(`^ {7}${code} +${meaning.slice(0, 20).replace(/[()[\].+?*]/g, '\\$&')}`, 'm'));
      }
      for (const option of ['--config-file PATH', '--config-dir DIR', '-d, --debug', '--version', 'max_retries', 'OS_DATABASE__CONNECTION']) expect(text).to.contain(option);
      expect(text).to.contain('watcher-db-manage upgrade --revision 609bec748f2a'); // an example of upgrade's --help
      expect(text.slice(text.indexOf('\nEXAMPLES\n'))).to.contain('watcher-db-manage --config-file /etc/watcher/watcher.conf upgrade');
    } finally {
      if (installed()) check(spawnSync('dpkg', ['--purge', PKG], { encoding: 'utf8' }), 'dpkg --purge');
    }
    expect(installed()).to.equal(false);
    expect(files.length).to.be.greaterThan(100);
    const left = files.filter((f) => fs.existsSync(f) && !(pythonBefore && f === python));
    expect(left, 'installed files left after dpkg --purge').to.deep.equal([]);
    expect(fs.existsSync('/usr/lib/watcher-db-manage'), '/usr/lib/watcher-db-manage after purge').to.equal(false);
    expect(execFileSync('dpkg-divert', ['--list', PKG], { encoding: 'utf8' }).trim(), 'diversions left').to.equal('');
    if (pythonBefore) expect(sha256(python), 'the Python tool, given back').to.equal(pythonBefore);
    else expect(fs.existsSync(python)).to.equal(false);
  });

  it('lintian finds no error in the .deb (the overrides each say why)', async () => {
    expect(lintian, 'lintian, started by the pack:deb test').to.not.equal(undefined);
    const { status, output } = await lintian!;
    const tags = output.split('\n').filter((l) => /^[EW]: /.test(l));
    expect(tags.filter((l) => l.startsWith('E: ')), output).to.deep.equal([]);
    expect(status, output).to.equal(0);
    // The warnings left (embedded async, Node.js not built as PIE...), for the log.
    if (tags.length) console.log(`      lintian warnings:\n${tags.map((t) => `        ${t}`).join('\n')}`);
  });
});

/**
 * The installed copyright file names every npm package of the installed tree, with the version its
 * package.json has, and the Node.js binary; it is in Debian's machine-readable format.
 */
function expectCopyrightOfInstalledTree(): void {
  const lib = '/usr/lib/watcher-db-manage';
  const copyright = fs.readFileSync('/usr/share/doc/watcher-db-manage/copyright', 'utf8');
  expect(copyright.split('\n')[0]).to.equal('Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/');
  expect(copyright).to.contain(`Files: *\nCopyright: ${pjson.author.replace(/\s*<.*$/, '')}\nLicense: Apache-2.0\n`);
  expect(copyright).to.contain(`Files: usr/lib/watcher-db-manage/bin/node\n`);
  expect(copyright).to.contain(`Comment: Node.js ${process.versions.node}, `);
  const packageJsons = execFileSync('find', [path.join(lib, 'node_modules'), '-name', 'package.json', '-path', '*/node_modules/*'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    // A package's own directory: node_modules/<name>/package.json or node_modules/@scope/<name>/package.json.
    .filter((f) => /\/node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(f));
  expect(packageJsons.length).to.be.greaterThan(80);
  for (const file of packageJsons) {
    const { name, version } = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!name) continue; // a package.json that only sets "type" for a subdirectory
    const dir = path.relative('/', path.dirname(file));
    expect(copyright, `${dir} in the copyright file`).to.contain(`Files: ${dir}/*\n`);
    expect(copyright, `${name} ${version} in the copyright file`).to.contain(`Comment: ${name} ${version}; `);
  }
  expect(copyright, 'a copy of the Apache licence (Debian refers to common-licenses)').to.not.contain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION');
}
