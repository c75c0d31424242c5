// oslo.config's default configuration files: with no --config-file the Python tool reads watcher.conf and
// watcher-db-manage.conf from ~/.watcher, ~, /etc/watcher and /etc (and the *.conf.d directories beside
// them); so must ours, or `upgrade` on a controller with only /etc/watcher/watcher.conf would run on SQLite.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig, type ConfigSearch } from '../src/config';
import { runCli } from './support/cli';
import { lastLine, runReferenceArgs } from './support/reference';

describe('default config files (oslo.config search)', function () {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-defconf-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(rel: string, text: string): string {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }
  const connection = (name: string) => `[database]\nconnection = sqlite:///${path.join(dir, name)}\n`;
  /** Two search directories, the first the more important (as ~/.watcher before /etc/watcher). */
  const search = (): ConfigSearch => ({ project: 'watcher', prog: 'watcher-db-manage', dirs: [path.join(dir, 'home'), path.join(dir, 'etc')] });

  it('reads watcher.conf then watcher-db-manage.conf, each from the first directory that has it, then the .conf.d directories', () => {
    const etcWatcher = write('etc/watcher.conf', connection('etc-watcher.db'));
    write('etc/watcher-db-manage.conf', connection('etc-prog.db'));
    const homeProg = write('home/watcher-db-manage.conf', connection('home-prog.db'));
    const dropIn = write('etc/watcher.conf.d/10-retries.conf', '[database]\nmax_retries = 3\n');
    write('etc/watcher.conf.d/.hidden.conf', '[database]\nmax_retries = 4\n');
    const config = loadConfig({ env: {}, cwd: dir, search: search() });
    expect(config.files).to.deep.equal([etcWatcher, homeProg, dropIn]);
    expect(config.database.connection).to.equal(`sqlite:///${path.join(dir, 'home-prog.db')}`);
    expect(config.database.max_retries).to.equal(3);
  });

  it('--config-file replaces the default files but not the default directories; --config-dir replaces those', () => {
    write('etc/watcher.conf', connection('default.db'));
    const dropIn = write('etc/watcher.conf.d/db.conf', '[database]\nretry_interval = 7\n');
    const named = write('named.conf', connection('named.db'));
    const withFile = loadConfig({ env: {}, cwd: dir, search: search(), configFiles: [named] });
    expect(withFile.files).to.deep.equal([named, dropIn]);
    expect(withFile.database.connection).to.equal(`sqlite:///${path.join(dir, 'named.db')}`);
    const otherDir = path.dirname(write('other.d/x.conf', '[database]\nretry_interval = 9\n'));
    const withBoth = loadConfig({ env: {}, cwd: dir, search: search(), configFiles: [named], configDirs: [otherDir] });
    expect(withBoth.files).to.deep.equal([named, path.join(otherDir, 'x.conf')]);
    expect(withBoth.database.retry_interval).to.equal(9);
  });

  it('nothing found is no error: the SQLite default, as before', () => {
    const config = loadConfig({ env: {}, cwd: dir, search: search() });
    expect(config.files).to.deep.equal([]);
    expect(config.database.connection).to.equal(undefined);
  });

  it('the CLI, like the reference, finds ~/.watcher/watcher.conf and ~/watcher-db-manage.conf with no --config-file', () => {
    const home = path.join(dir, 'home');
    write('home/.watcher/watcher.conf', connection('from-project.db'));
    write('home/watcher-db-manage.conf', connection('from-prog.db'));
    const env = { HOME: home };
    const stamp = runCli(['stamp', 'head', '-v'], { cwd: dir, env });
    expect(stamp.status, stamp.stderr).to.equal(0);
    expect(stamp.stderr).to.include(`Read ${path.join(home, '.watcher', 'watcher.conf')}, ${path.join(home, 'watcher-db-manage.conf')}`);
    expect(fs.existsSync(path.join(dir, 'from-prog.db'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'from-project.db'))).to.equal(false);
    expect(fs.existsSync(path.join(dir, 'watcher.sqlite'))).to.equal(false);

    const ours = runCli(['version'], { cwd: dir, env });
    expect(ours.status, ours.stderr).to.equal(0);
    const reference = runReferenceArgs(['version'], { env: { ...env } });
    expect(reference.status, reference.stderr).to.equal(0);
    expect(lastLine(reference.stdout)).to.include(ours.stdout.trim());
    expect(ours.stdout.trim()).to.match(/^[0-9a-f]{12}$/);
  });
});
