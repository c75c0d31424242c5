/**
 * The reference's command line, made into one oclif can parse. The reference takes its global
 * options (oslo.config's) with their own spellings (`--logfile`, `--nodebug`) and runs `upgrade`
 * when no command is given; oclif parses options per command and wants the command first. So the
 * global options are taken from anywhere on the line, spelled as oclif's flags (BaseCommand's
 * baseFlags) and put after the command's own words: a global option's value can then never be read
 * as the command's argument, nor the command's argument as an option's value (`--config-file` is a
 * repeatable flag, which oclif lets swallow the words that follow it).
 *
 * Pure and free of imports: it runs before anything else, on every start.
 */

/** A global option as the line may spell it. */
export interface GlobalOption {
  /** The flag's name in oclif (BaseCommand.baseFlags), which is also the reference's main spelling. */
  name: string;
  takesValue: boolean;
  /** The reference's other spellings (oslo.config's deprecated names). */
  aliases?: readonly string[];
  /** Short form: only before the command is it surely this option (after `purge`, -d is --age-in-days). */
  char?: string;
  /** oslo.config's negation, `--noNAME`; oclif's is `--no-NAME` (allowNo). */
  negatable?: boolean;
}

/** Every global option of the reference's --help, and ours (-v, --migrations-dir). */
export const GLOBAL_OPTIONS: readonly GlobalOption[] = [
  { name: 'config-file', takesValue: true },
  { name: 'config-dir', takesValue: true },
  { name: 'migrations-dir', takesValue: true },
  { name: 'debug', takesValue: false, char: 'd', negatable: true },
  { name: 'verbose', takesValue: false, char: 'v' },
  { name: 'log-config-append', takesValue: true, aliases: ['log-config', 'log_config'] },
  { name: 'log-date-format', takesValue: true },
  { name: 'log-dir', takesValue: true, aliases: ['logdir'] },
  { name: 'log-file', takesValue: true, aliases: ['logfile'] },
  { name: 'syslog-log-facility', takesValue: true },
  { name: 'use-journal', takesValue: false, negatable: true },
  { name: 'use-json', takesValue: false, negatable: true },
  { name: 'use-syslog', takesValue: false, negatable: true },
  { name: 'watch-log-file', takesValue: false, negatable: true },
];

/** The reference's spellings that are not oclif's, for --help: `--logfile`, `--nodebug`, ... */
export function referenceSpellings(): string[] {
  return GLOBAL_OPTIONS.flatMap((o) => [...(o.aliases ?? []), ...(o.negatable ? [`no${o.name}`] : [])]).map((s) => `--${s}`);
}

interface Spelling {
  option: GlobalOption;
  /** `--no-NAME`: the negation of a boolean. */
  negated: boolean;
}

/** Every long spelling (without the dashes) -> the option it names. */
const LONG: ReadonlyMap<string, Spelling> = new Map(
  GLOBAL_OPTIONS.flatMap((option) => [
    ...[option.name, ...(option.aliases ?? [])].map((s): [string, Spelling] => [s, { option, negated: false }]),
    ...(option.negatable ? [`no${option.name}`, `no-${option.name}`] : []).map((s): [string, Spelling] => [s, { option, negated: true }]),
  ]),
);
const SHORT: ReadonlyMap<string, GlobalOption> = new Map(GLOBAL_OPTIONS.filter((o) => o.char).map((o) => [`-${o.char}`, o]));

/** Options oclif answers itself, without a command. */
const HELP = new Set(['--help', '-h']);
const VERSION = '--version';

export const DEFAULT_COMMAND = 'upgrade';
/** Not a command of its own: `help [COMMAND]` is oclif's --help. */
export const HELP_COMMAND = 'help';

export interface PreparedArgv {
  /** What oclif runs: the command, its own arguments and options, then the global options. */
  argv: string[];
  /** True when no command was given and DEFAULT_COMMAND was put in. */
  defaulted: boolean;
}

/** A global option found on the line, or undefined; `next` is the word after it. */
function globalOption(arg: string, next: string | undefined, beforeCommand: boolean): { words: string[]; used: number } | undefined {
  if (!arg.startsWith('--')) {
    // `-v`, or a cluster of them (`-vd`), all global switches.
    const options = beforeCommand && /^-[a-zA-Z]+$/.test(arg) ? [...arg.slice(1)].map((c) => SHORT.get(`-${c}`)) : [];
    if (options.length === 0 || options.some((o) => !o)) return undefined;
    return { words: options.map((o) => `--${o!.name}`), used: 1 };
  }
  const eq = arg.indexOf('=');
  const spelled = arg.slice(2, eq === -1 ? undefined : eq);
  const found = LONG.get(spelled);
  if (!found) return undefined;
  const { option, negated } = found;
  if (!option.takesValue) {
    // A switch given a value (`--debug=x`) is left for oclif to refuse, in oclif's spelling.
    const name = `--${negated ? 'no-' : ''}${option.name}`;
    return { words: [eq === -1 ? name : name + arg.slice(eq)], used: 1 };
  }
  if (eq !== -1) return { words: withValue(option.name, arg.slice(eq + 1)), used: 1 };
  // A missing value, or an option where the value should be: left bare, oclif says "expects a value".
  if (next === undefined || (next.startsWith('-') && next !== '-')) return { words: [`--${option.name}`], used: 1 };
  return { words: withValue(option.name, next), used: 2 };
}

/**
 * `--name value`: so that a command's option left without its value (`upgrade --revision`) is
 * refused by oclif ("expects a value") instead of taking the moved option as its value. A value
 * that looks like an option is kept joined, for oclif not to take it for one.
 */
function withValue(name: string, value: string): string[] {
  return value.startsWith('-') ? [`--${name}=${value}`] : [`--${name}`, value];
}

export function prepareArgv(args: string[]): PreparedArgv {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  const afterEnd = end === -1 ? [] : args.slice(end);
  if (options.includes(VERSION)) return { argv: [VERSION], defaulted: false };

  const globals: string[] = [];
  const rest: string[] = [];
  let command: string | undefined;
  let i = 0;
  while (i < options.length) {
    const arg = options[i];
    const found = globalOption(arg, options[i + 1], command === undefined && rest.length === 0);
    if (found) {
      globals.push(...found.words);
      i += found.used;
      continue;
    }
    if (command === undefined && rest.length === 0 && !arg.startsWith('-')) command = arg;
    else rest.push(arg);
    i += 1;
  }
  if (command === undefined && rest.length > 0 && HELP.has(rest[0])) {
    return { argv: [...rest, ...globals, ...afterEnd], defaulted: false };
  }
  if (command === HELP_COMMAND) return { argv: ['--help', ...rest, ...globals, ...afterEnd], defaulted: false };
  const defaulted = command === undefined;
  return { argv: [command ?? DEFAULT_COMMAND, ...rest, ...globals, ...afterEnd], defaulted };
}
