import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BACKENDS, createTempDatabase, TempDatabase } from './support/backends';
import { runCli, startCli, writeConfig } from './support/cli';
import { ENCODED, PASSWORD, urlWithPassword } from './support/password-url';
import { referenceScript, runReference } from './support/reference';
import { seedWatcherRows } from './support/watcher-rows';

// Where log lines go with oslo.log's options (--log-file, --log-dir, --use-json, --use-syslog, ...) and
// the same keys in [DEFAULT]; compared with the Python reference where it behaves the same.

/** oslo.log's logging_default_format_string / logging_context_format_string, loosely. */
const OSLO_LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.\d{3} (\d+) (DEBUG|INFO|WARNING|ERROR) (\S+) \[[^\]]*\] (.*)$/;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-logdest-'));
}

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/** A SQLite database at head, and its config file (with `extra` in [DEFAULT]). */
function sqliteAtHead(extra = ''): { url: string; conf: string } {
  const url = `sqlite:///${path.join(tempDir(), 'watcher.sqlite')}`;
  const conf = writeConfig(url, extra);
  const r = runCli(['upgrade', '--config-file', conf]);
  expect(r.status, r.stderr).to.equal(0);
  return { url, conf };
}

/** A config file with only [DEFAULT] lines, to add after the database's one. */
function defaultsConf(extra: string): string {
  const file = path.join(tempDir(), 'logging.conf');
  fs.writeFileSync(file, `[DEFAULT]\n${extra}\n`);
  return file;
}

/**
 * A real unix datagram socket, as /dev/log is, bound in a temp dir. Node cannot bind one, so a small
 * python3 receiver does and prints each datagram as a JSON string; it stops when idle.
 */
async function datagramReceiver(): Promise<{ socket: string; received: () => Promise<string[]> }> {
  const socket = path.join(tempDir(), 'log.sock');
  const script = [
    'import json, socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])',
    'print("ready", flush=True); s.settimeout(20)',
    'try:',
    '  while True:',
    '    print(json.dumps(s.recv(65536).decode()), flush=True); s.settimeout(1.5)',
    'except socket.timeout: pass',
  ].join('\n');
  const child = spawn('python3', ['-c', script, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.startsWith('ready\n') && resolve());
    child.once('exit', () => reject(new Error('the datagram receiver did not start')));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    socket,
    received: async () => {
      await exited;
      return out.split('\n').slice(1).filter(Boolean).map((line) => JSON.parse(line) as string);
    },
  };
}

