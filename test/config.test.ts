import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig, resolveConnectionUrl, type ConfigSources, type WatcherConfig } from '../src/config';
import { ConfigError } from '../src/errors';

const SECRET = 's3cr3t-pw';

describe('config', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-config-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `text` to `name` under the temp dir and returns its absolute path. */
  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  /** Loads with an empty environment unless one is given, so the developer's OS_* cannot leak in. */
  function load(sources: ConfigSources): WatcherConfig {
    return loadConfig({ env: {}, cwd: dir, ...sources });
  }

  function loadText(text: string, env: Record<string, string> = {}): WatcherConfig {
    return load({ configFiles: [write('watcher.conf', text)], env });
  }

  /** Runs `fn`, expects a one-line ConfigError without the test password, returns its message. */
  function configError(fn: () => unknown): string {
    try {
      fn();
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const message = (err as ConfigError).message;
      expect(message).not.to.match(/[\r\n]/);
      expect(message).not.to.include(SECRET);
      expect((err as ConfigError).exitCode).to.equal(1);
      return message;
    }
    throw new Error('expected a ConfigError');
  }

  describe('defaults', () => {
    it('without files: no connection, oslo.db retry defaults, state_path = cwd', () => {
      const config = load({});
      expect(config.database).to.deep.equal({ connection: undefined, max_retries: 10, retry_interval: 10, lock_timeout: 2, lock_retries: 30 });
      expect(config.state_path).to.equal(dir);
      expect(config.files).to.deep.equal([]);
      expect(config.get('DEFAULT', 'state_path')).to.equal(dir);
      expect(config.get('database', 'connection')).to.equal(undefined);
      expect(config.origin('database', 'max_retries')).to.equal('built-in default');
    });

    it('cwd defaults to process.cwd()', () => {
      expect(loadConfig({ env: {} }).state_path).to.equal(process.cwd());
    });
  });

  describe('file syntax (oslo.config iniparser)', () => {
    it('reads key = value and key: value, with the first separator winning', () => {
      const config = loadText(
        [
          '[DEFAULT]',
          'state_path = /var/lib/watcher',
          '[database]',
          `connection = mysql+pymysql://watcher:${SECRET}@db/watcher?charset=utf8`,
          'max_retries: 3',
          'a: b=c',
          'd = e:f',
          '  ',
        ].join('\n'),
      );
      expect(config.state_path).to.equal('/var/lib/watcher');
      expect(config.database.connection).to.equal(`mysql+pymysql://watcher:${SECRET}@db/watcher?charset=utf8`);
      expect(config.database.max_retries).to.equal(3);
      expect(config.get('database', 'a')).to.equal('b=c');
      expect(config.get('database', 'd')).to.equal('e:f');
    });

    it('skips # and ; comments; a # after a value is part of it', () => {
      const config = loadText(
        ['# top', '; also', '[database]', '# connection = mysql://x', '; max_retries = 1', 'url = sqlite:// # in memory'].join('\n'),
      );
      expect(config.database.connection).to.equal(undefined);
      expect(config.database.max_retries).to.equal(10);
      expect(config.get('database', 'url')).to.equal('sqlite:// # in memory');
    });

    it('trims spaces and removes one pair of surrounding quotes', () => {
      const config = loadText(['[x]', 'a =   spaced out   ', 'b = "  quoted  "', "c = 'single'", 'd = "mismatched\'', 'e =', 'f = "'].join('\n'));
      expect(config.get('x', 'a')).to.equal('spaced out');
      expect(config.get('x', 'b')).to.equal('  quoted  ');
      expect(config.get('x', 'c')).to.equal('single');
      expect(config.get('x', 'd')).to.equal('"mismatched\'');
      expect(config.get('x', 'e')).to.equal('');
      expect(config.get('x', 'f')).to.equal('');
    });

    it('joins indented continuation lines with "\\n", until a blank line', () => {
      const config = loadText(['[x]', 'multi = one', '  two', '\tthree', '    # four', 'next = 1', 'ended = a', '', 'after = 2'].join('\n'));
      expect(config.get('x', 'multi')).to.equal('one\ntwo\nthree\n# four');
      expect(config.get('x', 'next')).to.equal('1');
      expect(config.get('x', 'ended')).to.equal('a');
      expect(config.get('x', 'after')).to.equal('2');
    });

    it('a value may start on the continuation line', () => {
      expect(loadText('[x]\nlist =\n  a\n  b\n').get('x', 'list')).to.equal('\na\nb');
    });

    it('reads CRLF files and a UTF-8 byte order mark', () => {
      const config = loadText('\uFEFF[database]\r\nconnection = sqlite://\r\nmax_retries = 2\r\n');
      expect(config.database.connection).to.equal('sqlite://');
      expect(config.database.max_retries).to.equal(2);
    });

    it('a repeated key: the later one wins', () => {
      const config = loadText('[database]\nmax_retries = 1\nmax_retries = 2\n[database]\nmax_retries = 3\n');
      expect(config.database.max_retries).to.equal(3);
      expect(config.origin('database', 'max_retries')).to.equal(`${path.join(dir, 'watcher.conf')} line 5`);
    });

    it('section names other than DEFAULT are case-insensitive; keys are not', () => {
      const config = loadText('[Database]\nconnection = sqlite://\nMax_Retries = 1\n');
      expect(config.database.connection).to.equal('sqlite://');
      expect(config.get('DATABASE', 'connection')).to.equal('sqlite://');
      expect(config.database.max_retries).to.equal(10);
      expect(config.get('database', 'Max_Retries')).to.equal('1');
    });

    it('[default] is not [DEFAULT]', () => {
      const config = loadText('[default]\nstate_path = /nope\n');
      expect(config.state_path).to.equal(dir);
      expect(config.get('default', 'state_path')).to.equal('/nope');
    });

    it('ignores unknown sections and keys but get() still reads them', () => {
      const config = loadText('[keystone_authtoken]\npassword = x\n[database]\nunknown = 1\n');
      expect(config.database).to.deep.equal({ connection: undefined, max_retries: 10, retry_interval: 10, lock_timeout: 2, lock_retries: 30 });
      expect(config.get('keystone_authtoken', 'password')).to.equal('x');
      expect(config.get('database', 'unknown')).to.equal('1');
      expect(config.get('nope', 'nothing')).to.equal(undefined);
    });

    describe('malformed files name the file and line, never the line text', () => {
      const cases: Array<[string, string, number, string]> = [
        ['a line that is not key/value', `[database]\nconnection mysql+pymysql //watcher@${SECRET}\n`, 2, "expected 'key = value', '[section]' or a comment"],
        ['a key before any section', `connection = mysql://u:${SECRET}@h/db\n[database]\n`, 1, 'option set before any [section] header'],
        ['an unclosed section', `[database\nconnection = x\n`, 1, 'section header must end with ]'],
        ['a section closed by a trailing comment', `[database] # main db\n`, 1, 'section header must end with ]'],
        ['an empty section name', `# x\n[]\n`, 2, 'empty section name'],
        ['an empty key', `[database]\n= ${SECRET}\n`, 2, 'empty key'],
        ['an indented first line', `  connection = ${SECRET}\n`, 1, 'indented line that does not continue a value'],
        ['continuation after a blank line', `[database]\na = 1\n\n  ${SECRET}\n`, 4, 'indented line that does not continue a value'],
        ['continuation after a comment', `[database]\n# c\n  ${SECRET}\n`, 3, 'indented line that does not continue a value'],
      ];
      for (const [what, text, line, why] of cases) {
        it(what, () => {
          const file = write('bad.conf', text);
          expect(configError(() => load({ configFiles: [file] }))).to.equal(`Malformed config file ${file} at line ${line}: ${why}`);
        });
      }
    });
  });

  describe('files and directories', () => {
    it('reads files in order: the later file wins', () => {
      const a = write('a.conf', '[database]\nconnection = sqlite:///a.db\nmax_retries = 1\n');
      const b = write('b.conf', '[database]\nconnection = sqlite:///b.db\n');
      const config = load({ configFiles: [b, a] });
      expect(config.database.connection).to.equal('sqlite:///a.db');
      expect(config.database.max_retries).to.equal(1);
      expect(load({ configFiles: [a, b] }).database.connection).to.equal('sqlite:///b.db');
      expect(load({ configFiles: [a, b] }).files).to.deep.equal([a, b]);
    });

    it('reads each config dir after the files, its *.conf files sorted by name', () => {
      const main = write('watcher.conf', '[database]\nconnection = sqlite:///main.db\nmax_retries = 1\nretry_interval = 1\n');
      const d1 = path.join(dir, 'watcher.conf.d');
      const d2 = path.join(dir, 'more.d');
      const f20 = write('watcher.conf.d/20-db.conf', '[database]\nconnection = sqlite:///20.db\nmax_retries = 20\n');
      const f10 = write('watcher.conf.d/10-db.conf', '[database]\nconnection = sqlite:///10.db\nmax_retries = 10\nretry_interval = 10\n');
      const f3 = write('watcher.conf.d/3-db.conf', '[database]\nretry_interval = 3\n');
      write('watcher.conf.d/99-ignored.conf.bak', '[database]\nconnection = sqlite:///bak.db\n');
      write('watcher.conf.d/.hidden.conf', '[database]\nconnection = sqlite:///hidden.db\n');
      write('watcher.conf.d/notes.txt', 'not ini at all');
      const f00 = write('more.d/00.conf', '[database]\nmax_retries = 0\n');

      const config = load({ configFiles: [main], configDirs: [d1, d2] });
      // Sorted as strings: 10 < 20 < 3.
      expect(config.files).to.deep.equal([main, f10, f20, f3, f00]);
      expect(config.database).to.deep.equal({ connection: 'sqlite:///20.db', max_retries: 0, retry_interval: 3, lock_timeout: 2, lock_retries: 30 });
      // The files are read before any dir, whatever the order of the options.
      expect(load({ configDirs: [d1], configFiles: [main] }).database.connection).to.equal('sqlite:///20.db');
    });

    it('an empty config dir is fine', () => {
      fs.mkdirSync(path.join(dir, 'empty.d'));
      expect(load({ configDirs: [path.join(dir, 'empty.d')] }).files).to.deep.equal([]);
    });

    it('resolves relative paths against cwd', () => {
      const file = write('etc/watcher.conf', '[database]\nconnection = sqlite://\n');
      write('etc/conf.d/a.conf', '[database]\nmax_retries = 2\n');
      const config = load({ configFiles: ['etc/watcher.conf'], configDirs: ['etc/conf.d'] });
      expect(config.files).to.deep.equal([file, path.join(dir, 'etc/conf.d/a.conf')]);
      expect(config.database.max_retries).to.equal(2);
    });

    it('a missing config file', () => {
      expect(configError(() => load({ configFiles: ['nope.conf'] }))).to.equal(`Config file not found: ${path.join(dir, 'nope.conf')}`);
    });

    it('a directory given as config file', () => {
      expect(configError(() => load({ configFiles: [dir] }))).to.equal(`Config file is a directory, not a file: ${dir}`);
    });

    it('a directory named *.conf inside a config dir', () => {
      fs.mkdirSync(path.join(dir, 'd/sub.conf'), { recursive: true });
      expect(configError(() => load({ configDirs: [path.join(dir, 'd')] }))).to.equal(
        `Config file is a directory, not a file: ${path.join(dir, 'd/sub.conf')}`,
      );
    });

    // Unreadable files and dirs: see test/cli.test.ts, which runs the tool as an unprivileged user.

    it('a missing config dir', () => {
      expect(configError(() => load({ configDirs: ['nope.d'] }))).to.equal(`Config directory not found: ${path.join(dir, 'nope.d')}`);
    });

    it('a file given as config dir', () => {
      const file = write('watcher.conf', '');
      expect(configError(() => load({ configDirs: [file] }))).to.equal(`Config directory is not a directory: ${file}`);
    });
  });

  describe('interpolation', () => {
    it('$name and ${name} from the same section, then [DEFAULT]', () => {
      const config = loadText(
        [
          '[DEFAULT]',
          'state_path = /var/lib/watcher',
          'host = default-host',
          '[database]',
          'host = db-host',
          'connection = mysql://u:p@$host/${state_path}x',
          '[other]',
          'where = $host',
        ].join('\n'),
      );
      expect(config.database.connection).to.equal('mysql://u:p@db-host//var/lib/watcherx');
      expect(config.get('other', 'where')).to.equal('default-host');
    });

    it('$$ and \\$ are a literal $; a $ not followed by a name is kept', () => {
      const config = loadText('[x]\na = pa$$word\nb = pa\\$word\nc = $5 costs $ and ${ and $-\n');
      expect(config.get('x', 'a')).to.equal('pa$word');
      expect(config.get('x', 'b')).to.equal('pa$word');
      expect(config.get('x', 'c')).to.equal('$5 costs $ and ${ and $-');
    });

    it('recursively, each value in its own section', () => {
      const config = loadText(
        ['[DEFAULT]', 'base = /srv', 'state_path = $base/watcher', 'name = default', '[database]', 'name = db', 'connection = sqlite:///$state_path/${name}.sqlite'].join('\n'),
      );
      expect(config.state_path).to.equal('/srv/watcher');
      expect(config.database.connection).to.equal('sqlite:////srv/watcher/db.sqlite');
    });

    it('$group.option names an option of another section', () => {
      const config = loadText('[api]\nport = 9322\n[database]\nconnection = sqlite:///${api.port}.db:$api.port\n');
      expect(config.database.connection).to.equal('sqlite:///9322.db:9322');
    });

    it('uses the default state_path (cwd), taken literally even if it holds a $', () => {
      const cwd = path.join(dir, 'a$b');
      fs.mkdirSync(cwd);
      const config = loadConfig({ cwd, env: {}, configFiles: [write('w.conf', '[database]\nconnection = sqlite:///$state_path/w.db\n')] });
      expect(config.database.connection).to.equal(`sqlite:///${cwd}/w.db`);
    });

    it('interpolates integers too', () => {
      expect(loadText('[DEFAULT]\nn = 7\n[database]\nmax_retries = $n\n').database.max_retries).to.equal(7);
    });

    it('an undefined name is an error naming the option and where it was set', () => {
      const file = path.join(dir, 'watcher.conf');
      expect(configError(() => loadText(`[database]\nconnection = mysql://u:${SECRET}@$dbhost/w\n`))).to.equal(
        `Undefined name $dbhost in [database] connection (${file} line 2); write $$ for a literal $`,
      );
    });

    it("an undefined name inside a URL's password is not shown: it is part of the password", () => {
      const file = path.join(dir, 'watcher.conf');
      for (const url of ['mysql://u:pa$word@h/w', 'postgresql://u@h/w?password=pa${word}!']) {
        expect(configError(() => loadText(`[database]\nconnection = ${url}\n`))).to.equal(
          `Undefined name $*** in [database] connection (${file} line 2); write $$ for a literal $`,
        );
      }
    });

    it('an undefined dotted name hints at ${name}', () => {
      const file = path.join(dir, 'watcher.conf');
      expect(configError(() => loadText('[database]\nconnection = sqlite:///$state_path.db\n'))).to.equal(
        `Undefined name $state_path.db in [database] connection (${file} line 2); ` +
          "use ${...} to end a name before a '.', write $$ for a literal $",
      );
    });

    it('an error in an option we do not read waits until it is read', () => {
      const config = loadText('[x]\na = $missing\n');
      expect(configError(() => config.get('x', 'a'))).to.match(/^Undefined name \$missing in \[x\] a /);
    });

    it('a cycle is an error', () => {
      const file = path.join(dir, 'watcher.conf');
      expect(configError(() => loadText('[DEFAULT]\na = $b\nb = ${a}\n[database]\nconnection = $a\n'))).to.equal(
        `Config value refers to itself: [database] connection -> [DEFAULT] a -> [DEFAULT] b -> [DEFAULT] a (${file} line 3)`,
      );
      expect(configError(() => loadText('[database]\nconnection = x$connection\n'))).to.match(
        /^Config value refers to itself: \[database\] connection -> \[database\] connection \(/,
      );
    });

    it('a name used twice is not a cycle', () => {
      expect(loadText('[DEFAULT]\na = 1\nb = $a$a\nc = $b-$b\n').get('DEFAULT', 'c')).to.equal('11-11');
    });
  });

  describe('environment', () => {
    it('OS_DATABASE__CONNECTION overrides the files', () => {
      const config = loadText('[database]\nconnection = sqlite:///file.db\nmax_retries = 1\n', {
        OS_DATABASE__CONNECTION: 'postgresql://watcher@db/watcher',
      });
      expect(config.database.connection).to.equal('postgresql://watcher@db/watcher');
      expect(config.database.max_retries).to.equal(1);
      expect(config.origin('database', 'connection')).to.equal('environment variable OS_DATABASE__CONNECTION');
    });

    it('OS_<SECTION>__<KEY> works for any option, and without files', () => {
      const config = load({
        env: { OS_DEFAULT__STATE_PATH: '/env/state', OS_DATABASE__MAX_RETRIES: '-1', OS_DATABASE__RETRY_INTERVAL: '2' },
      });
      expect(config.state_path).to.equal('/env/state');
      expect(config.database.max_retries).to.equal(-1);
      expect(config.database.retry_interval).to.equal(2);
    });

    it('environment values are interpolated, and feed interpolation', () => {
      const config = loadText('[DEFAULT]\nstate_path = /file\n[database]\nconnection = sqlite:///$state_path/w.db\n', {
        OS_DEFAULT__STATE_PATH: '/env',
        OS_DATABASE__MAX_RETRIES: '$retry_interval',
        OS_DATABASE__RETRY_INTERVAL: '4',
      });
      expect(config.database.connection).to.equal('sqlite:////env/w.db');
      expect(config.database.max_retries).to.equal(4);
    });

    it('lower-case or single-underscore names are not overrides', () => {
      const config = load({ env: { os_database__connection: 'sqlite://', OS_DATABASE_CONNECTION: 'sqlite://' } });
      expect(config.database.connection).to.equal(undefined);
    });

    it('reads process.env when no env is given', () => {
      process.env.OS_WDMTEST__KEY = 'from-process';
      try {
        expect(loadConfig({ cwd: dir }).get('wdmtest', 'key')).to.equal('from-process');
      } finally {
        delete process.env.OS_WDMTEST__KEY;
      }
    });
  });

  describe('integer options', () => {
    it('lock_timeout takes seconds (fractions too) above 0 and lock_retries an integer of at least 0', () => {
      const file = path.join(dir, 'watcher.conf');
      expect(loadText('[database]\nlock_timeout = 0.5\nlock_retries = 0\n').database).to.include({ lock_timeout: 0.5, lock_retries: 0 });
      expect(load({ env: { OS_DATABASE__LOCK_TIMEOUT: '7' } }).database).to.include({ lock_timeout: 7, lock_retries: 30 });
      expect(configError(() => loadText('[database]\nlock_timeout = 0\n'))).to.equal(
        `Invalid [database] lock_timeout "0" (${file} line 2): expected a number of seconds above 0`,
      );
      expect(configError(() => loadText('[database]\nlock_timeout = 2s\n'))).to.match(/^Invalid \[database\] lock_timeout "2s" /);
      expect(configError(() => loadText('[database]\nlock_retries = -1\n'))).to.match(/^Invalid \[database\] lock_retries "-1" .*at least 0$/);
    });

    it('an invalid integer names the option, its value and where it was set', () => {
      const file = path.join(dir, 'watcher.conf');
      expect(configError(() => loadText('[database]\nmax_retries = ten\n'))).to.equal(
        `Invalid [database] max_retries "ten" (${file} line 2): expected an integer of at least -1`,
      );
      // -1 is oslo.db's "for ever"; below that, and a negative interval, mean nothing.
      expect(configError(() => loadText('[database]\nmax_retries = -2\n'))).to.match(/^Invalid \[database\] max_retries "-2" .*at least -1$/);
      expect(configError(() => loadText('[database]\nretry_interval = -1\n'))).to.match(/^Invalid \[database\] retry_interval "-1" .*at least 0$/);
      expect(configError(() => loadText('[database]\nmax_retries = 99999999999999999999\n'))).to.match(/^Invalid \[database\] max_retries/);
      expect(load({ env: { OS_DATABASE__MAX_RETRIES: '-1', OS_DATABASE__RETRY_INTERVAL: '0' } }).database).to.include({ max_retries: -1, retry_interval: 0 });
      expect(configError(() => loadText('[database]\nretry_interval = 1.5\n'))).to.match(/^Invalid \[database\] retry_interval "1.5"/);
      expect(configError(() => loadText('[database]\nmax_retries = 1\n  2\n'))).to.match(/^Invalid \[database\] max_retries "1\\n2" \(/);
      expect(configError(() => load({ env: { OS_DATABASE__MAX_RETRIES: '' } }))).to.equal(
        'Invalid [database] max_retries "" (environment variable OS_DATABASE__MAX_RETRIES): expected an integer of at least -1',
      );
    });
  });

  describe('resolveConnectionUrl', () => {
    it('returns [database] connection when set', () => {
      const url = `mysql+pymysql://watcher:${SECRET}@db/watcher`;
      expect(resolveConnectionUrl(loadText(`[database]\nconnection = ${url}\n`))).to.equal(url);
    });

    it('defaults to watcher.sqlite in an absolute state_path', () => {
      expect(resolveConnectionUrl(loadText('[DEFAULT]\nstate_path = /var/lib/watcher\n'))).to.equal(
        'sqlite:////var/lib/watcher/watcher.sqlite',
      );
      expect(resolveConnectionUrl(loadText('[DEFAULT]\nstate_path = /var/lib/watcher/\n'))).to.equal(
        'sqlite:////var/lib/watcher/watcher.sqlite',
      );
    });

    it('defaults to watcher.sqlite in cwd without config', () => {
      expect(resolveConnectionUrl(load({}))).to.equal(`sqlite:///${dir}/watcher.sqlite`);
      expect(resolveConnectionUrl(load({}))).to.match(/^sqlite:\/\/\/\//);
    });

    it('a relative state_path gives a relative SQLite URL', () => {
      expect(resolveConnectionUrl(loadText('[DEFAULT]\nstate_path = data\n'))).to.equal('sqlite:///data/watcher.sqlite');
    });

    it('an empty connection is an error, not a silent SQLite fallback', () => {
      const file = path.join(dir, 'watcher.conf');
      expect(configError(() => resolveConnectionUrl(loadText('[database]\nconnection =\n')))).to.equal(
        `[database] connection is empty (${file} line 2); give a database URL, or remove it to use the SQLite default`,
      );
      expect(configError(() => resolveConnectionUrl(load({ env: { OS_DATABASE__CONNECTION: '' } })))).to.equal(
        '[database] connection is empty (environment variable OS_DATABASE__CONNECTION); ' +
          'give a database URL, or remove it to use the SQLite default',
      );
    });
  });
});
