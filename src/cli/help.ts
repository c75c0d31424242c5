import type * as Oclif from '@oclif/core';
import { DEFAULT_COMMAND, HELP_COMMAND, referenceSpellings } from './argv';
import { EXIT } from './exit-codes';
import { oclif } from './oclif';
import { globalFlagNames } from './global-flags';
import { commandNames, unknownCommandMessage } from './unknown-command';

// oclif's help, loaded only when help is shown (package.json oclif.helpClass).
const { Help, CommandHelp, getHelpFlagAdditions } = oclif.help;

type Loadable = Oclif.Command.Loadable;

/**
 * The command help is asked for, read as oclif reads it: the first word, unless an option comes
 * first; `help` itself is skipped (`help help` is the root help).
 */
function helpSubject(argv: readonly string[], helpFlags: readonly string[]): string | undefined {
  for (const arg of argv) {
    if (arg === '--') return undefined;
    if (helpFlags.includes(arg)) continue;
    return arg.startsWith('-') ? undefined : arg;
  }
  return undefined;
}

/** oclif's rendering of a command's flags, for the root help's GLOBAL FLAGS. */
class FlagRows extends CommandHelp {
  rows(flags: Oclif.Command.Flag.Any[]): [string, string | undefined][] {
    return this.flags(flags) ?? [];
  }
}

/**
 * oclif's help, with what the reference's --help says and oclif's root help does not: the global
 * options (from the commands' own flag declarations, as their --help shows them) and that no command
 * means upgrade. A help subject that is no command is the unknown-command error, as when running it.
 */
export default class WatcherHelp extends Help {
  public async showHelp(argv: string[]): Promise<void> {
    const subject = helpSubject(argv, [...getHelpFlagAdditions(this.config), HELP_COMMAND]);
    if (subject !== undefined && !this.config.findCommand(subject) && !this.config.findTopic(subject)) {
      process.stderr.write(`watcher-db-manage: error: ${unknownCommandMessage(subject, commandNames(this.config))}\n`);
      process.exitCode = EXIT.USAGE;
      return;
    }
    await super.showHelp(argv);
  }

  public formatRoot(): string {
    const bin = this.config.bin;
    const summary = String(this.config.pjson.description ?? '').split('\n')[0];
    return [
      summary,
      this.section('VERSION', this.wrap(this.config.userAgent)),
      this.section('USAGE', [`$ ${bin} [GLOBAL FLAGS] [COMMAND] [ARGUMENTS] [FLAGS]`, `$ ${bin} ${HELP_COMMAND} [COMMAND]`].join('\n')),
      this.section(
        'DESCRIPTION',
        this.wrap(
          `With no COMMAND, ${bin} runs ${DEFAULT_COMMAND}, as the Python watcher-db-manage does. ` +
            'The global flags may stand before or after the command. ' +
            `${bin} ${HELP_COMMAND} COMMAND (or ${bin} COMMAND --help) shows a command's arguments, flags and examples.`,
        ),
      ),
    ]
      .filter(Boolean)
      .join('\n\n');
  }

  protected async showRootHelp(): Promise<void> {
    await super.showRootHelp();
    this.log(this.formatGlobalFlags());
    this.log('');
  }

  private formatGlobalFlags(): string {
    const own = this.config.commands.filter((c) => c.pluginName === this.config.pjson.name);
    const source: Loadable | undefined = this.config.findCommand(DEFAULT_COMMAND) ?? own[0];
    if (!source) return '';
    const flags = globalFlagNames(own).map((name) => source.flags[name] as Oclif.Command.Flag.Any);
    const rows = new FlagRows(source, this.config, this.opts).rows(flags);
    rows.push(['-h, --help', `Show this help; ${HELP_COMMAND} COMMAND shows a command's.`], ['    --version', 'Print the version and exit.']);
    // Those with a short form first, as oclif lists a command's flags (the list's first line loses its indent).
    rows.sort((a, b) => Number(a[0].startsWith(' ')) - Number(b[0].startsWith(' ')));
    // A short form some command takes for its own flag (purge's -d): said, as the man page says it.
    const shortClashes = flags
      .filter((f) => f.char)
      .map((f) => ({ f, without: own.filter((c) => c.flags[f.name]?.char !== f.char).map((c) => c.id) }))
      .filter(({ without }) => without.length > 0)
      .map(({ f, without }) => `After ${without.join(', ')}, -${f.char} is not --${f.name}.`);
    const notes = [...shortClashes, `The Python tool's spellings are taken too: ${referenceSpellings().join(', ')}.`].join(' ');
    return `${this.section('GLOBAL FLAGS', rows)}\n\n${this.indent(this.wrap(notes, 2))}`;
  }
}
