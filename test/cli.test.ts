import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT, runCli, writeConfig } from './support/cli';
import { configuredDatabase } from './support/fresh-database';

const COMMANDS = ['create_schema', 'current', 'downgrade', 'heads', 'history', 'stamp', 'upgrade', 'version'];

describe('command line', () => {
  it('lists every command with a one-line summary', () => {
    const r = runCli(['--help']);
    expect(r.status).to.equal(0);
    for (const command of COMMANDS) expect(r.stdout).to.match(new RegExp(`^\\s+${command}\\s+\\S`, 'm'));
  });

  for (const command of COMMANDS) {
    it(`shows ${command}'s flags, descriptions and an example`, () => {
      for (const flag of ['--help', '-h']) {
        const r = runCli([command, flag]);
        expect(r.status).to.equal(0);
        expect(r.stdout).to.contain('USAGE');
        expect(r.stdout).to.contain('--config-file=PATH');
        expect(r.stdout).to.match(/-d, --\[no-\]debug\s+Log every SQL statement/);
        expect(r.stdout).to.match(/EXAMPLES\n\s+\$ watcher-db-manage /);
      }
    });
  }

  it('prints the version with --version, before or after the command', () => {
    for (const args of [['--version'], ['upgrade', '--version'], ['--config-file', '/nonexistent.conf', 'stamp', 'head', '--version']]) {
      const r = runCli(args);
      expect(r.status, args.join(' ')).to.equal(0);
      expect(r.stdout).to.match(/^watcher-db-manage\/\d+\.\d+\.\d+ /);
    }
  });

  it('help, help COMMAND and --help show the global flags, from their declarations, and that no command runs upgrade', () => {
    const root = runCli(['--help']);
    expect(root.status).to.equal(0);
    expect(runCli(['help'])).to.deep.equal(root);
    expect(runCli(['help', 'help'])).to.deep.equal(root);
    expect(root.stdout).to.contain('With no COMMAND, watcher-db-manage runs upgrade');
    expect(root.stdout).to.match(/^\s+\$ watcher-db-manage help \[COMMAND\]$/m);
    const globals = root.stdout.slice(root.stdout.indexOf('\nGLOBAL FLAGS\n'));
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'oclif.manifest.json'), 'utf8'));
    const declared = Object.values(manifest.commands.upgrade.flags as Record<string, { name: string; char?: string; description: string; helpGroup?: string }>)
      .filter((f) => f.helpGroup === 'GLOBAL');
    expect(declared.map((f) => f.name)).to.include.members(['config-file', 'config-dir', 'debug', 'verbose', 'migrations-dir']);
    for (const flag of declared) {
      const words = flag.description.split(/\s+/).slice(0, 3).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+');
      expect(globals, flag.name).to.match(new RegExp(`^\\s+${flag.char ? `-${flag.char}, ` : ''}--(\\[no-\\])?${flag.name}\\b.*\\s${words}`, 'm'));
    }
    expect(globals).to.match(/^\s+--version\s+Print the version/m);
    expect(globals).to.match(/After purge, -d is not --debug/);
    for (const spelling of ['--logfile', '--log_config', '--nodebug', '--nouse-syslog']) expect(globals).to.contain(spelling);
    for (const args of [['help', 'upgrade'], ['--config-file', 'x.conf', 'help', 'upgrade']]) {
      expect(runCli(args), args.join(' ')).to.deep.equal(runCli(['upgrade', '--help']));
    }
  });

  it('names an unknown command in one line with the nearest command and the list, exit 2', () => {
    const list = `Commands: check, create_schema, current, downgrade, heads, history, merge, purge, revision, stamp, upgrade, version; help [COMMAND] describes them`;
    const expectUsage = (args: string[], message: string) => {
      const r = runCli(args);
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stdout, args.join(' ')).to.equal('');
      expect(r.stderr, args.join(' ')).to.equal(`watcher-db-manage: error: ${message}\n`);
    };
    for (const args of [['upgad'], ['help', 'upgad'], ['upgad', '--help'], ['--config-file', 'a.conf', 'upgad', 'head', '-v']]) {
      expectUsage(args, `unknown command 'upgad'; did you mean 'upgrade'? ${list}`);
    }
    expectUsage(['create-schema'], `unknown command 'create-schema'; did you mean 'create_schema'? ${list}`);
    expectUsage(['autocomplet'], `unknown command 'autocomplet'; did you mean 'autocomplete'? ${list}`);
    expectUsage(['nonsense'], `unknown command 'nonsense'. ${list}`);
    // The list is the tool's own commands, as --help lists them (autocomplete's aside).
    const listed = [...runCli(['--help']).stdout.matchAll(/^  ([a-z_]+)  /gm)].map((m) => m[1]).filter((c) => c !== 'autocomplete');
    expect(list).to.contain(`Commands: ${listed.join(', ')};`);
  });

  it("takes the reference's spellings of the logging options anywhere on the line", function () {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'oclif.manifest.json'), 'utf8'));
    if (!manifest.commands.stamp.flags['log-file']) this.skip(); // the logging options are not in this build
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-cli-'));
    const conf = writeConfig(`sqlite:///${dir}/s.sqlite`);
    const log = path.join(dir, 'stamp.log');
    const r = runCli(['--nouse-syslog', 'stamp', '--logfile', log, '--config-file', conf, 'head', '--nodebug', '--nouse-journal', '--nouse-json']);
    expect(r.status, r.stderr).to.equal(0);
    expect(fs.readFileSync(log, 'utf8')).to.match(/Running stamp_revision {2}-> [0-9a-f]{12}/);
    expect(runCli(['version', `--log_config=${path.join(dir, 'none.conf')}`, '--nowatch-log-file', '--config-file', conf, '--logdir', dir]).status).to.equal(0);
  });

  for (const backend of ['sqlite', 'postgresql'] as const) {
    it(`takes global options after the command without taking its argument (${backend})`, async () => {
      const { db, conf } = await configuredDatabase(backend);
      try {
        const head = /^([0-9a-f]{12}) \(head\)/.exec(runCli(['heads']).stdout)?.[1];
        expect(head).to.be.a('string');
        const version = () => runCli(['version', '--config-file', conf]).stdout.trim();
        const steps: [string[], string][] = [
          [['upgrade', '--config-file', conf, '001'], '001'],
          [['stamp', '--config-file', conf, 'head'], head!],
          [['stamp', '-v', `--config-file=${conf}`, '001'], '001'],
          [['downgrade', '--config-file', conf, '-v', 'base'], 'None'],
          [['stamp', 'head', '--config-file', conf, '--verbose'], head!],
          [['-v', 'stamp', '--migrations-dir', path.join(REPO_ROOT, 'dist', 'migrations'), 'base', '--config-file', conf], 'None'],
        ];
        for (const [args, expected] of steps) {
          const r = runCli(args);
          expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
          expect(version(), args.join(' ')).to.equal(expected);
        }
        // Nor is an option's value the command's argument.
        const r = runCli(['stamp', '--config-file', conf]);
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr).to.contain('stamp needs a revision');
      } finally {
        await db.drop();
      }
    });
  }

  it('accepts the global options before or after the command', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-cli-'));
    const conf = writeConfig(`sqlite:///${dir}/a.sqlite`);
    for (const args of [['--config-file', conf, 'version'], ['version', '--config-file', conf], ['-v', 'version', `--config-file=${conf}`]]) {
      const r = runCli(args);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('None\n');
    }
    expect(fs.existsSync(path.join(dir, 'a.sqlite'))).to.equal(true);
  });

  it('uses $state_path/watcher.sqlite when nothing is configured', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-cli-'));
    const r = runCli(['-v', 'version'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.contain(`sqlite:///${dir}/watcher.sqlite`);
    expect(fs.existsSync(path.join(dir, 'watcher.sqlite'))).to.equal(true);
  });

  it('reads the connection from a --config-dir and the environment override', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-cli-'));
    fs.mkdirSync(path.join(dir, 'conf.d'));
    fs.writeFileSync(path.join(dir, 'conf.d', '10-db.conf'), `[database]\nconnection = sqlite:///${dir}/fromdir.sqlite\n`);
    expect(runCli(['--config-dir', path.join(dir, 'conf.d'), 'version']).status).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'fromdir.sqlite'))).to.equal(true);
    const r = runCli(['--config-dir', path.join(dir, 'conf.d'), 'version'], {
      env: { OS_DATABASE__CONNECTION: `sqlite:///${dir}/fromenv.sqlite` },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'fromenv.sqlite'))).to.equal(true);
  });

  const oneLineError = (args: string[], pattern: RegExp) => {
    const r = runCli(args);
    expect(r.status).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
    expect(r.stderr).to.match(pattern);
    expect(r.stderr).to.not.match(/\n\s+at /);
    return r;
  };

  it('explains a missing config file or dir in one line', () => {
    oneLineError(['--config-file', '/nonexistent/watcher.conf', 'version'], /Config file not found: \/nonexistent\/watcher.conf/);
    oneLineError(['--config-dir', '/nonexistent/conf.d', 'version'], /nonexistent\/conf.d/);
  });

  it('explains an unreadable config file or dir in one line', () => {
    // Root reads anything, so as root the tool runs without the capabilities that let it
    // (setpriv drops them from the bounding set): the check must run on CI too.
    const asRoot = process.getuid?.() === 0;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-perm-'));
    const file = path.join(dir, 'secret.conf');
    fs.writeFileSync(file, '[database]\nconnection = sqlite://\n');
    const locked = path.join(dir, 'locked.d');
    fs.mkdirSync(locked);
    fs.chmodSync(file, 0o000);
    fs.chmodSync(locked, 0o000);
    const run = (args: string[]) => {
      if (!asRoot) return runCli(args);
      const r = spawnSync(
        'setpriv',
        ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, path.join(REPO_ROOT, 'bin', 'run.js'), ...args],
        { cwd: dir, encoding: 'utf8' },
      );
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    for (const [args, message] of [
      [['--config-file', file, 'version'], `Config file is not readable (permission denied): ${file}`],
      [['--config-dir', locked, 'version'], `Config directory is not readable (permission denied): ${locked}`],
    ] as const) {
      const r = run([...args]);
      expect(r.status, r.stderr).to.equal(1);
      expect(r.stderr.trim()).to.equal(`watcher-db-manage: error: ${message}`);
    }
    fs.chmodSync(locked, 0o700);
  });

  it('refuses an SQLite path in a missing directory or a file that is not a database, changing nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-cli-'));
    const notADatabase = path.join(dir, 'garbage.sqlite');
    fs.writeFileSync(notADatabase, 'this is not an SQLite file, but it is long enough to have a header'.repeat(4));
    const cases = [
      { file: path.join(dir, 'missing', 'watcher.sqlite'), reason: 'the directory does not exist' },
      { file: notADatabase, reason: 'the file is not an SQLite database' },
    ];
    for (const { file, reason } of cases) {
      const before = fs.existsSync(file) ? fs.readFileSync(file) : null;
      // history still lists the revisions, with the same reason as a warning (see its --help).
      const history = runCli(['--config-file', writeConfig(`sqlite:///${file}`), 'history']);
      expect(history.stderr).to.contain(`WARNING Cannot mark the current revision: Cannot connect to SQLite at ${file}: ${reason}`);
      for (const command of ['version', 'current', 'upgrade', 'stamp head', 'create_schema']) {
        const r = runCli(['--config-file', writeConfig(`sqlite:///${file}`), ...command.split(' ')]);
        expect(r.status, `${command}: ${r.stderr}`).to.not.equal(0);
        const errors = r.stderr.split('\n').filter((line) => line.startsWith('watcher-db-manage: error:'));
        expect(errors, `${command}: ${r.stderr}`).to.deep.equal([`watcher-db-manage: error: Cannot connect to SQLite at ${file}: ${reason}`]);
      }
      expect(fs.existsSync(path.join(dir, 'missing'))).to.equal(false);
      if (before) expect(fs.readFileSync(file).equals(before)).to.equal(true);
    }
  });

  it('explains bad flags in one whole line, exit 2', () => {
    const conf = writeConfig('sqlite://');
    for (const [args, message] of [
      [['upgrade', '--foo'], 'Nonexistent flag: --foo'],
      [['stamp', '--revision'], 'Flag --revision expects a value'],
      [['purge', '-d', 'abc'], 'Parsing --age-in-days Expected an integer but received: abc'],
    ] as const) {
      const r = runCli(['--config-file', conf, ...args]);
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr).to.contain(`watcher-db-manage: error: ${message}`);
    }
  });

  it('rejects an unsupported URL scheme in one line, naming the accepted ones, without the password', () => {
    const r = oneLineError(['--config-file', writeConfig('oracle://scott:tiger@db/orcl'), 'version'], /oracle.*accepted: sqlite, mysql/);
    expect(r.stderr).to.not.contain('tiger');
  });

  it('runs upgrade when no command is given, as the reference does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-cli-'));
    const conf = writeConfig(`sqlite:///${dir}/d.sqlite`);
    const r = runCli(['--config-file', conf]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('Running upgrade  -> 001, ocata release');
    expect(runCli(['--config-file', conf, 'version']).stdout).to.equal('f56ba02662b4\n');
  });

  it('fails within a bounded time on an unreachable server, naming host and port but not the password', () => {
    const started = Date.now();
    // Without retries: by default oslo.db's retries would wait 10 x 10 s (see test/retry.test.ts).
    const noRetry = 'max_retries = 0';
    const url = 'postgresql://watcher:s3cr%40t@127.0.0.1:1/watcher?connect_timeout=3';
    const r = oneLineError(['--config-file', writeConfig(url, '', noRetry), 'version'], /Cannot connect to PostgreSQL at 127.0.0.1:1 .*connection refused/);
    expect(Date.now() - started).to.be.below(15_000);
    expect(r.stderr).to.not.match(/s3cr/);
    const my = oneLineError(
      ['--config-file', writeConfig('mysql+pymysql://watcher:s3cr%40t@127.0.0.1:1/watcher', '', noRetry), 'version'],
      /Cannot connect to MySQL at 127.0.0.1:1 .*connection refused/,
    );
    expect(my.stderr).to.not.match(/s3cr/);
  });
});
