import { expect } from 'chai';
import { prepareArgv } from '../src/cli/argv';

describe('reference-style argv', () => {
  it('moves global options that stand before the command to after it', () => {
    expect(prepareArgv(['--config-file', 'a.conf', '--config-dir=/etc/w', 'version']).argv).to.deep.equal([
      'version', '--config-file', 'a.conf', '--config-dir=/etc/w',
    ]);
  });

  it('spells out -d before the command, so it stays --debug even before purge', () => {
    expect(prepareArgv(['-d', 'purge', '-d', '3']).argv).to.deep.equal(['purge', '-d', '3', '--debug']);
    expect(prepareArgv(['-v', '-d', 'version']).argv).to.deep.equal(['version', '--verbose', '--debug']);
  });

  it('leaves options after the command alone', () => {
    expect(prepareArgv(['stamp', '--revision', 'head', '--config-file', 'x']).argv).to.deep.equal([
      'stamp', '--revision', 'head', '--config-file', 'x',
    ]);
  });

  it('runs upgrade when no command is given', () => {
    expect(prepareArgv([])).to.deep.equal({ argv: ['upgrade'], defaulted: true });
    expect(prepareArgv(['--config-file', 'a.conf'])).to.deep.equal({ argv: ['upgrade', '--config-file', 'a.conf'], defaulted: true });
  });

  it('lets --version and --help through without a command', () => {
    expect(prepareArgv(['--version']).argv).to.deep.equal(['--version']);
    expect(prepareArgv(['--config-file', 'a', '--help']).argv).to.deep.equal(['--help', '--config-file', 'a']);
  });
});
