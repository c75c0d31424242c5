/**
 * The reference's argparse accepts the global options before or after the command and runs
 * `upgrade` when no command is given. oclif parses options per command and wants the command
 * first, so we move the global options that stand before the command to after it.
 */

/** Global options that take a value. */
const WITH_VALUE = new Set(['--config-file', '--config-dir', '--migrations-dir']);
/** Global switches; `-d` is spelled out because after `purge` it means --age-in-days. */
const SWITCHES: Record<string, string> = { '-d': '--debug', '--debug': '--debug', '-v': '--verbose', '--verbose': '--verbose' };
/** Options oclif answers itself without a command. */
const TOP_LEVEL = new Set(['--version', '--help', '-h']);

export const DEFAULT_COMMAND = 'upgrade';

export interface PreparedArgv {
  argv: string[];
  /** True when no command was given and DEFAULT_COMMAND was put in. */
  defaulted: boolean;
}

export function prepareArgv(args: string[]): PreparedArgv {
  const moved: string[] = [];
  let i = 0;
  while (i < args.length) {
    const arg = args[i];
    const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (WITH_VALUE.has(name)) {
      if (arg.includes('=')) {
        moved.push(arg);
        i += 1;
      } else {
        moved.push(arg, ...(i + 1 < args.length ? [args[i + 1]] : []));
        i += 2;
      }
    } else if (SWITCHES[arg]) {
      moved.push(SWITCHES[arg]);
      i += 1;
    } else {
      break;
    }
  }
  const rest = args.slice(i);
  if (rest.length > 0 && TOP_LEVEL.has(rest[0])) return { argv: [...rest, ...moved], defaulted: false };
  if (rest.length === 0 || rest[0].startsWith('-')) {
    return { argv: [DEFAULT_COMMAND, ...rest, ...moved], defaulted: true };
  }
  return { argv: [rest[0], ...rest.slice(1), ...moved], defaulted: false };
}