/** A real unix stream socket standing in for journald's (/run/systemd/journal/stdout). */
async function streamReceiver(): Promise<{ socket: string; received: () => Promise<string> }> {
  const socket = path.join(tempDir(), 'journal.sock');
  let text = '';
  let ended!: () => void;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const server = net.createServer((connection) => {
    connection.setEncoding('utf8').on('data', (d: string) => (text += d));
    connection.on('end', () => ended());
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    received: async () => {
      await done;
      server.close();
      return text;
    },
  };
}

describe('log destinations', function () {
  this.timeout(120_000);

  describe('every option of the reference --help', () => {
    it('is accepted after the command', () => {
      const help = spawnSync(referenceScript(), ['--help'], { encoding: 'utf8' }).stdout;
      const usage = help.slice(0, help.indexOf('options:'));
      const options = [...new Set(usage.match(/--[a-z-]+/g) ?? [])].filter((o) => o !== '--version');
      expect(options).to.include.members(['--log-file', '--use-syslog', '--nouse-json', '--log-config-append']);
      const { conf } = sqliteAtHead();
      const dir = tempDir();
      const values: Record<string, string> = {
        '--config-file': conf,
        '--config-dir': dir,
        '--log-file': path.join(dir, 'a.log'),
        '--log-dir': dir,
        '--log-config-append': path.join(dir, 'logging.ini'),
        '--log-date-format': '%Y',
        '--syslog-log-facility': 'local0',
      };
      for (const option of options) {
        // The reference's --nofoo is our --no-foo (src/cli/argv.ts accepts both spellings).
        const ours = option.replace(/^--no(?!-)/, '--no-');
        const args = ['version', '--config-file', conf, ours, ...(values[option] !== undefined ? [values[option]] : [])];
        // No syslog or journald to reach: a warning at most, whatever the machine has.
        const env = { WATCHER_DB_MANAGE_TEST_SYSLOG_SOCKET: path.join(dir, 'none'), WATCHER_DB_MANAGE_TEST_JOURNAL_SOCKET: path.join(dir, 'none') };
        const r = runCli(args, { env });
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
        expect(r.stdout.trim(), option).to.match(/^[0-9a-f]{12}$/);
      }
    });

    it('leaves -d as --age-in-days after purge, with --no-debug beside it', () => {
      const { conf } = sqliteAtHead();
      const r = runCli(['purge', '--config-file', conf, '-d', '3', '--no-debug', '--dry-run']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.not.contain('SQL:');
    });
  });

  describe('a log file', () => {
    it('--log-file gets the lines in oslo.log format, and standard error none', () => {
      const { conf } = sqliteAtHead();
      const file = path.join(tempDir(), 'wdm.log');
      const r = runCli(['downgrade', 'base', '--config-file', conf, '--log-file', file, '-d', '-v']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('');
      const logged = lines(file);
      for (const line of logged) expect(line).to.match(OSLO_LINE);
      expect(logged.some((l) => / DEBUG watcher-db-manage \[-\] SQL: /.test(l))).to.equal(true);
      expect(logged.some((l) => / INFO watcher-db-manage \[-\] Read /.test(l))).to.equal(true);
      expect(Number(OSLO_LINE.exec(logged[0])![2])).to.be.above(0);
    });

    it('appends, as oslo.log does', () => {
      const { conf } = sqliteAtHead();
      const file = path.join(tempDir(), 'wdm.log');
      for (let i = 0; i < 2; i += 1) expect(runCli(['version', '--config-file', conf, '--log-file', file, '-v']).status).to.equal(0);
      expect(lines(file).filter((l) => l.includes('] Read ')).length).to.equal(2);
    });

    it('[DEFAULT] log_dir alone writes <log_dir>/watcher-db-manage.log, where the reference writes', () => {
      const { url, conf } = sqliteAtHead();
      const ours = tempDir();
      const theirs = tempDir();
      expect(runCli(['version', '--config-file', conf, '--config-file', defaultsConf(`log_dir = ${ours}`), '-v']).status).to.equal(0);
      // The installed script, whose name oslo.log gives the file (the test harness runs `python3 -c`), as
      // copied before the run (test/deb.test.ts may be diverting /usr/bin/watcher-db-manage meanwhile).
      const ref = spawnSync(referenceScript(), ['--config-file', writeConfig(url, `log_dir = ${theirs}`), 'version'], { encoding: 'utf8' });
      expect(ref.status, ref.stderr).to.equal(0);
      expect(fs.readdirSync(ours)).to.deep.equal(fs.readdirSync(theirs)).and.to.deep.equal(['watcher-db-manage.log']);
      // The same line layout: time, pid, level, logger name, context, message.
      for (const file of [path.join(ours, 'watcher-db-manage.log'), path.join(theirs, 'watcher-db-manage.log')]) {
        expect(lines(file).length, file).to.be.above(0);
        for (const line of lines(file)) expect(line).to.match(OSLO_LINE);
      }
    });

    it('a relative --log-file lands in --log-dir, as in the reference', () => {
      const { url, conf } = sqliteAtHead();
      const ours = tempDir();
      const theirs = tempDir();
      expect(runCli(['version', '--config-file', conf, '--log-dir', ours, '--log-file', 'mine.log', '-v']).status).to.equal(0);
      expect(runReference(url, ['--log-dir', theirs, '--log-file', 'mine.log', 'version']).status).to.equal(0);
      expect(fs.readdirSync(ours)).to.deep.equal(fs.readdirSync(theirs)).and.to.deep.equal(['mine.log']);
    });

    it('[DEFAULT] log_file relative to [DEFAULT] log_dir; the flags override both', () => {
      const { conf } = sqliteAtHead();
      const dir = tempDir();
      const other = tempDir();
      const defaults = defaultsConf(`log_dir = ${dir}\nlog_file = from-config.log`);
      expect(runCli(['version', '--config-file', conf, '--config-file', defaults, '-v']).status).to.equal(0);
      expect(fs.readdirSync(dir)).to.deep.equal(['from-config.log']);
      expect(runCli(['version', '--config-file', conf, '--config-file', defaults, '-v', '--log-dir', other, '--log-file', 'flag.log']).status).to.equal(0);
      expect(fs.readdirSync(other)).to.deep.equal(['flag.log']);
      expect(lines(path.join(dir, 'from-config.log')).length).to.equal(lines(path.join(other, 'flag.log')).length);
    });

    it('--log-date-format and [DEFAULT] log_date_format set the time, as in the reference', () => {
      const { url, conf } = sqliteAtHead();
      const ours = path.join(tempDir(), 'ours.log');
      const theirs = path.join(tempDir(), 'theirs.log');
      expect(runCli(['version', '--config-file', conf, '--log-file', ours, '--log-date-format', '%d/%m/%Y %H:%M', '-v']).status).to.equal(0);
      expect(runReference(url, ['--log-file', theirs, '--log-date-format', '%d/%m/%Y %H:%M', 'version']).status).to.equal(0);
      const layout = /^\d\d\/\d\d\/\d{4} \d\d:\d\d\.\d{3} \d+ INFO /;
      for (const line of [...lines(ours), ...lines(theirs)]) expect(line).to.match(layout);
      const fromConfig = path.join(tempDir(), 'conf.log');
      const defaults = defaultsConf(`log_file = ${fromConfig}\nlog_date_format = %Y`);
      expect(runCli(['version', '--config-file', conf, '--config-file', defaults, '-v']).status).to.equal(0);
      for (const line of lines(fromConfig)) expect(line).to.match(/^\d{4}\.\d{3} \d+ INFO /);
    });

    it('in a missing directory is one error line and exit 1, before anything runs', () => {
      const { conf } = sqliteAtHead();
      const missing = path.join(tempDir(), 'no', 'such');
      for (const args of [['--log-file', path.join(missing, 'x.log')], ['--log-dir', missing]]) {
        const r = runCli(['downgrade', 'base', '--config-file', conf, ...args]);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.match(/^watcher-db-manage: error: Cannot write the log file .*: its directory does not exist\n$/);
      }
      expect(runCli(['current', '--config-file', conf]).stdout).to.match(/\(head\)/); // nothing was undone
    });

    it('gets the command error as an ERROR line, which standard error still shows', () => {
      const { conf } = sqliteAtHead();
      const file = path.join(tempDir(), 'wdm.log');
      const r = runCli(['downgrade', 'nosuchrev', '--config-file', conf, '--log-file', file]);
      expect(r.status).to.not.equal(0);
      expect(r.stderr).to.match(/^watcher-db-manage: error: /);
      const errors = lines(file).filter((l) => / ERROR watcher-db-manage \[-\] /.test(l));
      expect(errors.length).to.equal(1);
      expect(r.stderr).to.contain(OSLO_LINE.exec(errors[0])![5]);
    });

    it('is reopened when it is moved away mid-run (logrotate; watch_log_file)', async () => {
      const { url, conf } = sqliteAtHead();
      seedWatcherRows(url);
      const file = path.join(tempDir(), 'wdm.log');
      const cli = startCli(['purge', '--config-file', conf, '--log-file', file, '--debug', '-v', '--watch-log-file'], { stdin: true });
      const deadline = Date.now() + 60_000;
      while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('Selected')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      fs.renameSync(file, `${file}.1`);
      const movedAway = fs.readFileSync(`${file}.1`, 'utf8');
      cli.write('y\n');
      const r = await cli.done;
      expect(r.status, r.stderr).to.equal(0);
      // Every line after the move went to a new file at the path, none to the moved one.
      expect(movedAway).to.contain('Selected');
      expect(fs.readFileSync(`${file}.1`, 'utf8')).to.equal(movedAway);
      expect(fs.readFileSync(file, 'utf8')).to.match(/SQL: DELETE/);
    });
  });

  describe('JSON lines', () => {
    it('--use-json and [DEFAULT] use_json write one object a line, with keys of the reference', () => {
      const { url, conf } = sqliteAtHead();
      const ours = path.join(tempDir(), 'ours.log');
      const theirs = path.join(tempDir(), 'theirs.log');
      expect(runCli(['version', '--config-file', conf, '--log-file', ours, '--use-json', '-v']).status).to.equal(0);
      expect(runReference(url, ['--log-file', theirs, '--use-json', 'version']).status).to.equal(0);
      const reference = JSON.parse(lines(theirs)[0]) as Record<string, unknown>;
      const logged = lines(ours).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged.length).to.be.above(1);
      for (const object of logged) {
        for (const key of Object.keys(object)) {
          expect(reference, key).to.have.property(key);
          expect(typeof object[key], key).to.equal(typeof reference[key]);
        }
        expect(object.levelname).to.equal('INFO');
        expect(object.asctime).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      }
      expect(logged.map((o) => o.message)).to.satisfy((m: string[]) => m.some((text) => text.startsWith('Read ')));
      const fromConfig = path.join(tempDir(), 'conf.log');
      expect(runCli(['version', '--config-file', conf, '--config-file', defaultsConf(`log_file = ${fromConfig}\nuse_json = true`), '-v']).status).to.equal(0);
      for (const line of lines(fromConfig)) expect(JSON.parse(line)).to.have.property('levelname');
      // --no-use-json wins over the file
      expect(runCli(['version', '--config-file', conf, '--config-file', defaultsConf(`log_file = ${fromConfig}\nuse_json = true`), '-v', '--no-use-json']).status).to.equal(0);
      expect(lines(fromConfig)[lines(fromConfig).length - 1]).to.match(OSLO_LINE);
    });

    it('without a log file go to standard error as JSON too, as oslo.log formats its stream', () => {
      const { conf } = sqliteAtHead();
      const r = runCli(['version', '--config-file', conf, '--use-json', '-v']);
      expect(r.status, r.stderr).to.equal(0);
      const logged = r.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { levelname: string; message: string });
      expect(logged.map((o) => o.message)).to.satisfy((m: string[]) => m.some((text) => text.startsWith('Read ')));
    });
  });

  describe('[DEFAULT] debug', () => {
    it('turns SQL logging on; --no-debug turns it off again', () => {
      const { conf } = sqliteAtHead();
      const debug = defaultsConf('debug = true');
      const on = runCli(['downgrade', 'base', '--config-file', conf, '--config-file', debug]);
      expect(on.status, on.stderr).to.equal(0);
      expect(on.stderr).to.match(/^DEBUG SQL: /m);
      const off = runCli(['upgrade', '--config-file', conf, '--config-file', debug, '--no-debug']);
      expect(off.status, off.stderr).to.equal(0);
      expect(off.stderr).to.not.contain('SQL:');
    });
  });

  describe('syslog', () => {
    // The reference's datagrams (libc syslog(3)) read `<134>Dec  6 20:56:18 watcher-db-manage: 2026-12-06 ...`.
    it('--use-syslog sends datagrams as syslog(3) does, with the facility asked, and still logs on standard error', async () => {
      const { conf } = sqliteAtHead();
      const receiver = await datagramReceiver();
      const r = runCli(['version', '--config-file', conf, '--use-syslog', '--syslog-log-facility', 'LOG_LOCAL0', '-v'], {
        env: { WATCHER_DB_MANAGE_TEST_SYSLOG_SOCKET: receiver.socket },
      });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/^Read /m);
      const datagrams = await receiver.received();
      expect(datagrams.length).to.be.above(1);
      // local0 (16) * 8 + info (6)
      for (const datagram of datagrams) expect(datagram).to.match(/^<134>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d watcher-db-manage: \d{4}-\d\d-\d\d [\d:.]+ \d+ INFO watcher-db-manage \[-\] /);
      expect(datagrams.some((d) => d.includes('] Read '))).to.equal(true);
    });

    it('[DEFAULT] use_syslog and syslog_log_facility (as "local3"), warnings at their severity', async () => {
      const { conf } = sqliteAtHead();
      const receiver = await datagramReceiver();
      const defaults = defaultsConf('use_syslog = true\nsyslog_log_facility = local3\nlog_config_append = /etc/watcher/logging.conf');
      const r = runCli(['version', '--config-file', conf, '--config-file', defaults], { env: { WATCHER_DB_MANAGE_TEST_SYSLOG_SOCKET: receiver.socket } });
      expect(r.status, r.stderr).to.equal(0);
      const datagrams = await receiver.received();
      // local3 (19) * 8 + warning (4): the one line about log_config_append
      expect(datagrams.length).to.equal(1);
      expect(datagrams[0]).to.match(/^<156>.* WARNING watcher-db-manage \[-\] log_config_append \/etc\/watcher\/logging.conf is ignored/);
    });

    it('refuses an unknown facility in one line', () => {
      const { conf } = sqliteAtHead();
      const r = runCli(['version', '--config-file', conf, '--use-syslog', '--syslog-log-facility', 'LOG_NOPE']);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.match(/^watcher-db-manage: error: Invalid syslog facility "LOG_NOPE": expected one of LOG_KERN, .*LOG_LOCAL7\n$/);
    });

    it('without a syslog socket says so once and keeps standard error', () => {
      const { conf } = sqliteAtHead();
      const r = runCli(['version', '--config-file', conf, '--use-syslog', '-v'], { env: { WATCHER_DB_MANAGE_TEST_SYSLOG_SOCKET: path.join(tempDir(), 'none') } });
      expect(r.status).to.equal(0);
      expect(r.stderr.match(/^WARNING use_syslog: there is no syslog socket at /gm)?.length).to.equal(1);
      expect(r.stderr).to.match(/^Read /m);
    });
  });

  describe('journal', () => {
    it('--use-journal and [DEFAULT] use_journal send prioritised lines to journald instead of standard error', async () => {
      const { conf } = sqliteAtHead();
      for (const option of [['--use-journal'], ['--config-file', defaultsConf('use_journal = yes')]]) {
        const receiver = await streamReceiver();
        const r = await startCli(['version', '--config-file', conf, ...option, '-v'], { env: { WATCHER_DB_MANAGE_TEST_JOURNAL_SOCKET: receiver.socket } }).done;
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.equal('');
        const [identifier, unit, priority, levelPrefix, ...rest] = (await receiver.received()).split('\n');
        expect([identifier, unit, priority, levelPrefix]).to.deep.equal(['watcher-db-manage', '', '6', '1']);
        const entries = rest.slice(3).filter(Boolean);
        expect(entries.length).to.be.above(1);
        for (const entry of entries) expect(entry).to.match(/^<6>\d{4}-\d\d-\d\d [\d:.]+ \d+ INFO watcher-db-manage \[-\] /);
      }
    });

    it('without journald warns once and logs on standard error', () => {
      const { conf } = sqliteAtHead();
      const r = runCli(['version', '--config-file', conf, '--use-journal', '-v'], { env: { WATCHER_DB_MANAGE_TEST_JOURNAL_SOCKET: path.join(tempDir(), 'none') } });
      expect(r.status).to.equal(0);
      expect(r.stderr.match(/^WARNING use_journal: there is no journald socket at .*; log lines go to standard error$/gm)?.length).to.equal(1);
      expect(r.stderr).to.match(/^Read /m);
    });
  });

  describe('--log-config-append', () => {
    it('is accepted with one warning saying it is ignored, and the other options apply', () => {
      const { conf } = sqliteAtHead();
      const plain = runCli(['version', '--config-file', conf, '--log-config-append', '/etc/watcher/logging.conf']);
      expect(plain.status).to.equal(0);
      expect(plain.stderr).to.equal(
        'WARNING log_config_append /etc/watcher/logging.conf is ignored: Python logging configuration files are not supported; the other logging options apply\n',
      );
      const file = path.join(tempDir(), 'wdm.log');
      const r = runCli(['version', '--config-file', conf, '--log-config-append', 'x.conf', '--log-file', file, '--use-json']);
      expect(r.stderr).to.equal('');
      expect(lines(file).map((l) => (JSON.parse(l) as { message: string }).message)).to.deep.equal([
        'log_config_append x.conf is ignored: Python logging configuration files are not supported; the other logging options apply',
      ]);
    });
  });

  for (const backend of BACKENDS) {
    describe(`on ${backend}`, () => {
      let db: TempDatabase;
      beforeEach(async () => (db = await createTempDatabase(backend)));
      afterEach(async () => db.drop());

      it('the log file, syslog and journal never get the password', async () => {
        const url = backend === 'sqlite' ? db.url : urlWithPassword(db);
        const dir = tempDir();
        const file = path.join(dir, 'wdm.log');
        const conf = writeConfig(url, `log_file = ${file}`);
        const syslog = await datagramReceiver();
        const journal = await streamReceiver();
        const r = await startCli(['upgrade', '--config-file', conf, '-d', '-v', '--use-syslog', '--use-journal'], {
          env: { WATCHER_DB_MANAGE_TEST_SYSLOG_SOCKET: syslog.socket, WATCHER_DB_MANAGE_TEST_JOURNAL_SOCKET: journal.socket },
        }).done;
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.equal('');
        const written = [fs.readFileSync(file, 'utf8'), (await syslog.received()).join('\n'), await journal.received()];
        for (const text of written) {
          expect(text).to.match(/SQL: CREATE TABLE .?goals/);
          if (backend !== 'sqlite') expect(text).to.match(/Database: (postgresql|mysql\+pymysql):\/\/\w+:\*\*\*@/);
          expect(text).to.not.contain(PASSWORD);
          expect(text).to.not.contain(ENCODED);
        }
        // and the error of a refused password (MariaDB checks it; the test PostgreSQL trusts) too
        if (backend === 'mysql') {
          const wrong = writeConfig(url.replace(ENCODED, encodeURIComponent(`${PASSWORD}x`)), `log_file = ${file}\n`, 'max_retries = 0');
          const failed = runCli(['version', '--config-file', wrong, '-d']);
          expect(failed.status).to.equal(1);
          expect(fs.readFileSync(file, 'utf8') + failed.stderr).to.not.contain(PASSWORD);
        }
      });
    });
  }
});
