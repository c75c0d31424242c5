// Issue 5, shipping: the npm package installed globally, the standalone oclif tarball, the README's
// generated command reference, shell completion and the --json keys. Run from the built tree
// (`npm test` builds first); the package and the tarball are made and installed in temporary directories.
import { execFileSync, spawnSync, SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT, runCli, writeConfig } from './support/cli';

const { localPrebuilds } = require('../scripts/pack-tarball.js') as { localPrebuilds: (root: string) => Record<string, string> };

const NPM = 'npm';
const quiet: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
delete quiet.OS_DATABASE__CONNECTION; // the tests decide the database

function check(r: SpawnSyncReturns<string>, what: string): string {
  if (r.error) throw r.error;
  expect(r.status, `${what}\n${r.stdout}\n${r.stderr}`).to.equal(0);
  return r.stdout;
}

function sqliteConfig(dir: string): string {
  return writeConfig(`sqlite:///${path.join(dir, 'watcher.sqlite')}`);
}

describe('shipping (issue 5)', function () {
  this.timeout(900_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-ship-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('npm pack holds the compiled tool, entities and revisions, and no tests, sources or declarations', () => {
    const out = execFileSync(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', env: quiet });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files).to.include.members(['bin/run.js', 'oclif.manifest.json', 'package.json', 'README.md', 'dist/src/cli/main.js']);
    const revisions = fs.readdirSync(path.join(REPO_ROOT, 'migrations')).filter((f) => /^[0-9a-z]+_.*\.ts$/.test(f));
    expect(revisions.length).to.be.greaterThan(0);
    for (const rev of revisions) expect(files).to.include(`dist/migrations/${rev.replace(/\.ts$/, '.js')}`);
    expect(files.some((f) => f.startsWith('dist/entities/') && f.endsWith('.js'))).to.equal(true);
    const unwanted = files.filter(
      (f) => !/^(bin\/run\.js|oclif\.manifest\.json|package\.json|README\.md|LICENSE|dist\/(src|entities|migrations)\/.*\.js|dist\/vendor\/oclif-core\.js)$/.test(f),
    );
    expect(unwanted, 'files that do not belong in the package').to.deep.equal([]);
  });

  it('installed globally from the packed tarball, watcher-db-manage upgrades SQLite and reports its version', () => {
    const packDir = path.join(tmp, 'pack');
    fs.mkdirSync(packDir);
    const name = check(
      spawnSync(NPM, ['pack', '--ignore-scripts', '--pack-destination', packDir], { cwd: REPO_ROOT, encoding: 'utf8', env: quiet }),
      'npm pack',
    ).trim().split('\n').pop()!;
    const prefix = path.join(tmp, 'prefix');
    // Dependencies from npm's cache where it has them (it does after npm ci), the registry otherwise;
    // better-sqlite3's binary from the one npm ci built (its prebuilt ones are on GitHub, out of reach
    // here, and compiling SQLite again would only measure the compiler: 90 s).
    const env = { ...quiet, ...localPrebuilds(REPO_ROOT) };
    check(
      spawnSync(NPM, ['install', '-g', '--prefix', prefix, '--prefer-offline', path.join(packDir, name)], { cwd: tmp, encoding: 'utf8', env }),
      'npm install -g',
    );
    const bin = path.join(prefix, 'bin', 'watcher-db-manage');
    const run = (...args: string[]) => spawnSync(bin, args, { cwd: tmp, encoding: 'utf8', env: quiet });
    const pjson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(check(run('--version'), '--version')).to.contain(`watcher-db-manage/${pjson.version}`);
    const installed = path.join(prefix, 'lib', 'node_modules', 'watcher-db-manage');
    expect(fs.existsSync(path.join(installed, 'test'))).to.equal(false);
    expect(fs.existsSync(path.join(installed, 'src'))).to.equal(false);
    const conf = sqliteConfig(tmp);
    const up = run('--config-file', conf, 'upgrade');
    check(up, 'upgrade');
    expect(up.stderr).to.contain('Running upgrade 7150a7d8f228 -> f56ba02662b4');
    expect(JSON.parse(check(run('--config-file', conf, 'version', '--json'), 'version --json'))).to.deep.equal({
      revision: 'f56ba02662b4',
      under_version_control: true,
    });
    // A developer's revision from the installed package: plain JavaScript, which this tool loads.
    const own = fs.mkdtempSync(path.join(tmp, 'own-migrations-'));
    const written = JSON.parse(check(run('revision', '-m', 'first of mine', '--migrations-dir', own, '--json'), 'revision')) as { id: string; file: string };
    expect(path.extname(written.file)).to.equal('.js');
    expect(check(run('heads', '--migrations-dir', own), 'heads').trim()).to.equal(`${written.id} (head), first of mine`);
  });

  it('the standalone tarball (oclif pack tarballs) runs with its own Node.js: --version and upgrade on SQLite; it and the .deb carry the sha', () => {
    // pack-deb.js builds the tarball first, so one packing gives both (test/deb.test.ts packs from a
    // release tree, without .git, and installs the .deb).
    const out = check(
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'pack-deb.js')], { cwd: REPO_ROOT, encoding: 'utf8', env: quiet }),
      'scripts/pack-deb.js',
    );
    // A git checkout: the files carry package.json's version and the short sha of HEAD.
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const pjson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(out).to.contain(`pack: version ${pjson.version}-${sha} (package.json ${pjson.version}, git ${sha})`);
    const tarball = path.join(REPO_ROOT, 'dist', `watcher-db-manage-v${pjson.version}-${sha}-linux-x64.tar.gz`);
    expect(out).to.contain(`pack:deb: built ${tarball} (`);
    const deb = path.join(REPO_ROOT, 'dist', `watcher-db-manage_${pjson.version}+git${sha}_amd64.deb`);
    expect(out).to.contain(`pack:deb: built ${deb} (`);
    expect(execFileSync('dpkg-deb', ['-f', deb, 'Version'], { encoding: 'utf8' }).trim()).to.equal(`${pjson.version}+git${sha}`);
    fs.rmSync(deb);
    const unpacked = path.join(tmp, 'standalone');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
    fs.rmSync(tarball);
    for (const work of ['watcher-db-manage', 'linux-x64']) fs.rmSync(path.join(REPO_ROOT, 'tmp', work), { recursive: true, force: true });
    const home = path.join(unpacked, 'watcher-db-manage');
    expect(fs.existsSync(path.join(home, 'bin', 'node'))).to.equal(true);
    // No Node.js on PATH: only the shell tools the launcher script uses.
    const tools = path.join(tmp, 'tools');
    fs.mkdirSync(tools);
    for (const tool of ['sh', 'bash', 'dirname', 'basename', 'readlink', 'uname', 'sed', 'cat', 'grep', 'ls', 'test', 'expr']) {
      for (const dir of ['/usr/bin', '/bin']) {
        if (fs.existsSync(path.join(dir, tool))) {
          fs.symlinkSync(path.join(dir, tool), path.join(tools, tool));
          break;
        }
      }
    }
    const bin = path.join(home, 'bin', 'watcher-db-manage');
    // What oclif's launcher and plugin loader would run instead of the tree, planted where they look: an
    // "updated client" and a Node.js under $XDG_DATA_HOME, and a user plugin with an init hook.
    const xdg = path.join(tmp, 'xdg');
    const planted = path.join(tmp, 'planted-ran');
    const plant = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, { mode: 0o755 });
    };
    const shim = `#!/bin/sh\necho "$0" >> ${planted}\nexit 42\n`;
    plant(path.join(xdg, 'watcher-db-manage', 'client', 'bin', 'watcher-db-manage'), shim);
    plant(path.join(xdg, 'oclif', 'node', 'node-custom'), shim);
    plant(path.join(xdg, 'oclif', 'node', `node-${process.versions.node}`), shim);
    plant(path.join(xdg, 'watcher-db-manage', 'package.json'), JSON.stringify({ oclif: { plugins: [{ type: 'user', name: 'planted' }] }, dependencies: { planted: '1.0.0' } }));
    const plugin = path.join(xdg, 'watcher-db-manage', 'node_modules', 'planted');
    plant(path.join(plugin, 'package.json'), JSON.stringify({ name: 'planted', version: '1.0.0', oclif: { hooks: { init: './hook.js' } } }));
    plant(path.join(plugin, 'hook.js'), `module.exports = async () => require('node:fs').appendFileSync(${JSON.stringify(planted)}, 'plugin\\n');`);
    const env = { HOME: tmp, PATH: tools, XDG_DATA_HOME: xdg };
    expect(spawnSync(tools + '/sh', ['-c', 'command -v node'], { env, encoding: 'utf8' }).status).to.not.equal(0);
    const version = spawnSync(bin, ['--version'], { cwd: tmp, env, encoding: 'utf8' });
    expect(check(version, 'standalone --version')).to.contain(`node-v${process.versions.node}`);
    expect(fs.existsSync(planted), `files outside the tree ran: ${fs.existsSync(planted) && fs.readFileSync(planted, 'utf8')}`).to.equal(false);
    // The launcher is a few lines of sh that run the tree's own node and run.js, found through a symlink too.
    const launcher = fs.readFileSync(bin, 'utf8');
    expect(launcher.split('\n')[0]).to.equal('#!/bin/sh');
    expect(launcher).to.not.match(/XDG_DATA_HOME|CLIENT_HOME|command -v node/);
    const link = path.join(tmp, 'link-to-launcher');
    fs.symlinkSync(bin, link);
    expect(check(spawnSync(link, ['--version'], { cwd: tmp, env, encoding: 'utf8' }), 'standalone --version through a symlink')).to.contain(
      `node-v${process.versions.node}`,
    );
    // Only what runs: no TypeScript, declarations, source maps or SQLite sources.
    const shipped = execFileSync('find', [home, '-type', 'f'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
    expect(shipped.filter((f) => /\.(d\.[mc]?ts|ts|map)$|\/node_modules\/(typescript|ts-node|@types)\/|\/better-sqlite3\/(deps|src)\//.test(f))).to.deep.equal([]);
    const dir = path.join(tmp, 'standalone-db');
    fs.mkdirSync(dir);
    const conf = sqliteConfig(dir);
    const up = spawnSync(bin, ['--config-file', conf, 'upgrade'], { cwd: tmp, env, encoding: 'utf8' });
    check(up, 'standalone upgrade');
    expect(up.stderr).to.contain('Running upgrade 7150a7d8f228 -> f56ba02662b4');
    expect(check(spawnSync(bin, ['--config-file', conf, 'version'], { cwd: tmp, env, encoding: 'utf8' }), 'standalone version').trim()).to.equal(
      'f56ba02662b4',
    );
  });

  it("the README's command reference is what `oclif readme` generates from the commands", () => {
    const readme = path.join(REPO_ROOT, 'README.md');
    const copy = path.join(tmp, 'README.md');
    fs.copyFileSync(readme, copy);
    const oclif = require.resolve('oclif/bin/run.js', { paths: [REPO_ROOT] });
    check(
      spawnSync(process.execPath, [oclif, 'readme', '--no-aliases', '--no-source-links', '--readme-path', copy], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...quiet, COLUMNS: '120', OCLIF_SKIP_NEW_VERSION_CHECK: '1' },
      }),
      'oclif readme',
    );
    const expected = fs.readFileSync(copy, 'utf8');
    expect(expected).to.contain('## `watcher-db-manage version`');
    expect(fs.readFileSync(readme, 'utf8') === expected, 'README.md is out of date: run `npm run build && npm run readme`').to.equal(true);
  });

  for (const shell of ['bash', 'zsh']) {
    it(`shell completion for ${shell} completes the commands and their options`, () => {
      const cache = path.join(tmp, `cache-${shell}`);
      const env = { XDG_CACHE_HOME: cache, HOME: tmp, SHELL: `/bin/${shell}` };
      const r = runCli(['autocomplete', shell], { env });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(shell === 'bash' ? '.bashrc' : '.zshrc');
      const dir = path.join(cache, 'watcher-db-manage', 'autocomplete');
      const script = fs.readFileSync(path.join(dir, 'functions', shell, shell === 'bash' ? 'watcher-db-manage.bash' : '_watcher-db-manage'), 'utf8');
      for (const word of ['upgrade', 'downgrade', 'history', 'create_schema', 'stamp', '--config-file', '--revision']) expect(script).to.contain(word);
      if (shell === 'bash') {
        // What bash offers after `watcher-db-manage up<TAB>` and `watcher-db-manage upgrade --re<TAB>`.
        const complete = (words: string) =>
          execFileSync(
            'bash',
            ['-c', `source "$1"; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _watcher-db-manage_autocomplete; echo "\${COMPREPLY[@]}"`, 'bash', path.join(dir, 'functions', 'bash', 'watcher-db-manage.bash')],
            { encoding: 'utf8' },
          ).trim();
        expect(complete('watcher-db-manage up')).to.equal('upgrade');
        expect(complete('watcher-db-manage upgrade --re')).to.equal('--revision');
      }
      const setup = runCli(['autocomplete', 'script', shell], { env });
      expect(setup.status, setup.stderr).to.equal(0);
      expect(setup.stdout).to.contain(dir);
    });
  }

  it('--json output of heads and history has the documented keys', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'json-'));
    const conf = sqliteConfig(dir);
    const heads = runCli(['--config-file', conf, 'heads', '--json']);
    expect(heads.status, heads.stderr).to.equal(0);
    expect(JSON.parse(heads.stdout)).to.deep.equal({ heads: [{ id: 'f56ba02662b4', message: 'Add default_parameters to audit_templates' }] });
    expect(runCli(['--config-file', conf, 'upgrade', '--revision', '001']).status).to.equal(0);
    const history = runCli(['--config-file', conf, 'history', '--json']);
    expect(history.status, history.stderr).to.equal(0);
    const { revisions } = JSON.parse(history.stdout) as { revisions: Record<string, unknown>[] };
    for (const rev of revisions) expect(Object.keys(rev)).to.deep.equal(['id', 'parent', 'message', 'created', 'head', 'current']);
    expect(revisions[0]).to.include({ id: 'f56ba02662b4', head: true, current: false });
    expect(revisions[revisions.length - 1]).to.include({ id: '001', parent: null, head: false, current: true });
  });
});
