// Issue 15: watcher-db-manage(1) is written from the commands' own help, so it cannot go stale: every
// command and option is there, and an example naming an option that does not exist is refused.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Config } from '@oclif/core';
import { ManCommand, ManPageInput, renderManPage } from '../src/cli/man-page';
import { EXIT_CODES } from '../src/cli/exit-codes';
import { CONFIG_OPTIONS } from '../src/config/defaults';
import { REPO_ROOT } from './support/cli';

describe('man page (issue 15)', () => {
  let input: ManPageInput;
  before(async () => {
    const config = await Config.load({ root: REPO_ROOT, devPlugins: false, userPlugins: false });
    input = {
      bin: config.bin,
      pluginName: config.pjson.name,
      version: config.version,
      description: config.pjson.description ?? '',
      commands: config.commands as unknown as ManCommand[],
      helpFlags: config.pjson.oclif.additionalHelpFlags ?? [],
      date: '2026-01-01',
    };
  });

  it('has a section for every command, with each of its options, and the tables the tool uses', () => {
    const page = renderManPage(input);
    const unescaped = page.replace(/\\-/g, '-');
    expect(input.commands.length).to.be.greaterThan(10);
    const shown = input.commands.filter((c) => !c.hidden);
    expect(shown.map((c) => c.id)).to.include.members(['autocomplete', 'upgrade', 'downgrade', 'purge', 'create_schema']);
    expect(page, 'a hidden command').to.not.contain('autocomplete:create');
    for (const command of shown) {
      expect(unescaped).to.contain(`.SS "watcher-db-manage ${command.id}`);
      for (const flag of Object.values(command.flags).filter((f) => !f.hidden)) expect(unescaped, `${command.id} --${flag.name}`).to.contain(`--${flag.name}`);
    }
    for (const { code } of EXIT_CODES) expect(page).to.contain(`.TP\n\\fB${code}\\fR\n`);
    for (const option of CONFIG_OPTIONS) expect(page).to.contain(`[${option.section}] \\fB${option.key}\\fR`);
    expect(page).to.match(/^\.TH WATCHER\\-DB\\-MANAGE 1 "2026-01-01" "watcher\\-db\\-manage [\d.]+" "User Commands"$/m);
  });

  it('is for operators: FILES and SEE ALSO, no build instructions, no literal backtick (help texts mark code with them: bold on the page)', () => {
    const page = renderManPage(input);
    expect(page).to.match(/^\.SH FILES$/m);
    expect(page).to.match(/^\.SH SEE ALSO$/m);
    const files = page.slice(page.indexOf('.SH FILES'), page.indexOf('.SH EXIT STATUS')).replace(/\\-/g, '-');
    for (const file of ['/etc/watcher/watcher.conf', '$state_path/watcher.sqlite', '/usr/lib/watcher-db-manage/', '/usr/bin/watcher-db-manage.python']) {
      expect(files).to.contain(file);
    }
    expect(page.slice(page.indexOf('.SH SEE ALSO'))).to.contain('\\fBsqlite3\\fR(1)');
    expect(page, 'a build instruction').to.not.match(/npm (run|install|ci)\b|bin\/dev\.js/);
    expect(page, 'a literal backtick').to.not.contain('`');
    // The Markdown code of check's description (`revision --autogenerate`), set in bold.
    expect(page).to.contain('as \\fBrevision \\-\\-autogenerate\\fR does');
    // One that is not a pair is the grave accent, not roff's opening quote.
    const withTick: ManPageInput = { ...input, description: 'quote ` alone' };
    expect(renderManPage(withTick)).to.contain('quote \\(ga alone');
  });

  it('groff renders it without a warning', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wdm-man-')), 'watcher-db-manage.1');
    fs.writeFileSync(file, renderManPage(input));
    const r = spawnSync('groff', ['-man', '-Tutf8', '-wall', file], { encoding: 'utf8' });
    fs.rmSync(path.dirname(file), { recursive: true });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.contain('EXIT STATUS');
  });

  it('refuses an example naming an option or a command the tool does not have', () => {
    const withExample = (id: string, example: string): ManPageInput => ({
      ...input,
      commands: input.commands.map((c) => (c.id === id ? { ...c, examples: [...(c.examples ?? []), example] } : c)),
    });
    expect(() => renderManPage(withExample('upgrade', '<%= config.bin %> upgrade --revison head'))).to.throw(
      'man page: example "watcher-db-manage upgrade --revison head": upgrade has no option --revison',
    );
    expect(() => renderManPage(withExample('purge', '<%= config.bin %> purge -x'))).to.throw('purge has no option -x');
    expect(() => renderManPage(withExample('stamp', '<%= config.bin %> stmp head'))).to.throw('names no command');
    expect(() => renderManPage(withExample('stamp', '<%= config.bin %> <%= config.dirname %> head'))).to.throw('uses a template the page cannot fill');
    expect(() => renderManPage(withExample('upgrade', '<%= config.bin %> upgrade --revision head --config-file a.conf -v'))).to.not.throw();
  });
});
