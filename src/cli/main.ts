import { execute, Config } from '@oclif/core';
import 'reflect-metadata';
import { DEFAULT_COMMAND, prepareArgv } from './argv';

/** Starts the CLI: reorders the reference-style argv, then lets oclif run the command. */
export async function main(args: string[], options: { development: boolean; dir: string }): Promise<void> {
  const { argv, defaulted } = prepareArgv(args);
  if (defaulted) {
    const config = await Config.load(options.dir);
    if (!config.findCommand(DEFAULT_COMMAND)) {
      process.stderr.write(
        `watcher-db-manage: error: no command given, and the default command '${DEFAULT_COMMAND}' is not available in this version; see --help\n`,
      );
      process.exitCode = 1;
      return;
    }
  }
  await execute({ args: argv, development: options.development, dir: options.dir });
}
