import { DEFAULT_COMMAND, prepareArgv } from './argv';

// oclif's own entry points (package exports, which this tsconfig's module resolution does not read).
type Oclif = typeof import('@oclif/core');

/**
 * Starts the CLI: reorders the reference-style argv, then lets oclif run the command.
 * Start-up time matters (`--help` and `version` should answer at once), so only what every run needs is
 * loaded here: oclif's `execute` from its own entry point rather than the whole of `@oclif/core`, and no
 * TypeORM, reflect-metadata or driver, which the commands load when they open a database.
 */
export async function main(args: string[], options: { development: boolean; dir: string }): Promise<void> {
  // @oclif/core's index loads semver only to check Node against its own (looser) engines range: ~25 ms.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
  const { argv, defaulted } = prepareArgv(args);
  if (defaulted) {
    const { Config } = require('@oclif/core/config') as Pick<Oclif, 'Config'>;
    const config = await Config.load(options.dir);
    if (!config.findCommand(DEFAULT_COMMAND)) {
      process.stderr.write(
        `watcher-db-manage: error: no command given, and the default command '${DEFAULT_COMMAND}' is not available in this version; see --help\n`,
      );
      process.exitCode = 1;
      return;
    }
  }
  const { execute } = require('@oclif/core/execute') as Pick<Oclif, 'execute'>;
  await execute({ args: argv, development: options.development, dir: options.dir });
}
