import { expect } from 'chai';
import { GLOBAL_OPTIONS, prepareArgv, referenceSpellings } from '../src/cli/argv';

const argv = (...args: string[]) => prepareArgv(args).argv;

describe('reference-style argv', () => {
  it('moves global options that stand before the command to after it', () => {
    expect(argv('--config-file', 'a.conf', '--config-dir=/etc/w', 'version')).to.deep.equal([
      'version', '--config-file', 'a.conf', '--config-dir', '/etc/w',
    ]);
  });

  it("moves global options after the command past its argument, so neither takes the other's place", () => {
    expect(argv('upgrade', '--config-file', 'a.conf', 'head')).to.deep.equal(['upgrade', 'head', '--config-file', 'a.conf']);
    expect(argv('stamp', '--config-file', 'a.conf', 'head')).to.deep.equal(['stamp', 'head', '--config-file', 'a.conf']);
    expect(argv('stamp', 'head', '--config-file', 'a.conf')).to.deep.equal(['stamp', 'head', '--config-file', 'a.conf']);
    expect(argv('stamp', '--config-file=a.conf', 'head', '--config-file', 'b.conf')).to.deep.equal([
      'stamp', 'head', '--config-file', 'a.conf', '--config-file', 'b.conf',
    ]);
    expect(argv('downgrade', '--log-file', 'x.log', '--sql', 'head:base')).to.deep.equal(['downgrade', '--sql', 'head:base', '--log-file', 'x.log']);
  });

  it("leaves the command's own options and their values where they are", () => {
    expect(argv('stamp', '--revision', 'head', '--config-file', 'x')).to.deep.equal(['stamp', '--revision', 'head', '--config-file', 'x']);
    expect(argv('revision', '-m', 'add a column', '--autogenerate')).to.deep.equal(['revision', '-m', 'add a column', '--autogenerate']);
  });

  it('spells out -d before the command, so it stays --debug even before purge; after the command the command decides', () => {
    expect(argv('-d', 'purge', '-d', '3')).to.deep.equal(['purge', '-d', '3', '--debug']);
    expect(argv('-v', '-d', 'version')).to.deep.equal(['version', '--verbose', '--debug']);
    expect(argv('-vd', 'version')).to.deep.equal(['version', '--verbose', '--debug']);
    expect(argv('-dx', 'version')).to.deep.equal(['upgrade', '-dx', 'version']);
    expect(argv('stamp', '-v', 'head')).to.deep.equal(['stamp', '-v', 'head']);
  });

  it("turns the reference's spellings into oclif's", () => {
    expect(argv('--logfile', 'a.log', '--logdir=/var/log', '--log_config', 'l.conf', 'version')).to.deep.equal([
      'version', '--log-file', 'a.log', '--log-dir', '/var/log', '--log-config-append', 'l.conf',
    ]);
    expect(argv('version', '--log-config=l.conf', '--log-date-format', '%H:%M', '--syslog-log-facility', 'LOG_LOCAL0')).to.deep.equal([
      'version', '--log-config-append', 'l.conf', '--log-date-format', '%H:%M', '--syslog-log-facility', 'LOG_LOCAL0',
    ]);
    expect(argv('--nodebug', '--nouse-syslog', 'version', '--nouse-journal', '--nouse-json', '--nowatch-log-file')).to.deep.equal([
      'version', '--no-debug', '--no-use-syslog', '--no-use-journal', '--no-use-json', '--no-watch-log-file',
    ]);
    expect(argv('--use-syslog', '--use-journal', '--use-json', '--watch-log-file', '--no-debug', 'version')).to.deep.equal([
      'version', '--use-syslog', '--use-journal', '--use-json', '--watch-log-file', '--no-debug',
    ]);
  });

  it('knows every global option of the reference, with whether it takes a value', () => {
    // The reference's --help (python3-watcher 9.0.0), option by option.
    const reference: Record<string, boolean> = {
      'config-dir': true, 'config-file': true, debug: false, 'log-config-append': true, 'log-config': true, log_config: true,
      'log-date-format': true, 'log-dir': true, logdir: true, 'log-file': true, logfile: true, nodebug: false,
      'nouse-journal': false, 'nouse-json': false, 'nouse-syslog': false, 'nowatch-log-file': false, 'syslog-log-facility': true,
      'use-journal': false, 'use-json': false, 'use-syslog': false, 'watch-log-file': false,
    };
    for (const [spelling, takesValue] of Object.entries(reference)) {
      const got = argv('stamp', `--${spelling}`, 'VALUE', 'head');
      expect(got, spelling).to.deep.equal(takesValue ? ['stamp', 'head', got[2], 'VALUE'] : ['stamp', 'VALUE', 'head', got[3]]);
      expect(got[takesValue ? 2 : 3], spelling).to.match(/^--[a-z-]+$/);
    }
    expect(GLOBAL_OPTIONS.map((o) => o.name)).to.include.members(['migrations-dir', 'verbose']);
    expect(referenceSpellings()).to.include.members(['--logfile', '--log_config', '--nodebug', '--nouse-syslog']);
  });

  it('leaves an option without its value for oclif to refuse, instead of taking the next option as the value', () => {
    expect(argv('upgrade', '--config-file')).to.deep.equal(['upgrade', '--config-file']);
    expect(argv('upgrade', '--config-file', '--debug')).to.deep.equal(['upgrade', '--config-file', '--debug']);
    // A command's option without its value comes before the moved options, which oclif will not take as its value.
    expect(argv('upgrade', '--revision', '--config-file', 'a')).to.deep.equal(['upgrade', '--revision', '--config-file', 'a']);
    // A value that looks like an option stays joined to its name.
    expect(argv('--log-date-format=-%H', 'version')).to.deep.equal(['version', '--log-date-format=-%H']);
  });

  it('stops at --: what follows is arguments', () => {
    expect(argv('stamp', '--config-file', 'a', '--', '--debug')).to.deep.equal(['stamp', '--config-file', 'a', '--', '--debug']);
  });

  it('runs upgrade when no command is given', () => {
    expect(prepareArgv([])).to.deep.equal({ argv: ['upgrade'], defaulted: true });
    expect(prepareArgv(['--config-file', 'a.conf'])).to.deep.equal({ argv: ['upgrade', '--config-file', 'a.conf'], defaulted: true });
    expect(prepareArgv(['--config-file', 'a.conf', '--sql'])).to.deep.equal({ argv: ['upgrade', '--sql', '--config-file', 'a.conf'], defaulted: true });
  });

  it('lets --version (anywhere) and --help through without a command', () => {
    expect(argv('--version')).to.deep.equal(['--version']);
    expect(argv('--config-file', 'a', 'upgrade', '--version')).to.deep.equal(['--version']);
    expect(argv('--config-file', 'a', '--help')).to.deep.equal(['--help', '--config-file', 'a']);
  });

  it('makes help [COMMAND] into --help [COMMAND]', () => {
    expect(argv('help')).to.deep.equal(['--help']);
    expect(argv('--config-file', 'a', 'help', 'upgrade')).to.deep.equal(['--help', 'upgrade', '--config-file', 'a']);
  });
});
